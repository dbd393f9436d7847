// READ
// The first result of an idempotency key of a credential, if the key was used, without touching it: read after a
// mutation lost a race to a request with the same key (graph/writes.py), so that a refusal writes nothing.
MATCH (k:IdempotencyKey {credentialId: $credentialId, key: $key})
RETURN k.fingerprint AS fingerprint, k.result AS result, k.mutation AS mutation
