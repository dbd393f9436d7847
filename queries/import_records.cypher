// WRITE
// records.csv: a failing record keyed by recordId, linked from its subject; a changed subject moves the link.
UNWIND $rows AS row
OPTIONAL MATCH (so:Organisation {uscc: row.subjectUscc}) USING INDEX so:Organisation(uscc)
OPTIONAL MATCH (sp:Person {idNumber: row.subjectIdNumber}) USING INDEX sp:Person(idNumber)
WITH row, coalesce(so, sp) AS subject
MERGE (r:Record {recordId: row.recordId})
SET r += row.props
// A repair granted or an objection upheld through the API (api/repair.py) stands when the row gives no date.
SET r.repairedOn = coalesce(r.repairedOn, r.repairGrantedOn), r.revokedOn = coalesce(r.revokedOn, r.revocationUpheldOn)
WITH row, subject, r
CALL (r, subject) {
  MATCH (r)<-[old:RECORD]-(previous) WHERE previous <> subject
  DELETE old
}
MERGE (subject)-[:RECORD]->(r)
