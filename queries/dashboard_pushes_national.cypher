// READ
// Dashboards, whole country: pushes made up to $asOf, their state on $asOf, counted by unit and by days from
// push to action, as dashboard_pushes_region. One record.
MATCH (p:Push)
WHERE p.pushedOn <= $asOf
WITH p, coalesce(p.answeredAt IS NOT NULL AND p.actedOn <= $asOf, false) AS answered,
     coalesce(p.withdrawnOn <= $asOf, false) AS withdrawn
WITH p.unitUscc AS unit, p.unitName AS name, answered, withdrawn,
     CASE WHEN answered THEN duration.inDays(p.pushedOn, p.actedOn).days END AS days,
     NOT answered AND NOT withdrawn AND $asOf > p.dueOn AS overdue
WITH unit, name, days, answered, withdrawn, overdue, count(*) AS n
RETURN collect([unit, name, days, answered, withdrawn, overdue, n]) AS groups
