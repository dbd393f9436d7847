// READ
// Dashboards: pushes made up to $asOf for the subjects whose region starts with $prefix, their state on $asOf
// (graph/rules.py push_status), counted by unit and by days from push to action (answered ones; null otherwise).
// One record; graph/dashboard.py adds the groups up per unit and takes the median from the days.
CALL () {
  MATCH (o:Organisation) WHERE o.regionCode STARTS WITH $prefix
  RETURN o AS s
  UNION ALL
  MATCH (p:Person) WHERE p.idNumber STARTS WITH $prefix AND p.idType = 'RESIDENT_ID'
  RETURN p AS s
}
CALL (s) {
  // From the subject: the planner must not seek the pushes' date index once per subject.
  MATCH (s)-[:LIST_ENTRY]->()-[:PUSH]->(p) RETURN p
}
WITH p
WHERE p.pushedOn <= $asOf
WITH p, coalesce(p.answeredAt IS NOT NULL AND p.actedOn <= $asOf, false) AS answered,
     coalesce(p.withdrawnOn <= $asOf, false) AS withdrawn
WITH p.unitUscc AS unit, p.unitName AS name, answered, withdrawn,
     CASE WHEN answered THEN duration.inDays(p.pushedOn, p.actedOn).days END AS days,
     NOT answered AND NOT withdrawn AND $asOf > p.dueOn AS overdue
WITH unit, name, days, answered, withdrawn, overdue, count(*) AS n
RETURN collect([unit, name, days, answered, withdrawn, overdue, n]) AS groups
