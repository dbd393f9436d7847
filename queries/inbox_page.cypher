// READ
// A unit's inbox: pushes addressed to its USCC made by $asOf, newest first (keyset on pushedOn DESC, pushId DESC),
// filtered by their status on $asOf ($statuses; $overdueOnly: PENDING and past dueOn), with the exact total.
// Status as graph/rules.py push_status: WITHDRAWN from withdrawnOn, else ANSWERED from actedOn, else PENDING.
MATCH (p:Push {unitUscc: $unitUscc})
WHERE p.pushedOn <= $asOf
WITH p, CASE
    WHEN p.withdrawnOn IS NOT NULL AND p.withdrawnOn <= $asOf THEN 'WITHDRAWN'
    WHEN p.actedOn IS NOT NULL AND p.actedOn <= $asOf THEN 'ANSWERED'
    ELSE 'PENDING' END AS status
WHERE ($statuses IS NULL OR status IN $statuses) AND (NOT $overdueOnly OR (status = 'PENDING' AND $asOf > p.dueOn))
WITH p ORDER BY p.pushedOn DESC, p.pushId DESC
WITH collect(p) AS matching
RETURN size(matching) AS total,
  [x IN [y IN matching WHERE $afterDate IS NULL OR y.pushedOn < $afterDate
           OR (y.pushedOn = $afterDate AND y.pushId < $afterId)][0..$limit] | x {.*}] AS page
