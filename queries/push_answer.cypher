// WRITE
// giveFeedback (workflow.md section 2): the unit's answer on the push, changedAt for the poller, and two events in
// the subject's history: PUNISHMENT_RESPONDED on the day the unit acted, PUNISHMENT_FEEDBACK on the day it reported.
MATCH (p:Push {pushId: $pushId})<-[:PUSH]-(:ListEntry)<-[:LIST_ENTRY]-(s)
SET p.answeredAt = datetime(), p.outcome = $outcome, p.actedOn = $actedOn, p.note = $note,
    p.caseReference = $caseReference, p.answeredByName = $unitName, p.answeredByUscc = $unitUscc,
    p.changedAt = datetime()
REMOVE p._lock
CREATE (s)-[:EVENT]->(:Event {
  eventId: 'E-' + toString(timestamp()) + '-' + toUpper(left(replace(randomUUID(), '-', ''), 16)),
  eventType: 'PUNISHMENT_RESPONDED', occurredOn: $actedOn, entryId: p.entryId, measureCode: p.measureCode,
  agencyName: $unitName, agencyUscc: $unitUscc, details: $outcome, subjectKind: p.subjectKind,
  subjectId: p.subjectId})
CREATE (s)-[:EVENT]->(:Event {
  eventId: 'E-' + toString(timestamp()) + '-' + toUpper(left(replace(randomUUID(), '-', ''), 16)),
  eventType: 'PUNISHMENT_FEEDBACK', occurredOn: $reportedOn, entryId: p.entryId, measureCode: p.measureCode,
  agencyName: $unitName, agencyUscc: $unitUscc, details: $details, subjectKind: p.subjectKind,
  subjectId: p.subjectId})
RETURN p {.*} AS push
