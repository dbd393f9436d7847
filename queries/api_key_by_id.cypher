// READ
// One API key by its id, with its subject's opaque key (pid for a person) when it is a SUBJECT key.
// Run on every authenticated request, so a revocation is seen by the next request in every server process.
MATCH (k:ApiKey {keyId: $keyId})
OPTIONAL MATCH (o:Organisation {uscc: k.subjectId}) WHERE k.subjectKind = 'ORGANISATION'
OPTIONAL MATCH (p:Person {idNumber: k.subjectId}) WHERE k.subjectKind = 'PERSON'
RETURN k {.*, createdAt: toString(k.createdAt), revokedAt: toString(k.revokedAt)} AS key,
       coalesce(o.uscc, p.pid) AS subjectKey, coalesce(o.name, p.name) AS subjectName
