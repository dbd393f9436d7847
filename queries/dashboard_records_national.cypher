// READ
// Dashboards, whole country: records decided from $from to $to (both included), whatever their status, of the
// given categories and severities (all when null), counted by month (year * 12 + month - 1). Answered from the
// record_decided_on index (a category or severity is read only when asked for). One record.
MATCH (r:Record)
WHERE r.decidedOn >= $from AND r.decidedOn <= $to
  AND ($categories IS NULL OR r.category IN $categories) AND ($severities IS NULL OR r.severity IN $severities)
WITH r.decidedOn.year * 12 + r.decidedOn.month - 1 AS month, count(*) AS n
RETURN collect([month, n]) AS months
