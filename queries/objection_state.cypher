// READ
// An objection as its resolution needs it (read under the objection's lock): the objection, its target and, for a
// record, the list entries resting on it.
MATCH (t)-[:OBJECTION]->(o:Objection {objectionId: $objectionId})
RETURN o {.*} AS objection, t {.*} AS target,
  COLLECT {
    MATCH (t:Record)<-[:BASED_ON]-(e:ListEntry)
    RETURN e {.entryId, .listedOn, .validUntil, .removedOn} AS e
  } AS entries
