// READ
// List entries by entryId with their subject.
UNWIND $entryIds AS eid
MATCH (e:ListEntry {entryId: eid})<-[:LIST_ENTRY]-(s)
RETURN e {.*} AS entry,
  CASE WHEN s:Person THEN 'PERSON' ELSE 'ORGANISATION' END AS subjectKind,
  CASE WHEN s:Person THEN s {.pid, .name, .idType, .idNumber} ELSE s {.*} END AS subject
