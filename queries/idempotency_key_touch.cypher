// WRITE
// The first result of an idempotency key of a credential, read when a mutation's claim of the key failed on its
// unique constraint (the key was used before, or by a concurrent request that committed first). A replay (same
// fingerprint) keeps the key from when it was last seen; other input (CONFLICT) changes nothing
// (graph/store/writes.py).
MATCH (k:IdempotencyKey {credentialId: $credentialId, key: $key})
SET k.lastSeenAt = CASE WHEN k.fingerprint = $fingerprint THEN datetime() ELSE k.lastSeenAt END
RETURN k.fingerprint AS fingerprint, k.result AS result, k.mutation AS mutation
