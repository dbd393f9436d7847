// WRITE
// The resolution of an objection and its OBJECTION_UPHELD / OBJECTION_REJECTED event; when upheld, a disputed
// record is revoked on the resolution day (entries, the disputed one or those resting on the record, are ended by
// entries_end).
MATCH (s)-[:RECORD|LIST_ENTRY]->(t)-[:OBJECTION]->(o:Objection {objectionId: $objectionId})
SET o.status = $status, o.resolvedOn = $resolvedOn, o.reason = $reason, o.resolvedByUscc = $agencyUscc,
    o.resolvedAt = datetime()
REMOVE o._lock, t._lock  // taken by objection_state: held to the end of the transaction all the same
WITH s, t, o
CALL (t, o) {
  WITH t, o WHERE t:Record AND o.status = 'UPHELD'
  // An earlier revocation (from the source's data) stands; revocationUpheldOn keeps the day through a re-import
  // of records.csv (import_records), revokedBy says why.
  SET t.revokedOn = CASE WHEN t.revokedOn <= $resolvedOn THEN t.revokedOn ELSE $resolvedOn END,
      t.revocationUpheldOn = $resolvedOn, t.revokedBy = o.objectionId
}
CREATE (s)-[:EVENT]->(:Event {eventId: $eventId,
  eventType: CASE WHEN $status = 'UPHELD' THEN 'OBJECTION_UPHELD' ELSE 'OBJECTION_REJECTED' END,
  occurredOn: $resolvedOn, recordId: CASE WHEN t:Record THEN t.recordId END,
  entryId: CASE WHEN t:ListEntry THEN t.entryId END, objectionId: o.objectionId, agencyName: $agencyName,
  agencyUscc: $agencyUscc, details: $reason, subjectKind: o.subjectKind, subjectId: o.subjectId,
  createdAt: datetime()})
RETURN o {.*, authorityUscc: t.authorityUscc} AS objection
