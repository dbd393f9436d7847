// WRITE
// After an import (workflow.md section 1): push every entry active on the import day that has no push yet, one
// batch of entries in entryId order after $after at a time (the importer loops until `last` is null). Measures
// and push properties as in listing_create; pushedOn is the import day, so a second import pushes nothing twice.
MATCH (e:ListEntry) WHERE e.entryId > $after
WITH e ORDER BY e.entryId LIMIT $batch
WITH collect(e) AS batch
CALL (batch) {
  UNWIND batch AS e
  WITH e
  WHERE {{ entry_active(e, $day) }}
    AND NOT EXISTS { (e)-[:PUSH]->(:Push) }
  MATCH (m:Measure)
  WHERE m.listType = e.listType AND coalesce(m.domain, '') IN ['', e.domain] AND coalesce(m.implementerUscc, '') <> ''
  CREATE (e)-[:PUSH]->(p:Push {
    pushId: 'P-' + toString(timestamp()) + '-' + toUpper(left(replace(randomUUID(), '-', ''), 16)),
    entryId: e.entryId, measureCode: m.code, unitName: coalesce(m.implementerName, m.implementerUscc),
    unitUscc: m.implementerUscc, subjectKind: e.subjectKind, subjectId: e.subjectId, pushedOn: $day,
    dueOn: $dueOn, changedAt: datetime()})
  RETURN count(p) AS made
}
RETURN batch[-1].entryId AS last, made
