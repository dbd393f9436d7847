// READ
// Whether a subject exists: an organisation by USCC or a person by ID number.
OPTIONAL MATCH (o:Organisation {uscc: $subjectId}) WHERE $subjectKind = 'ORGANISATION'
OPTIONAL MATCH (p:Person {idNumber: $subjectId}) WHERE $subjectKind = 'PERSON'
RETURN coalesce(o.uscc, p.pid) AS subjectKey, coalesce(o.name, p.name) AS name
