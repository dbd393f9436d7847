// READ
// All shortest paths (at most $cap) between two nodes over links of the given types in force on the date.
CALL () {
  UNWIND $fromUsccs AS k MATCH (n:Organisation {uscc: k}) RETURN n AS a
  UNION UNWIND $fromPids AS k MATCH (n:Person {pid: k}) RETURN n AS a
  UNION UNWIND $fromRecordIds AS k MATCH (n:Record {recordId: k}) RETURN n AS a
  UNION UNWIND $fromEntryIds AS k MATCH (n:ListEntry {entryId: k}) RETURN n AS a
}
CALL () {
  UNWIND $toUsccs AS k MATCH (n:Organisation {uscc: k}) RETURN n AS b
  UNION UNWIND $toPids AS k MATCH (n:Person {pid: k}) RETURN n AS b
  UNION UNWIND $toRecordIds AS k MATCH (n:Record {recordId: k}) RETURN n AS b
  UNION UNWIND $toEntryIds AS k MATCH (n:ListEntry {entryId: k}) RETURN n AS b
}
MATCH p = allShortestPaths((a)-[*..10]-(b))
WHERE a <> b AND length(p) <= $maxHops
  AND all(r IN relationships(p) WHERE type(r) IN $types
          AND (r.startOn IS NULL OR r.startOn <= $asOf) AND (r.endOn IS NULL OR r.endOn >= $asOf))
  AND all(m IN nodes(p) WHERE NOT coalesce(m.decidedOn > $asOf, false) AND NOT coalesce(m.listedOn > $asOf, false))
WITH p LIMIT $cap
RETURN [m IN nodes(p) | {
          kind: CASE WHEN m:Organisation THEN 'ORGANISATION' WHEN m:Person THEN 'PERSON'
                     WHEN m:Record THEN 'RECORD' ELSE 'LIST_ENTRY' END,
          key: CASE WHEN m:Organisation THEN m.uscc WHEN m:Person THEN m.pid WHEN m:Record THEN m.recordId ELSE m.entryId END,
          label: coalesce(m.name, m.category, m.listType), recordId: m.recordId, entryId: m.entryId}] AS nodes,
       [r IN relationships(p) | {
          relation: type(r), startKey: CASE WHEN startNode(r):Organisation THEN startNode(r).uscc WHEN startNode(r):Person THEN startNode(r).pid
                    WHEN startNode(r):Record THEN startNode(r).recordId ELSE startNode(r).entryId END,
          startOn: r.startOn, endOn: r.endOn, percent: r.percent, title: r.title, key: r.startKey}] AS rels
