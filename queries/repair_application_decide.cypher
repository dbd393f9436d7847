// WRITE
// The decision on a repair application and its REPAIR_GRANTED / REPAIR_REFUSED event; when accepted, the record
// is repaired on the decision day (the entries resting on it are ended by entries_end).
MATCH (s)-[:RECORD]->(r:Record)-[:REPAIR_APPLICATION]->(a:RepairApplication {applicationId: $applicationId})
SET a.status = $status, a.decidedOn = $decidedOn, a.reason = $reason, a.decidedByUscc = $agencyUscc,
    a.decidedAt = datetime()
REMOVE a._lock, r._lock  // taken by repair_application_state: held to the end of the transaction all the same
// repairGrantedOn keeps the day through a re-import of records.csv (import_records); repairedBy says why.
SET r.repairedOn = CASE WHEN $status = 'ACCEPTED' THEN $decidedOn ELSE r.repairedOn END,
    r.repairGrantedOn = CASE WHEN $status = 'ACCEPTED' THEN $decidedOn ELSE r.repairGrantedOn END,
    r.repairedBy = CASE WHEN $status = 'ACCEPTED' THEN a.applicationId ELSE r.repairedBy END
CREATE (s)-[:EVENT]->(:Event {eventId: $eventId,
  eventType: CASE WHEN $status = 'ACCEPTED' THEN 'REPAIR_GRANTED' ELSE 'REPAIR_REFUSED' END,
  occurredOn: $decidedOn, recordId: r.recordId, applicationId: a.applicationId, agencyName: $agencyName,
  agencyUscc: $agencyUscc, details: $reason, subjectKind: a.subjectKind, subjectId: a.subjectId,
  createdAt: datetime()})
RETURN a {.*, authorityUscc: r.authorityUscc} AS application
