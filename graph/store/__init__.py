"""Store access: the Neo4j driver and named queries (driver), the one write path of mutations (writes), the
schema (schema, schema.cypher)."""
