// READ
// Persons by their opaque id, for the batch loader.
UNWIND $pids AS pid
MATCH (p:Person {pid: pid})
RETURN p {.pid, .name, .idType, .idNumber} AS person
