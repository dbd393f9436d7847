// READ
// For each record: the persons named on it and the legal representatives and principals of its
// organisation on the decision date (measure 八).
UNWIND $recordIds AS rid
MATCH (r:Record {recordId: rid})
OPTIONAL MATCH (r)<-[:RECORD]-(o:Organisation)
RETURN rid AS key, o {.*} AS org,
  COLLECT {
    MATCH (r)<-[x:RESPONSIBLE]-(p:Person)
    RETURN p {.pid, .name, .idType, .idNumber, liability: x.liability} AS person ORDER BY p.name
  } AS responsible,
  COLLECT {
    MATCH (o)<-[role:LEGAL_REPRESENTATIVE|PRINCIPAL]-(p:Person)
    WHERE (role.startOn IS NULL OR role.startOn <= r.decidedOn) AND (role.endOn IS NULL OR role.endOn >= r.decidedOn)
    RETURN p {.pid, .name, .idType, .idNumber, role: type(role)} AS person ORDER BY person.role, p.name
  } AS leaders
