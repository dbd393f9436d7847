// READ
// Measure 八 for one organisation as of a date: who answers for its ACTIVE records and active list entries —
// legal representatives and principals on the decision (or listing) date, and the persons named on the records.
MATCH (o:Organisation {uscc: $uscc})
CALL (o) {
  MATCH (o)-[:RECORD]->(r:Record)
  WHERE {{ record_public(r, $asOf) }}
  RETURN r.recordId AS recordId, r.decidedOn AS day, null AS entryId
  UNION
  MATCH (o)-[:LIST_ENTRY]->(e:ListEntry)
  WHERE {{ entry_active(e, $asOf) }}
  RETURN e.recordId AS recordId, e.listedOn AS day, e.entryId AS entryId
}
CALL (o, recordId, day) {
  MATCH (o)<-[role:LEGAL_REPRESENTATIVE|PRINCIPAL]-(p:Person)
  WHERE {{ in_force(role, day) }}
  RETURN p, type(role) AS basis, role.startOn AS startOn, role.endOn AS endOn, role.startKey AS startKey
  UNION
  MATCH (o)-[:RECORD]->(:Record {recordId: recordId})<-[:RESPONSIBLE]-(p:Person)
  RETURN p, 'NAMED_RESPONSIBLE' AS basis, null AS startOn, null AS endOn, null AS startKey
}
RETURN o {.*} AS org, recordId, entryId, p {.pid, .name, .idType, .idNumber} AS person, basis,
       startOn, endOn, startKey
ORDER BY recordId, entryId, basis, p.name
