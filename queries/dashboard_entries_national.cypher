// READ
// Dashboards, whole country: list entries active on $asOf, counted by subject region (only when $byRegion: the
// hop to the subject is the costly part), list type and domain. A subject without a region (a person with no
// resident ID) counts with region null. One record.
MATCH (e:ListEntry)
WHERE {{ entry_active(e, $asOf) }}
WITH e, CASE WHEN $byRegion THEN COLLECT {
    MATCH (s)-[:LIST_ENTRY]->(e)
    RETURN coalesce(s.regionCode, CASE WHEN s.idType = 'RESIDENT_ID' THEN left(s.idNumber, 6) END)
  }[0] END AS region
WITH region, e.listType AS listType, e.domain AS domain, count(*) AS n
RETURN collect([region, listType, domain, n]) AS groups
