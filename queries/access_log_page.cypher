// READ
// 知情权: who read one subject's file, newest first (keyset on at, eventId), with the total.
MATCH (counted:AccessEvent {subject: $subject})
WITH count(counted) AS total
CALL () {
  MATCH (e:AccessEvent {subject: $subject})
  WHERE $afterAt IS NULL OR e.at < datetime($afterAt) OR (e.at = datetime($afterAt) AND e.eventId < $afterId)
  WITH e ORDER BY e.at DESC, e.eventId DESC LIMIT $limit
  RETURN collect(e {.eventId, .role, .agencyName, .agencyUscc, .operation, .purpose, at: toString(e.at)}) AS page
}
RETURN total, page
