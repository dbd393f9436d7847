// WRITE
// The access log of one request, in one transaction: the reads it served (知情权) and the ID numbers it looked up
// (counted against enumeration, access.md). Written before the answer leaves the server.
CALL () {
  UNWIND $events AS ev
  CREATE (:AccessEvent {eventId: ev.eventId, subject: ev.subject, at: datetime($at), role: $role,
                        agencyName: $agencyName, agencyUscc: $agencyUscc, credentialId: $credentialId,
                        operation: ev.operation, purpose: ev.purpose})
}
CALL () {
  UNWIND $lookups AS lk
  CREATE (:Lookup {credentialId: $credentialId, pattern: lk.pattern, number: lk.number, at: datetime($at)})
}
RETURN size($events) AS events
