from __future__ import annotations

from graph.store import schema as graph_schema


async def test_schema_applies_twice_and_has_keys_and_fulltext(driver) -> None:
    assert await graph_schema.apply(driver) == len(graph_schema.statements())
    records, _, _ = await driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    assert {"organisation_uscc", "person_key", "record_id", "list_entry_id", "measure_code"} <= set(records[0]["names"])
    records, _, _ = await driver.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, options RETURN name, options.indexConfig.`fulltext.analyzer` AS analyzer"
    )
    assert {(r["name"], r["analyzer"]) for r in records} >= {("subject_names", "cjk")}


def test_statements_drop_comments() -> None:
    stmts = graph_schema.statements("// a comment; with a semicolon\n"
                                    "CREATE INDEX a IF NOT EXISTS FOR (n:X) ON (n.y);\n")
    assert stmts == ["CREATE INDEX a IF NOT EXISTS FOR (n:X) ON (n.y)"]
