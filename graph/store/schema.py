"""Apply `schema.cypher` (idempotent) and wait for the indexes to come online."""

from __future__ import annotations

from pathlib import Path

from neo4j import AsyncDriver

import settings

SCHEMA_FILE = Path(__file__).with_name("schema.cypher")


def statements(text: str | None = None) -> list[str]:
    """The statements of the schema file, comments dropped, split on `;`."""
    text = SCHEMA_FILE.read_text(encoding="utf-8") if text is None else text
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return [stmt.strip() for stmt in body.split(";") if stmt.strip()]


async def apply(driver: AsyncDriver, database: str | None = None) -> int:
    database = database or settings.neo4j().database
    applied = 0
    for statement in statements():
        await driver.execute_query(statement, database_=database)
        applied += 1
    await driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    return applied
