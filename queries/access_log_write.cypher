// WRITE
// The access log of one request (知情权): the reads it served, in one transaction, before the answer leaves.
UNWIND $events AS ev
CREATE (:AccessEvent {eventId: ev.eventId, subject: ev.subject, at: datetime($at), role: $role,
                      agencyName: $agencyName, agencyUscc: $agencyUscc, credentialId: $credentialId,
                      operation: ev.operation, purpose: ev.purpose})
