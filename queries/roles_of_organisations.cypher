// READ
// Every role held in the organisations (all dates; the API keeps those in force on the file's date).
UNWIND $usccs AS uscc
MATCH (o:Organisation {uscc: uscc})<-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|EXECUTIVE]-(p:Person)
RETURN uscc AS key, type(r) AS role, r.title AS title, r.startOn AS startOn, r.endOn AS endOn,
       p {.pid, .name, .idType, .idNumber} AS person, o {.*} AS org
