// WRITE
// End list entries early on a day (a granted repair, an upheld objection): removedOn = the day, and their pushes
// not yet withdrawn (or withdrawn only later) are withdrawn that day, never before they were made; changedAt
// tells the push poller to deliver the withdrawal. Works whether or not any Push exists.
UNWIND $entryIds AS entryId
MATCH (e:ListEntry {entryId: entryId})
// endedEarlyOn keeps the day through a re-import of list_entries.csv (import_list_entries); removedBy says why.
SET e.removedOn = $day, e.endedEarlyOn = $day, e.removedBy = $by
WITH e
CALL (e) {
  MATCH (e)-[:PUSH]->(p:Push)
  WHERE p.withdrawnOn IS NULL OR p.withdrawnOn > $day
  SET p.withdrawnOn = CASE WHEN p.pushedOn > $day THEN p.pushedOn ELSE $day END, p.changedAt = datetime()
  RETURN count(p) AS withdrawn
}
RETURN sum(withdrawn) AS withdrawn
