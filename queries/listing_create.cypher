// WRITE
// initiateListing (workflow.md section 1) in one statement: the entry, linked from its subject (an organisation by
// USCC, a person by ID number, a resident ID first) and to the record it rests on; one push per measure of the
// catalogue whose list type is the entry's, whose domain is empty or the entry's and which names an implementer
// USCC, each with a PUNISHMENT_INITIATED event in the subject's history. Returns nothing for an unknown subject,
// and the basis record's dates and owner: api/loop.py refuses on them, rolling the whole transaction back.
// Ids of pushes and events: creation milliseconds and 60 random bits (they sort by time).
CALL () {
  MATCH (o:Organisation {uscc: $subjectId}) WHERE $subjectKind = 'ORGANISATION'
  RETURN o AS s
  UNION
  MATCH (p:Person {idNumber: $subjectId}) WHERE $subjectKind = 'PERSON'
  RETURN p AS s ORDER BY p.idType = 'RESIDENT_ID' DESC LIMIT 1
}
CREATE (s)-[:LIST_ENTRY]->(e:ListEntry {entryId: $entryId, listType: $listType, domain: $domain,
  listedOn: $listedOn, validUntil: $validUntil, validUntilBasis: $validUntilBasis, reason: $reason,
  authorityName: $authorityName, authorityUscc: $authorityUscc, recordId: $recordId, subjectKind: $subjectKind,
  subjectId: $subjectId, createdAt: datetime()})
WITH s, e
CALL (e) {
  MATCH (r:Record {recordId: $recordId})
  CREATE (e)-[:BASED_ON]->(r)
}
CALL (s, e) {
  MATCH (m:Measure)
  WHERE m.listType = e.listType AND coalesce(m.domain, '') IN ['', e.domain] AND coalesce(m.implementerUscc, '') <> ''
  WITH s, e, m ORDER BY m.code
  CREATE (e)-[:PUSH]->(p:Push {
    pushId: 'P-' + toString(timestamp()) + '-' + toUpper(left(replace(randomUUID(), '-', ''), 16)),
    entryId: e.entryId, measureCode: m.code, unitName: coalesce(m.implementerName, m.implementerUscc),
    unitUscc: m.implementerUscc, subjectKind: e.subjectKind, subjectId: e.subjectId, pushedOn: $pushedOn,
    dueOn: $dueOn, changedAt: datetime()})
  CREATE (s)-[:EVENT]->(:Event {
    eventId: 'E-' + toString(timestamp()) + '-' + toUpper(left(replace(randomUUID(), '-', ''), 16)),
    eventType: 'PUNISHMENT_INITIATED', occurredOn: $pushedOn, dueOn: $dueOn, entryId: e.entryId,
    measureCode: m.code, agencyName: $authorityName, agencyUscc: $authorityUscc,
    details: '推送至 ' + p.unitName + '（' + p.unitUscc + '）：' + coalesce(m.name, m.code),
    subjectKind: e.subjectKind, subjectId: e.subjectId})
  RETURN collect(p {.*}) AS pushes
}
OPTIONAL MATCH (r:Record {recordId: $recordId})<-[:RECORD]-(owner)
RETURN e {.*} AS entry, pushes, coalesce(owner = s, false) AS basisOfSubject,
  r {.decidedOn, .publicUntil, .repairedOn, .revokedOn} AS basis
