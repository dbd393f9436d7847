// READ
// Repair applications by applicationId, each with the authority of its record (who may see and decide it).
UNWIND $applicationIds AS id
MATCH (r:Record)-[:REPAIR_APPLICATION]->(a:RepairApplication {applicationId: id})
RETURN collect(a {.*, authorityUscc: r.authorityUscc}) AS rows
