// WRITE
// A repair application on a record, and the REPAIR_APPLIED event in the subject's history.
MATCH (s)-[:RECORD]->(r:Record {recordId: $recordId})
REMOVE r._lock  // taken by repair_record_state: held to the end of the transaction all the same
WITH s, r, CASE WHEN s:Person THEN 'PERSON' ELSE 'ORGANISATION' END AS kind, coalesce(s.uscc, s.idNumber) AS id
CREATE (r)-[:REPAIR_APPLICATION]->(a:RepairApplication {
  applicationId: $applicationId, recordId: r.recordId, subjectKind: kind, subjectId: id, appliedOn: $appliedOn,
  commitment: $commitment, rectificationEvidence: $rectificationEvidence, status: 'PENDING',
  appliedByRole: $role, appliedByUscc: $agencyUscc, createdAt: datetime()})
CREATE (s)-[:EVENT]->(:Event {eventId: $eventId, eventType: 'REPAIR_APPLIED', occurredOn: $appliedOn,
  recordId: r.recordId, applicationId: $applicationId, agencyName: $agencyName, agencyUscc: $agencyUscc,
  details: $commitment, subjectKind: kind, subjectId: id, createdAt: datetime()})
RETURN a {.*, authorityUscc: r.authorityUscc} AS application
