// READ
// Persons by ID number (screening, `person(idNumber)`); a resident ID is preferred over other documents.
UNWIND $numbers AS number
MATCH (p:Person {idNumber: number})
WITH number, p ORDER BY p.idType = 'RESIDENT_ID' DESC
WITH number, head(collect(p)) AS p
RETURN number, p {.pid, .name, .idType, .idNumber} AS person
