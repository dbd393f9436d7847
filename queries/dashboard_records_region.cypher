// READ
// Dashboards: records decided from $from to $to (both included) of the subjects whose region starts with
// $prefix, whatever their status, of the given categories and severities (all when null), counted by month
// (year * 12 + month - 1). One record.
CALL () {
  MATCH (o:Organisation) WHERE o.regionCode STARTS WITH $prefix
  RETURN o AS s
  UNION ALL
  MATCH (p:Person) WHERE p.idNumber STARTS WITH $prefix AND p.idType = 'RESIDENT_ID'
  RETURN p AS s
}
CALL (s) {
  // From the subject: the planner must not seek the records' date index once per subject.
  MATCH (s)-[:RECORD]->(r) RETURN r
}
WITH r
WHERE r.decidedOn >= $from AND r.decidedOn <= $to
  AND ($categories IS NULL OR r.category IN $categories) AND ($severities IS NULL OR r.severity IN $severities)
WITH r.decidedOn.year * 12 + r.decidedOn.month - 1 AS month, count(*) AS n
RETURN collect([month, n]) AS months
