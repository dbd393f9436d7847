// WRITE
// Take the write locks on an objection and its target for the rest of the mutation's transaction (as lock_record):
// the objection first, then the record or entry, as lock_repair_application does.
MATCH (t)-[:OBJECTION]->(o:Objection {objectionId: $objectionId})
SET o._lock = true, t._lock = true
RETURN count(o) AS found
