// READ
// Every role the persons hold or held, with the organisation.
UNWIND $pids AS pid
MATCH (p:Person {pid: pid})-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|EXECUTIVE]->(o:Organisation)
RETURN pid AS key, type(r) AS role, r.title AS title, r.startOn AS startOn, r.endOn AS endOn,
       p {.pid, .name, .idType, .idNumber} AS person, o {.*} AS org
