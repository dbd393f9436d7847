// WRITE
// events.csv: a second-stage event of a subject (rectification, interview, repair, objection, punishment loop).
UNWIND $rows AS row
OPTIONAL MATCH (so:Organisation {uscc: row.subjectUscc}) USING INDEX so:Organisation(uscc)
OPTIONAL MATCH (sp:Person {idNumber: row.subjectIdNumber}) USING INDEX sp:Person(idNumber)
WITH row, coalesce(so, sp) AS subject
MERGE (e:Event {eventId: row.eventId})
SET e += row.props
WITH subject, e
CALL (e, subject) {
  MATCH (e)<-[old:EVENT]-(previous) WHERE previous <> subject
  DELETE old
}
MERGE (subject)-[:EVENT]->(e)
