// WRITE
// A record as an application for its repair needs it, read under the record's write lock, taken first (of two
// requests racing on it, the second waits here and then reads the first one's committed state; workflow.md
// section 5): its dates and authority, its subject, and the applications pending on or after the day applied for
// (decided later, or not yet). No row when there is no such record.
MATCH (r:Record {recordId: $recordId})
SET r._lock = true
WITH r
MATCH (r)<-[:RECORD]-(s)
RETURN r {.*} AS record,
  CASE WHEN s:Person THEN 'PERSON' ELSE 'ORGANISATION' END AS subjectKind,
  CASE WHEN s:Person THEN s.pid ELSE s.uscc END AS subjectKey,
  COLLECT {
    MATCH (r)-[:REPAIR_APPLICATION]->(a:RepairApplication)
    WHERE a.decidedOn IS NULL OR a.decidedOn > $appliedOn
    RETURN a {.applicationId, .appliedOn, .decidedOn, .status} AS a ORDER BY a.appliedOn
  } AS pending
