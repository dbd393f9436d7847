// READ
// Every list entry of the subjects (the API decides which are active on the file's date).
UNWIND $subjects AS key
OPTIONAL MATCH (o:Organisation {uscc: key.uscc})
OPTIONAL MATCH (p:Person {pid: key.pid})
WITH key, coalesce(o, p) AS s
MATCH (s)-[:LIST_ENTRY]->(e:ListEntry)
RETURN key, e {.*} AS entry ORDER BY e.listedOn DESC, e.entryId
