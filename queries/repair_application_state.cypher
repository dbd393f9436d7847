// WRITE
// A repair application as its decision needs it, read under the write locks of the application and then its
// record, taken first (as repair_record_state; objection_state takes them in the same order): the application,
// its record, the rectifications ordered for the record by the decision day with the first one reported done
// after each order, and the list entries resting on the record. No row when there is no such application.
MATCH (r:Record)-[:REPAIR_APPLICATION]->(a:RepairApplication {applicationId: $applicationId})
SET a._lock = true, r._lock = true
WITH r, a
RETURN a {.*} AS application, r {.*} AS record,
  COLLECT {
    MATCH (ordered:Event {recordId: r.recordId, eventType: 'RECTIFICATION_ORDERED'})
    WHERE ordered.occurredOn <= $decidedOn
    OPTIONAL MATCH (done:Event {recordId: r.recordId, eventType: 'RECTIFICATION_DONE'})
    WHERE ordered.occurredOn <= done.occurredOn <= $decidedOn
    WITH ordered, min(done.occurredOn) AS doneOn
    RETURN ordered {.eventId, .occurredOn, .dueOn, doneOn: doneOn} AS ordered ORDER BY ordered.occurredOn
  } AS rectifications,
  COLLECT {
    MATCH (r)<-[:BASED_ON]-(e:ListEntry)
    RETURN e {.entryId, .listedOn, .validUntil, .removedOn} AS e
  } AS entries
