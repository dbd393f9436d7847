// WRITE
// A record or list entry as an objection against it needs it, read under the target's write lock, taken first
// (as repair_record_state): its dates and authority, its subject, and the objections under review on or after
// the day filed (resolved later, or not yet). No row when there is no such target.
OPTIONAL MATCH (r:Record {recordId: $targetId}) WHERE $targetKind = 'RECORD'
OPTIONAL MATCH (e:ListEntry {entryId: $targetId}) WHERE $targetKind = 'ENTRY'
WITH coalesce(r, e) AS t
WHERE t IS NOT NULL
SET t._lock = true
WITH t
MATCH (t)<-[:RECORD|LIST_ENTRY]-(s)
RETURN t {.*} AS target,
  CASE WHEN s:Person THEN 'PERSON' ELSE 'ORGANISATION' END AS subjectKind,
  CASE WHEN s:Person THEN s.pid ELSE s.uscc END AS subjectKey,
  COLLECT {
    MATCH (t)-[:OBJECTION]->(o:Objection)
    WHERE o.resolvedOn IS NULL OR o.resolvedOn > $filedOn
    RETURN o {.objectionId, .filedOn, .resolvedOn, .status} AS o ORDER BY o.filedOn
  } AS open
