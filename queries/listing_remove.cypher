// WRITE
// removeListing (workflow.md section 1): the entry ends on $removedOn; its pushes not yet withdrawn are withdrawn
// that day (never before they were made, as entries_end does) and changedAt tells the push poller to deliver them.
MATCH (e:ListEntry {entryId: $entryId})
SET e.removedOn = $removedOn, e.removalReason = $reason, e.removedByUscc = $authorityUscc
REMOVE e._lock
WITH e
CALL (e) {
  MATCH (e)-[:PUSH]->(p:Push)
  WHERE p.withdrawnOn IS NULL OR p.withdrawnOn > $removedOn
  SET p.withdrawnOn = CASE WHEN p.pushedOn > $removedOn THEN p.pushedOn ELSE $removedOn END, p.changedAt = datetime()
}
RETURN e {.*} AS entry, COLLECT { MATCH (e)-[:PUSH]->(p:Push) RETURN p {.*} ORDER BY p.measureCode, p.pushId } AS pushes
