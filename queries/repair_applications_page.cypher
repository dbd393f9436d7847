// READ
// One page of repair applications, newest first (keyset on appliedOn DESC, applicationId DESC: ids grow with
// time) with the exact total: those on one subject's records ($subjectKind, $subjectKey: USCC or pid), on the
// records one authority decided ($authorityUscc), or all (both null); status as of $asOf, PENDING until decidedOn.
MATCH (s)-[:RECORD]->(r:Record)-[:REPAIR_APPLICATION]->(a:RepairApplication)
WHERE ($subjectKey IS NULL OR ($subjectKind = 'ORGANISATION' AND s.uscc = $subjectKey)
       OR ($subjectKind = 'PERSON' AND s.pid = $subjectKey))
  AND ($authorityUscc IS NULL OR r.authorityUscc = $authorityUscc)
  AND a.appliedOn <= $asOf
WITH a, r, CASE WHEN a.decidedOn IS NULL OR a.decidedOn > $asOf THEN 'PENDING' ELSE a.status END AS status
WHERE $statuses IS NULL OR status IN $statuses
WITH a, r ORDER BY a.appliedOn DESC, a.applicationId DESC
WITH collect(a {.*, authorityUscc: r.authorityUscc}) AS matching
RETURN size(matching) AS total,
       [x IN matching WHERE $afterDate IS NULL OR x.appliedOn < $afterDate
          OR (x.appliedOn = $afterDate AND x.applicationId < $afterId)][0..$limit] AS page
