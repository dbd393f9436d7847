// READ
// One page of objections, newest first (keyset on filedOn DESC, objectionId DESC: ids grow with time) with the
// exact total: those against one subject's records and entries ($subjectKind, $subjectKey: USCC or pid), against
// what one authority decided or listed ($authorityUscc), or all (both null); status as of $asOf, UNDER_REVIEW
// until resolvedOn.
MATCH (s)-[:RECORD|LIST_ENTRY]->(t)-[:OBJECTION]->(o:Objection)
WHERE ($subjectKey IS NULL OR ($subjectKind = 'ORGANISATION' AND s.uscc = $subjectKey)
       OR ($subjectKind = 'PERSON' AND s.pid = $subjectKey))
  AND ($authorityUscc IS NULL OR t.authorityUscc = $authorityUscc)
  AND o.filedOn <= $asOf
WITH o, t, CASE WHEN o.resolvedOn IS NULL OR o.resolvedOn > $asOf THEN 'UNDER_REVIEW' ELSE o.status END AS status
WHERE $statuses IS NULL OR status IN $statuses
WITH o, t ORDER BY o.filedOn DESC, o.objectionId DESC
WITH collect(o {.*, authorityUscc: t.authorityUscc}) AS matching
RETURN size(matching) AS total,
       [x IN matching WHERE $afterDate IS NULL OR x.filedOn < $afterDate
          OR (x.filedOn = $afterDate AND x.objectionId < $afterId)][0..$limit] AS page
