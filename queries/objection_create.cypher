// WRITE
// An objection against a record or list entry, and the OBJECTION_FILED event in the subject's history.
OPTIONAL MATCH (r:Record {recordId: $targetId}) WHERE $targetKind = 'RECORD'
OPTIONAL MATCH (e:ListEntry {entryId: $targetId}) WHERE $targetKind = 'ENTRY'
WITH r, e, coalesce(r, e) AS t
MATCH (t)<-[:RECORD|LIST_ENTRY]-(s)
REMOVE t._lock  // taken by objection_target_state: held to the end of the transaction all the same
WITH r, e, t, s, CASE WHEN s:Person THEN 'PERSON' ELSE 'ORGANISATION' END AS kind, coalesce(s.uscc, s.idNumber) AS id
CREATE (t)-[:OBJECTION]->(o:Objection {
  objectionId: $objectionId, targetKind: $targetKind, targetId: $targetId, subjectKind: kind, subjectId: id,
  filedOn: $filedOn, grounds: $grounds, status: 'UNDER_REVIEW', createdAt: datetime()})
CREATE (s)-[:EVENT]->(:Event {eventId: $eventId, eventType: 'OBJECTION_FILED', occurredOn: $filedOn,
  recordId: r.recordId, entryId: e.entryId, objectionId: $objectionId, details: $grounds, subjectKind: kind,
  subjectId: id, createdAt: datetime()})
RETURN o {.*, authorityUscc: t.authorityUscc} AS objection
