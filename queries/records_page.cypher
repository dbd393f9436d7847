// READ
// One page of records per subject (keyset on decidedOn DESC, recordId DESC) with the exact total, as of a date,
// and for each record on the page who answers for it (measure 八): the persons named on it and, for an
// organisation's record, its legal representatives and principals on the decision date.
// Status: REVOKED / REPAIRED from those dates on, EXPIRED after publicUntil, else ACTIVE (graph/rules.py).
UNWIND $subjects AS key
OPTIONAL MATCH (o:Organisation {uscc: key.uscc})
OPTIONAL MATCH (p:Person {pid: key.pid})
WITH key, coalesce(o, p) AS s
CALL (s) {
  MATCH (s)-[:RECORD]->(r:Record)
  WHERE r.decidedOn <= $asOf
    AND ($categories IS NULL OR r.category IN $categories)
    AND ($severities IS NULL OR r.severity IN $severities)
    AND ($decidedFrom IS NULL OR r.decidedOn >= $decidedFrom)
    AND ($decidedTo IS NULL OR r.decidedOn <= $decidedTo)
  WITH r, CASE
    WHEN r.revokedOn IS NOT NULL AND r.revokedOn <= $asOf THEN 'REVOKED'
    WHEN r.repairedOn IS NOT NULL AND r.repairedOn <= $asOf THEN 'REPAIRED'
    WHEN r.publicUntil IS NOT NULL AND $asOf > r.publicUntil THEN 'EXPIRED'
    ELSE 'ACTIVE' END AS status
  WHERE status IN $statuses OR (r.authorityUscc = $archiveAuthority AND status IN $ownStatuses)
  WITH r, status ORDER BY r.decidedOn DESC, r.recordId DESC
  WITH collect({r: r, status: status}) AS matching
  RETURN size(matching) AS total,
         [x IN matching WHERE $afterDate IS NULL OR x.r.decidedOn < $afterDate
            OR (x.r.decidedOn = $afterDate AND x.r.recordId < $afterId)][0..$limit] AS page
}
CALL (s, page) {
  UNWIND page AS x
  WITH x.r AS r, x.status AS status
  RETURN collect(r {.*, status: status,
    responsible: COLLECT {
      MATCH (r)<-[rx:RESPONSIBLE]-(rp:Person)
      RETURN rp {.pid, .name, .idType, .idNumber, liability: rx.liability} AS person ORDER BY rp.name
    },
    leaders: COLLECT {
      MATCH (s:Organisation)<-[role:LEGAL_REPRESENTATIVE|PRINCIPAL]-(lp:Person)
      WHERE (role.startOn IS NULL OR role.startOn <= r.decidedOn) AND (role.endOn IS NULL OR role.endOn >= r.decidedOn)
      RETURN lp {.pid, .name, .idType, .idNumber, role: type(role)} AS person ORDER BY person.role, lp.name
    }}) AS rows
}
RETURN key, total, rows AS page, CASE WHEN s:Organisation THEN s {.*} END AS org
