// WRITE
// Take the write lock on a list entry for the rest of the mutation's transaction (as lock_record).
MATCH (e:ListEntry {entryId: $entryId})
SET e._lock = true
RETURN count(e) AS found
