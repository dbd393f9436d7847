// READ
// Organisations by USCC, for the batch loader: one row per known code.
UNWIND $usccs AS uscc
MATCH (o:Organisation {uscc: uscc})
RETURN o {.*} AS org
