// WRITE
// The access log written early (graph/audit.py Journal): delete, before commit, the foreseen reads the request
// did not serve (found by subject and time, the index access events have).
UNWIND $events AS ev
MATCH (e:AccessEvent {subject: ev.subject, at: datetime($at)}) WHERE e.eventId = ev.eventId
DELETE e
