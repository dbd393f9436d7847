// READ
// Dashboards: list entries active on $asOf (graph/rules.py entry_active) of the subjects whose region starts with
// $prefix (organisations by regionCode, persons by the address code of a resident ID), counted by subject region
// (6 digits), list type and domain. One record.
CALL () {
  MATCH (o:Organisation) WHERE o.regionCode STARTS WITH $prefix
  RETURN o AS s, o.regionCode AS region
  UNION ALL
  MATCH (p:Person) WHERE p.idNumber STARTS WITH $prefix AND p.idType = 'RESIDENT_ID'
  RETURN p AS s, left(p.idNumber, 6) AS region
}
CALL (s) {
  // From the subject: the planner must not seek the entries' date index once per subject.
  MATCH (s)-[:LIST_ENTRY]->(e) RETURN e
}
WITH region, e
WHERE {{ entry_active(e, $asOf) }}
WITH region, e.listType AS listType, e.domain AS domain, count(*) AS n
RETURN collect([region, listType, domain, n]) AS groups
