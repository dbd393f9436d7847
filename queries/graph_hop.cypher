// READ
// One hop of a graph exploration over the whole frontier: the links of the given types in force on the date
// (roles and holdings by their dates; records and list entries once decided or listed), at most $perNode per
// node (one more is fetched so that a cut can be reported).
CALL () {
  UNWIND $usccs AS k MATCH (n:Organisation {uscc: k}) RETURN n
  UNION
  UNWIND $pids AS k MATCH (n:Person {pid: k}) RETURN n
  UNION
  UNWIND $recordIds AS k MATCH (n:Record {recordId: k}) RETURN n
  UNION
  UNWIND $entryIds AS k MATCH (n:ListEntry {entryId: k}) RETURN n
}
CALL (n) {
  MATCH (n)-[r]-(m)
  WHERE type(r) IN $types
    AND {{ in_force(r, $asOf) }}
    AND NOT coalesce(m.decidedOn > $asOf, false) AND NOT coalesce(m.listedOn > $asOf, false)
    // Outside the archive view, repaired and revoked records are not shown (api/views.py).
    AND ($archive OR NOT (m:Record AND {{ record_status(m, $asOf) }} IN ['REPAIRED', 'REVOKED']))
  RETURN r, m ORDER BY type(r), CASE WHEN m:Organisation THEN m.uscc WHEN m:Person THEN m.pid WHEN m:Record THEN m.recordId ELSE m.entryId END LIMIT $perNode + 1
}
WITH n, r, m,
     CASE WHEN n:Organisation THEN 'ORGANISATION' WHEN n:Person THEN 'PERSON'
          WHEN n:Record THEN 'RECORD' ELSE 'LIST_ENTRY' END AS nKind,
     CASE WHEN m:Organisation THEN 'ORGANISATION' WHEN m:Person THEN 'PERSON'
          WHEN m:Record THEN 'RECORD' ELSE 'LIST_ENTRY' END AS mKind
// One record holding every row: the driver decodes one message instead of one per row.
RETURN collect({nKind: nKind, nKey: CASE WHEN n:Organisation THEN n.uscc WHEN n:Person THEN n.pid WHEN n:Record THEN n.recordId ELSE n.entryId END,
       mKind: mKind, mKey: CASE WHEN m:Organisation THEN m.uscc WHEN m:Person THEN m.pid WHEN m:Record THEN m.recordId ELSE m.entryId END,
       mLabel: coalesce(m.name, m.category, m.listType),
       relation: type(r), outgoing: startNode(r) = n, startOn: r.startOn, endOn: r.endOn,
       percent: r.percent, title: r.title, startKey: r.startKey}) AS rows
