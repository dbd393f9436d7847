// READ
// One page of records per subject (keyset on decidedOn DESC, recordId DESC) with the exact total, as of a date,
// and for each record on the page who answers for it (measure 八): the persons named on it and, for an
// organisation's record, its legal representatives and principals on the decision date.
// Status and the persons who answer: queries/rules/record_status, record_responsible, record_leaders.
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
  WITH r, {{ record_status(r, $asOf) }} AS status
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
    responsible: {{ record_responsible(r) }},
    leaders: {{ record_leaders(s, r) }}}) AS rows
}
RETURN key, total, rows AS page, CASE WHEN s:Organisation THEN s {.*} END AS org
