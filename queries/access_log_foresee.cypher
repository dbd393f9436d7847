// WRITE
// The access log written early (graph/audit.py Journal): the reads a request is about to serve, for the
// organisations that exist; returns the eventIds made. The request deletes those it does not serve before commit.
UNWIND $events AS ev
WITH ev WHERE EXISTS { MATCH (:Organisation {uscc: substring(ev.subject, 13)}) }
CREATE (:AccessEvent {eventId: ev.eventId, subject: ev.subject, at: datetime($at), role: $role,
                      agencyName: $agencyName, agencyUscc: $agencyUscc, credentialId: $credentialId,
                      operation: ev.operation, purpose: ev.purpose})
RETURN ev.eventId AS eventId
