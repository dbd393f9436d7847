// WRITE
// An objection as its resolution needs it, read under the write locks of the objection and then its target,
// taken first (as repair_application_state): the objection, its target and, for a record, the list entries
// resting on it. No row when there is no such objection.
MATCH (t)-[:OBJECTION]->(o:Objection {objectionId: $objectionId})
SET o._lock = true, t._lock = true
WITH t, o
RETURN o {.*} AS objection, t {.*} AS target,
  COLLECT {
    MATCH (t:Record)<-[:BASED_ON]-(e:ListEntry)
    RETURN e {.entryId, .listedOn, .validUntil, .removedOn} AS e
  } AS entries
