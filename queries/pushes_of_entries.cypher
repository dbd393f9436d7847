// READ
// The pushes of list entries (each carries its entryId), in one record.
RETURN COLLECT {
  UNWIND $entryIds AS id
  MATCH (:ListEntry {entryId: id})-[:PUSH]->(p:Push)
  RETURN p {.*} AS push ORDER BY p.measureCode, p.pushId
} AS pushes
