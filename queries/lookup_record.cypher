// WRITE
// Enumeration guard, step 2: remember the numbers a credential looked up (counted for 24 hours).
UNWIND $lookups AS lk
CREATE (:Lookup {credentialId: $credentialId, pattern: lk.pattern, number: lk.number, at: datetime($at)})
