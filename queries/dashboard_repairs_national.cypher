// READ
// Dashboards, whole country: repair applications filed from $from to $to (both included), by their status on
// $asOf and days from application to decision, as dashboard_repairs_region. One record.
MATCH (a:RepairApplication)
WHERE a.appliedOn >= $from AND a.appliedOn <= $to
WITH a, coalesce(a.decidedOn <= $asOf, false) AS decided
WITH CASE WHEN decided THEN a.status ELSE 'PENDING' END AS status,
     CASE WHEN decided THEN duration.inDays(a.appliedOn, a.decidedOn).days END AS days, count(*) AS n
RETURN collect([status, days, n]) AS groups
