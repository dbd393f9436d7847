// WRITE
// persons.csv: keyed by (idType, idNumber); `pid` is the opaque id shown instead of the ID number.
UNWIND $rows AS row
MERGE (p:Person {idType: row.idType, idNumber: row.idNumber})
  ON CREATE SET p.pid = randomUUID()
SET p.name = row.name, p.birthDate = row.birthDate, p.male = row.male
