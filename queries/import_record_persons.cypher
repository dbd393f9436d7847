// WRITE
// record_persons.csv: a person named responsible on a record (负有责任的相关人员).
UNWIND $rows AS row
MATCH (r:Record {recordId: row.recordId}) USING INDEX r:Record(recordId)
MATCH (p:Person {idNumber: row.idNumber}) USING INDEX p:Person(idNumber)
MERGE (p)-[x:RESPONSIBLE]->(r)
SET x.liability = row.liability
