// WRITE
// measures.csv: a joint-punishment measure and what triggers it (list type, domain or every domain).
UNWIND $rows AS row
MERGE (m:Measure {code: row.code})
SET m += row.props
