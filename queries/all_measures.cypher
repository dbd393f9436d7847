// READ
// The measure catalogue (a few dozen rows), matched to list entries in the API.
MATCH (m:Measure)
RETURN m {.*} AS measure ORDER BY m.code
