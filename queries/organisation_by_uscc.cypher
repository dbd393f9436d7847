// READ
// Organisations by USCC, for the batch loader: the known ones, in one record (one message to decode).
UNWIND $usccs AS uscc
MATCH (o:Organisation {uscc: uscc})
RETURN collect(o {.*}) AS orgs
