// READ
// Enumeration check: per (first 6, last 4) pattern, the distinct ID numbers this credential looked up since $since.
UNWIND $patterns AS pattern
OPTIONAL MATCH (l:Lookup {credentialId: $credentialId, pattern: pattern}) WHERE l.at >= datetime($since)
RETURN pattern, collect(DISTINCT l.number) AS numbers
