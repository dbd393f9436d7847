"""Every named query parses and plans against the real database; READ queries do not write."""

from __future__ import annotations

import pytest

import queries
from queries import Mode


def test_queries_are_found_and_named() -> None:
    assert "organisation_by_uscc" in queries.ALL
    assert all(q.name and q.text.strip() for q in queries.ALL.values())


def test_a_query_file_without_mode_is_refused(tmp_path) -> None:
    bad = tmp_path / "oops.cypher"
    bad.write_text("MATCH (n) RETURN n\n")
    with pytest.raises(ValueError, match="first line must be '// READ' or '// WRITE'"):
        queries._parse(bad)


@pytest.mark.parametrize("name", sorted(queries.ALL))
async def test_explain(driver, name: str) -> None:
    query = queries.get(name)
    _, summary, _ = await driver.execute_query("EXPLAIN " + query.text)
    assert summary.plan is not None
    if query.mode is Mode.READ:
        assert summary.query_type == "r", f"{name} is declared READ but plans as {summary.query_type!r}"
    else:
        assert summary.query_type in ("w", "rw", "s"), f"{name} is declared WRITE but does not write"
