// READ
// Dashboards: repair applications filed from $from to $to (both included) on records of the subjects whose
// region starts with $prefix, by their status on $asOf (PENDING until decidedOn) and days from application to
// decision (decided ones). One record.
CALL () {
  MATCH (o:Organisation) WHERE o.regionCode STARTS WITH $prefix
  RETURN o AS s
  UNION ALL
  MATCH (p:Person) WHERE p.idNumber STARTS WITH $prefix AND p.idType = 'RESIDENT_ID'
  RETURN p AS s
}
CALL (s) {
  // From the subject: the planner must not seek the applications' date index once per subject.
  MATCH (s)-[:RECORD]->()-[:REPAIR_APPLICATION]->(a) RETURN a
}
WITH a
WHERE a.appliedOn >= $from AND a.appliedOn <= $to
WITH a, coalesce(a.decidedOn <= $asOf, false) AS decided
WITH CASE WHEN decided THEN a.status ELSE 'PENDING' END AS status,
     CASE WHEN decided THEN duration.inDays(a.appliedOn, a.decidedOn).days END AS days, count(*) AS n
RETURN collect([status, days, n]) AS groups
