// WRITE
// Revoke a key (idempotent: the first revocation's time is kept).
MATCH (k:ApiKey {keyId: $keyId})
SET k.revokedAt = coalesce(k.revokedAt, datetime($revokedAt))
RETURN toString(k.revokedAt) AS revokedAt
