// WRITE
// Enumeration guard, step 1 (in the request's own write transaction, before anything is answered): lock one
// counter per (credential, pattern) so that concurrent lookups of one pattern queue up, then return the distinct
// numbers already looked up since $since. Patterns come sorted, so two requests lock in the same order.
UNWIND $patterns AS pattern
MERGE (c:LookupCounter {credentialId: $credentialId, pattern: pattern})
SET c._lock = true
WITH pattern
OPTIONAL MATCH (l:Lookup {credentialId: $credentialId, pattern: pattern}) WHERE l.at >= datetime($since)
RETURN pattern, collect(DISTINCT l.number) AS numbers
