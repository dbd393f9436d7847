"""Each Cypher rule of queries/rules/ agrees with graph/rules.py, row by row and day by day, on edge cases.

The queries hold no copy of a rule (they include it as `{{ rule(...) }}`), so checking the rules checks every query
that uses them; two queries are also run whole on the same rows.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

import queries
from graph import rules

D0 = date(2024, 2, 28)  # a listing or decision day; D0 + 1 is a leap day
DAYS = [D0 + timedelta(days=n) for n in range(-2, 7)]


def day(n: int | None) -> date | None:
    return None if n is None else D0 + timedelta(days=n)


# Edge cases as offsets from D0: none, before, the same day, the next day, later.
ENTRIES = [
    {"entryId": f"E{i}", "listedOn": D0, "validUntil": day(valid), "removedOn": day(removed),
     "listType": "BLACKLIST", "domain": "D"}
    for i, (valid, removed) in enumerate(itertools.product([None, -1, 0, 1, 3], [None, -1, 0, 1, 2, 3, 4]))
]
RECORDS = [
    {"recordId": f"R{i}", "decidedOn": D0, "publicUntil": day(until), "repairedOn": day(repaired),
     "revokedOn": day(revoked)}
    for i, (until, repaired, revoked) in enumerate(
        itertools.product([None, -1, 0, 2], [None, -1, 0, 1, 3], [None, -1, 0, 2, 3]))
]
ROLES = [
    {"startKey": f"S{i}", "startOn": day(start), "endOn": day(end)}
    for i, (start, end) in enumerate(itertools.product([None, -1, 0, 2], [None, -1, 0, 1, 2, 5]))
]


async def evaluate(driver, match: str, key: str, expression: str) -> dict[tuple[str, str], object]:
    """`expression` (with rule calls) for every row of `match` on every day of DAYS, by (key, day)."""
    text = queries.expand(f"UNWIND $days AS day {match} RETURN {key} AS key, toString(day) AS day, "
                          f"{expression} AS value", "test")
    records, _, _ = await driver.execute_query(text, days=DAYS)
    return {(r["key"], r["day"]): r["value"] for r in records}


def expected(rows: list[dict], key: str, rule) -> dict[tuple[str, str], object]:
    return {(row[key], d.isoformat()): rule(d, row) for row in rows for d in DAYS}


def status(d: date, r: dict) -> str | None:
    return rules.record_status(d, r["decidedOn"], r["publicUntil"], r["repairedOn"], r["revokedOn"])


async def test_every_cypher_rule_agrees_with_graph_rules_on_every_day(graph, driver) -> None:
    await driver.execute_query(
        "CREATE (o:Organisation {uscc: 'ORG'}) "
        "WITH o UNWIND $entries AS row CREATE (o)-[:LIST_ENTRY]->(e:ListEntry) SET e = row "
        "WITH DISTINCT o UNWIND $records AS row CREATE (o)-[:RECORD]->(r:Record) SET r = row "
        "WITH DISTINCT o UNWIND $roles AS row CREATE (:Person {pid: row.startKey, name: row.startKey})"
        "-[role:PRINCIPAL]->(o) SET role = row",
        entries=ENTRIES, records=RECORDS, roles=ROLES)

    assert await evaluate(driver, "MATCH (e:ListEntry)", "e.entryId", "{{ entry_active(e, day) }}") == expected(
        ENTRIES, "entryId", lambda d, e: rules.entry_active(d, e["listedOn"], e["validUntil"], e["removedOn"]))
    assert await evaluate(driver, "MATCH (r:Record)", "r.recordId", "{{ record_status(r, day) }}") == expected(
        RECORDS, "recordId", status)
    assert await evaluate(driver, "MATCH (r:Record)", "r.recordId", "{{ record_public(r, day) }}") == expected(
        RECORDS, "recordId", lambda d, r: status(d, r) == "ACTIVE")
    assert await evaluate(driver, "MATCH ()-[role:PRINCIPAL]->()", "role.startKey",
                          "{{ in_force(role, day) }}") == expected(
        ROLES, "startKey", lambda d, role: rules.in_force(d, role["startOn"], role["endOn"]))

    # Two whole queries on the same rows: the status of records_by_id, the count of dashboard_entries_national.
    for d in DAYS:
        found, _, _ = await driver.execute_query(queries.get("records_by_id").text,
                                                 recordIds=[r["recordId"] for r in RECORDS], asOf=d)
        assert {f["record"]["recordId"]: f["record"]["status"] for f in found} == {
            r["recordId"]: status(d, r) for r in RECORDS}, d
        found, _, _ = await driver.execute_query(queries.get("dashboard_entries_national").text,
                                                 asOf=d, byRegion=False)
        counted = sum(group[3] for group in found[0]["groups"])
        assert counted == sum(rules.entry_active(d, e["listedOn"], e["validUntil"], e["removedOn"])
                              for e in ENTRIES), d


async def test_the_people_of_a_record_are_those_in_office_on_its_decision_date(graph, driver) -> None:
    decided = [D0 + timedelta(days=n) for n in range(-2, 7)]
    await driver.execute_query(
        "CREATE (o:Organisation {uscc: 'ORG'}), (named:Person {pid: 'N', name: 'named'}) "
        "WITH o, named UNWIND $decided AS d "
        "CREATE (o)-[:RECORD]->(r:Record {recordId: toString(d), decidedOn: d})"
        "<-[:RESPONSIBLE {liability: 'L'}]-(named) "
        "WITH DISTINCT o UNWIND $roles AS row "
        "CREATE (:Person {pid: row.startKey, name: row.startKey})-[role:PRINCIPAL]->(o) SET role = row",
        decided=decided, roles=ROLES)
    found, _, _ = await driver.execute_query(queries.get("record_people").text, recordIds=[str(d) for d in decided])
    leaders = {f["key"]: [p["pid"] for p in f["leaders"]] for f in found}
    assert leaders == {str(d): sorted(role["startKey"] for role in ROLES if rules.in_force(d, role["startOn"],
                                                                                           role["endOn"]))
                       for d in decided}
    assert all(f["responsible"] == [{"pid": "N", "name": "named", "idType": None, "idNumber": None,
                                     "liability": "L"}] for f in found)
    # A person's record has no leaders: the rule matches organisations only.
    records, _, _ = await driver.execute_query(queries.expand(
        "MATCH (p:Person {pid: 'N'}), (r:Record) RETURN DISTINCT {{ record_leaders(p, r) }} AS leaders", "test"))
    assert [r["leaders"] for r in records] == [[]]


# Comparisons of the dates the rules read, written out in a query instead of included from queries/rules/.
RESTATED = re.compile(r"\b\w+\.(revokedOn|repairedOn|publicUntil|removedOn|validUntil|startOn|endOn)\s*(<|>|IS\b)"
                      r"|(<|>|<=|>=)\s*\w+\.(revokedOn|repairedOn|publicUntil|removedOn|validUntil|startOn|endOn)\b")
# objection_resolve keeps the earlier of two revocation days (a write), it does not read a record's status.
NOT_A_RULE = {"objection_resolve"}


def test_no_query_restates_a_rule() -> None:
    restating = sorted(p.stem for p in Path(queries.__file__).parent.glob("*.cypher")
                       if p.stem not in NOT_A_RULE and RESTATED.search(p.read_text(encoding="utf-8")))
    assert restating == []


@pytest.mark.parametrize(("text", "message"), [
    ("{{ entry_activ(e, $asOf) }}", "no rule 'entry_activ' in queries/rules/"),
    ("{{ entry_active(e) }}", r"entry_active\(e, day\) takes 2 arguments, not 1"),
    ("{{ entry_active(e, $asOf + 1) }}", "is not a rule call"),
    ("{{ entry_active(e, $asOf)", "an unclosed"),
])
def test_a_wrong_rule_call_fails_at_load_time(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        queries.expand(text, "oops.cypher")


def test_a_rule_call_is_replaced_by_its_expression_in_parentheses() -> None:
    assert queries.expand("WHERE {{ in_force(r, $asOf) }}", "x") == (
        "WHERE ((r.startOn IS NULL OR r.startOn <= $asOf) AND (r.endOn IS NULL OR r.endOn >= $asOf))")
