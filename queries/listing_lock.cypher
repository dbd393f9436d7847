// WRITE
// removeListing: take the write lock on the entry for the rest of the transaction (a racing removal waits here,
// then reads the first one's committed state) and read it.
MATCH (e:ListEntry {entryId: $entryId})
SET e._lock = true
RETURN e {.*} AS entry
