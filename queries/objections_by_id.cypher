// READ
// Objections by objectionId, each with the authority of its target (who may see and resolve it).
UNWIND $objectionIds AS id
MATCH (t)-[:OBJECTION]->(o:Objection {objectionId: id})
RETURN collect(o {.*, authorityUscc: t.authorityUscc}) AS rows
