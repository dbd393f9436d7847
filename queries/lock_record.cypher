// WRITE
// Take the write lock on a record for the rest of the mutation's transaction (workflow.md section 5: of two
// requests racing on it, the second waits here and then reads the first one's committed state).
MATCH (r:Record {recordId: $recordId})
SET r._lock = true
RETURN count(r) AS found
