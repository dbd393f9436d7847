// READ
// Records by recordId with their subject, as of a date (status as in records_page).
UNWIND $recordIds AS rid
MATCH (r:Record {recordId: rid})<-[:RECORD]-(s)
RETURN r {.*, status: CASE
    WHEN r.decidedOn > $asOf THEN null
    WHEN r.revokedOn IS NOT NULL AND r.revokedOn <= $asOf THEN 'REVOKED'
    WHEN r.repairedOn IS NOT NULL AND r.repairedOn <= $asOf THEN 'REPAIRED'
    WHEN r.publicUntil IS NOT NULL AND $asOf > r.publicUntil THEN 'EXPIRED'
    ELSE 'ACTIVE' END} AS record,
  CASE WHEN s:Person THEN 'PERSON' ELSE 'ORGANISATION' END AS subjectKind,
  CASE WHEN s:Person THEN s {.pid, .name, .idType, .idNumber} ELSE s {.*} END AS subject
