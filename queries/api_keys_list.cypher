// READ
// Every API key, oldest first, without its secret hash.
MATCH (k:ApiKey)
RETURN k {.keyId, .role, .name, .agencyName, .agencyUscc, .region, .subjectKind, .subjectId,
          createdAt: toString(k.createdAt), revokedAt: toString(k.revokedAt)} AS key
ORDER BY k.createdAt, k.keyId
