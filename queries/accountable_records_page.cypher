// READ
// Measure 八 for persons: records of organisations they led (legal representative or principal) on the
// decision date, and records naming them; one keyset page per person with the exact total, as of a date.
UNWIND $pids AS pid
MATCH (p:Person {pid: pid})
CALL (p) {
  CALL (p) {
    MATCH (p)-[role:LEGAL_REPRESENTATIVE|PRINCIPAL]->(o:Organisation)-[:RECORD]->(r:Record)
    WHERE {{ in_force(role, r.decidedOn) }}
    RETURN r, o, CASE type(role) WHEN 'LEGAL_REPRESENTATIVE' THEN 'LEGAL_REPRESENTATIVE_AT_THE_TIME'
                 ELSE 'PRINCIPAL_AT_THE_TIME' END AS basis
    UNION
    MATCH (p)-[:RESPONSIBLE]->(r:Record)
    OPTIONAL MATCH (r)<-[:RECORD]-(o:Organisation)
    RETURN r, o, 'NAMED_RESPONSIBLE' AS basis
  }
  WITH r, o, basis
  WHERE r.decidedOn <= $asOf
    AND ($categories IS NULL OR r.category IN $categories)
    AND ($severities IS NULL OR r.severity IN $severities)
    AND ($decidedFrom IS NULL OR r.decidedOn >= $decidedFrom)
    AND ($decidedTo IS NULL OR r.decidedOn <= $decidedTo)
  WITH r, o, basis, {{ record_status(r, $asOf) }} AS status
  WHERE status IN $statuses OR (r.authorityUscc = $archiveAuthority AND status IN $ownStatuses)
  WITH r, o, basis, status ORDER BY r.decidedOn DESC, r.recordId DESC, basis
  WITH collect({record: r {.*, status: status}, org: o {.*}, basis: basis}) AS matching
  RETURN size(matching) AS total,
         [x IN matching WHERE $afterDate IS NULL OR x.record.decidedOn < $afterDate
            OR (x.record.decidedOn = $afterDate AND (x.record.recordId < $afterId
                OR (x.record.recordId = $afterId AND x.basis > $afterBasis)))][0..$limit] AS page
}
RETURN pid AS key, total, page
