// WRITE
// A new API key: only the SHA-256 of its secret is stored (the key is shown once, by the CLI).
CREATE (k:ApiKey {keyId: $keyId, secretHash: $secretHash, role: $role, name: $name, agencyName: $agencyName,
                  agencyUscc: $agencyUscc, region: $region, subjectKind: $subjectKind, subjectId: $subjectId,
                  createdAt: datetime($createdAt)})
RETURN k.keyId AS keyId
