// READ
// Security events (refused enumerations), newest first, for ADMIN.
MATCH (s:SecurityEvent)
RETURN s {.eventId, .kind, .credentialId, .role, .agencyName, .pattern, .count, at: toString(s.at)} AS event
ORDER BY s.at DESC, s.eventId DESC LIMIT $limit
