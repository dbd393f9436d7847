// WRITE
// roles.csv: a dated role of a person in an organisation; the relationship type is the role
// (LEGAL_REPRESENTATIVE, PRINCIPAL, EXECUTIVE, validated by the importer), keyed by its start.
UNWIND $rows AS row
MATCH (p:Person {idNumber: row.idNumber})
MATCH (o:Organisation {uscc: row.uscc})
MERGE (p)-[r:$(row.role) {startKey: row.startKey}]->(o)
SET r.title = row.title, r.startOn = row.startOn, r.endOn = row.endOn
