// WRITE
// shareholdings.csv: a dated holding of an organisation or a person in an organisation, keyed by its start.
UNWIND $rows AS row
OPTIONAL MATCH (ho:Organisation {uscc: row.holderUscc}) USING INDEX ho:Organisation(uscc)
OPTIONAL MATCH (hp:Person {idNumber: row.holderIdNumber}) USING INDEX hp:Person(idNumber)
WITH row, coalesce(ho, hp) AS holder
MATCH (o:Organisation {uscc: row.uscc}) USING INDEX o:Organisation(uscc)
MERGE (holder)-[s:SHAREHOLDER {startKey: row.startKey}]->(o)
SET s.percent = row.percent, s.startOn = row.startOn, s.endOn = row.endOn
