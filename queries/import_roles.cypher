// WRITE
// roles.csv: a dated role of a person in an organisation, keyed by its start. The relationship type is the
// role; one static MERGE per type (a dynamic type makes the planner scan all relationships).
UNWIND $rows AS row
MATCH (p:Person {idNumber: row.idNumber}) USING INDEX p:Person(idNumber)
MATCH (o:Organisation {uscc: row.uscc}) USING INDEX o:Organisation(uscc)
CALL (p, o, row) {
  WITH * WHERE row.role = 'LEGAL_REPRESENTATIVE'
  MERGE (p)-[r:LEGAL_REPRESENTATIVE {startKey: row.startKey}]->(o)
  SET r.title = row.title, r.startOn = row.startOn, r.endOn = row.endOn
}
CALL (p, o, row) {
  WITH * WHERE row.role = 'PRINCIPAL'
  MERGE (p)-[r:PRINCIPAL {startKey: row.startKey}]->(o)
  SET r.title = row.title, r.startOn = row.startOn, r.endOn = row.endOn
}
CALL (p, o, row) {
  WITH * WHERE row.role = 'EXECUTIVE'
  MERGE (p)-[r:EXECUTIVE {startKey: row.startKey}]->(o)
  SET r.title = row.title, r.startOn = row.startOn, r.endOn = row.endOn
}
