// WRITE
// list_entries.csv: a listing decision keyed by entryId, linked from its subject and to the record it rests on.
UNWIND $rows AS row
OPTIONAL MATCH (so:Organisation {uscc: row.subjectUscc}) USING INDEX so:Organisation(uscc)
OPTIONAL MATCH (sp:Person {idNumber: row.subjectIdNumber}) USING INDEX sp:Person(idNumber)
WITH row, coalesce(so, sp) AS subject
MERGE (e:ListEntry {entryId: row.entryId})
SET e += row.props
// An entry ended early through the API (a repair, an upheld objection) stays ended when the row gives no date.
SET e.removedOn = coalesce(e.removedOn, e.endedEarlyOn)
WITH row, subject, e
CALL (e, subject) {
  MATCH (e)<-[old:LIST_ENTRY]-(previous) WHERE previous <> subject
  DELETE old
}
MERGE (subject)-[:LIST_ENTRY]->(e)
WITH row, e
CALL (e, row) {
  MATCH (e)-[old:BASED_ON]->(r) WHERE r.recordId <> coalesce(row.props.recordId, '')
  DELETE old
}
CALL (e, row) {
  MATCH (r:Record {recordId: row.props.recordId}) USING INDEX r:Record(recordId)
  MERGE (e)-[:BASED_ON]->(r)
}
