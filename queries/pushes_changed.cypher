// READ
// The push poller of a server process (api/live.py), for the given units: the pushes changed after $cursor (the
// database's clock at the previous poll) in full; of those changed in the window ($since, $cursor] before it,
// where a late commit may still appear, only [pushId, changedAt]; and the database's clock now.
RETURN datetime() AS now,
  COLLECT {
    MATCH (p:Push) USING INDEX p:Push(changedAt)
    WHERE p.changedAt > $cursor AND p.unitUscc IN $units
    RETURN p {.*} AS push ORDER BY p.changedAt
  } AS fresh,
  COLLECT {
    MATCH (p:Push) USING INDEX p:Push(changedAt)
    WHERE p.changedAt > $since AND p.changedAt <= $cursor AND p.unitUscc IN $units
    RETURN [p.pushId, p.changedAt] AS key
  } AS recent
