// WRITE
// Take the write locks on a repair application and its record for the rest of the mutation's transaction (as
// lock_record): the application first, then the record, as lock_objection does.
MATCH (r:Record)-[:REPAIR_APPLICATION]->(a:RepairApplication {applicationId: $applicationId})
SET a._lock = true, r._lock = true
RETURN count(a) AS found
