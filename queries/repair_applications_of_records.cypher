// READ
// Every repair application of the records, newest first (the API keeps those applied for by the file's date).
UNWIND $recordIds AS rid
MATCH (:Record {recordId: rid})-[:REPAIR_APPLICATION]->(a:RepairApplication)
WITH a ORDER BY a.appliedOn DESC, a.applicationId DESC
// One record holding every row: the driver decodes one message instead of one per row.
RETURN collect(a {.*}) AS rows
