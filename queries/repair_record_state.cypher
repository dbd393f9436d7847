// READ
// A record as an application for its repair needs it (read under the record's lock): its dates and authority,
// its subject, and the applications pending on or after the day applied for (decided later, or not yet).
MATCH (r:Record {recordId: $recordId})<-[:RECORD]-(s)
RETURN r {.*} AS record,
  CASE WHEN s:Person THEN 'PERSON' ELSE 'ORGANISATION' END AS subjectKind,
  CASE WHEN s:Person THEN s.pid ELSE s.uscc END AS subjectKey,
  COLLECT {
    MATCH (r)-[:REPAIR_APPLICATION]->(a:RepairApplication)
    WHERE a.decidedOn IS NULL OR a.decidedOn > $appliedOn
    RETURN a {.applicationId, .appliedOn, .decidedOn, .status} AS a ORDER BY a.appliedOn
  } AS pending
