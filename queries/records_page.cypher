// READ
// One page of records per subject (keyset on decidedOn DESC, recordId DESC) with the exact total, as of a date.
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
  WHERE status IN $statuses
  WITH r, status ORDER BY r.decidedOn DESC, r.recordId DESC
  WITH collect(r {.*, status: status}) AS matching
  RETURN size(matching) AS total,
         [x IN matching WHERE $afterDate IS NULL OR x.decidedOn < $afterDate
            OR (x.decidedOn = $afterDate AND x.recordId < $afterId)][0..$limit] AS page
}
RETURN key, total, page
