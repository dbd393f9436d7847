// READ
// The push poller of a server process (api/live.py): pushes addressed to the given units whose changedAt is after
// $since, and the database's clock, which the poller's next $since is taken from.
RETURN datetime() AS now, COLLECT {
  MATCH (p:Push) USING INDEX p:Push(changedAt)
  WHERE p.changedAt > $since AND p.unitUscc IN $units
  RETURN p {.*} AS push ORDER BY p.changedAt
} AS pushes
