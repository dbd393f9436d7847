// WRITE
// shareholdings.csv: a dated holding of an organisation or a person in an organisation, keyed by its start.
UNWIND $rows AS row
OPTIONAL MATCH (ho:Organisation {uscc: row.holderUscc})
OPTIONAL MATCH (hp:Person {idNumber: row.holderIdNumber})
WITH row, coalesce(ho, hp) AS holder
MATCH (o:Organisation {uscc: row.uscc})
MERGE (holder)-[s:SHAREHOLDER {startKey: row.startKey}]->(o)
SET s.percent = row.percent, s.startOn = row.startOn, s.endOn = row.endOn
