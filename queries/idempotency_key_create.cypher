// WRITE
// Remember a mutation's result under its idempotency key (unique per credential; kept at least 30 days).
CREATE (:IdempotencyKey {credentialId: $credentialId, key: $key, mutation: $mutation, fingerprint: $fingerprint,
                         result: $result, createdAt: datetime(), lastSeenAt: datetime()})
