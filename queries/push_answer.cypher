// WRITE
// giveFeedback (workflow.md section 2) in one statement: take the write lock on the push (answers racing on it
// wait here, then read the winner's committed answer), keep its state before, write the unit's answer with
// changedAt for the poller, and two events in the subject's history: PUNISHMENT_RESPONDED on the day the unit
// acted, PUNISHMENT_FEEDBACK on the day it reported. api/loop.py refuses on the state before; a refusal rolls the
// whole transaction back, this write with it.
MATCH (p:Push {pushId: $pushId})<-[:PUSH]-(:ListEntry)<-[:LIST_ENTRY]-(s)
SET p._lock = true
WITH p, s, p {.*} AS before
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
RETURN before, p {.*} AS push
