// WRITE
// A refused enumeration: which credential, which pattern, how many distinct numbers it tried.
CREATE (:SecurityEvent {eventId: $eventId, at: datetime($at), kind: $kind, credentialId: $credentialId,
                        role: $role, agencyName: $agencyName, pattern: $pattern, count: $count})
