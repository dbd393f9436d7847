// READ
// Records by recordId with their subject, as of a date (status as in records_page).
UNWIND $recordIds AS rid
MATCH (r:Record {recordId: rid})<-[:RECORD]-(s)
RETURN r {.*, status: {{ record_status(r, $asOf) }}} AS record,
  CASE WHEN s:Person THEN 'PERSON' ELSE 'ORGANISATION' END AS subjectKind,
  CASE WHEN s:Person THEN s {.pid, .name, .idType, .idNumber} ELSE s {.*} END AS subject
