// READ
// Pushes by pushId, in one record.
RETURN COLLECT { UNWIND $pushIds AS id MATCH (p:Push {pushId: id}) RETURN p {.*} AS push } AS pushes
