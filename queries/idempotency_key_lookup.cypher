// WRITE
// The first result of an idempotency key of a credential, if the key was used. Run inside the mutation's write
// transaction (graph/store/writes.py), so it is declared WRITE though it only reads.
OPTIONAL MATCH (k:IdempotencyKey {credentialId: $credentialId, key: $key})
WITH k WHERE k IS NOT NULL
SET k.lastSeenAt = datetime()
RETURN k.fingerprint AS fingerprint, k.result AS result, k.mutation AS mutation
