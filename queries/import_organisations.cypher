// WRITE
// organisations.csv: one organisation per row, keyed by USCC; a known USCC has its facts replaced.
UNWIND $rows AS row
MERGE (o:Organisation {uscc: row.uscc})
SET o += row.props
