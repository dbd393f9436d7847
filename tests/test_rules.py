"""The disclosure rules: as data in Python, and as the Cypher the queries use — the two must agree."""

from __future__ import annotations

from datetime import date

import pytest

from graph import rules
from tests import scenario
from tests.gql import data


def test_publication_periods_run_from_the_decision_date() -> None:
    assert rules.public_until("MINOR", date(2026, 5, 31)) == (date(2026, 8, 31), "NDRC-2025-36")
    assert rules.public_until("GENERAL", date(2024, 2, 29))[0] == date(2025, 2, 28)
    assert rules.public_until("SERIOUS", date(2026, 4, 1))[0] == date(2029, 4, 1)
    assert rules.default_valid_until(date(2024, 2, 29)) == date(2027, 2, 28)


def test_a_new_regime_is_a_new_row(monkeypatch) -> None:
    newer = rules.Regime("TEST-2030", date(2030, 1, 1),
                         {k: rules.Period(0, 1) for k in ("MINOR", "GENERAL", "SERIOUS")})
    monkeypatch.setattr(rules, "REGIMES", (*rules.REGIMES, newer))
    assert rules.public_until("SERIOUS", date(2030, 6, 1)) == (date(2030, 7, 1), "TEST-2030")
    assert rules.public_until("SERIOUS", date(2029, 6, 1)) == (date(2032, 6, 1), "NDRC-2025-36")


def test_entry_activity_edges() -> None:
    listed, valid, removed = date(2024, 1, 1), date(2024, 12, 31), date(2024, 6, 1)
    assert rules.entry_active(date(2023, 12, 31), listed, valid, None) is False
    assert rules.entry_active(listed, listed, valid, None) is True
    assert rules.entry_active(valid, listed, valid, None) is True
    assert rules.entry_active(date(2025, 1, 1), listed, valid, None) is False
    assert rules.entry_active(removed, listed, valid, removed) is False


STATUSES = """query($asOf: Date) { organisation(uscc: "%s", asOf: $asOf) {
  records(first: 100, filter: {statuses: [ACTIVE, EXPIRED, REPAIRED, REVOKED]}) {
    edges { node { recordId status decidedOn publicUntil repairedOn revokedOn } } } } }""" % scenario.A


@pytest.mark.parametrize("as_of", ["2020-06-01", "2022-08-01", "2024-05-15", "2024-06-01", "2025-02-01",
                                   "2025-06-02", "2027-06-01"])
async def test_cypher_status_agrees_with_the_python_rule(graph, tmp_path, as_of) -> None:
    await scenario.load(graph, tmp_path)
    day = date.fromisoformat(as_of)
    edges = (await data(graph, STATUSES, asOf=as_of))["organisation"]["records"]["edges"]
    assert edges, "the scenario has records on every one of these dates"
    raw = {r["record_id"]: r for r in scenario.FILES["records.csv"]}
    for edge in edges:
        node = edge["node"]
        source = raw[node["recordId"]]
        expected = rules.record_status(
            day, date.fromisoformat(source["decided_on"]), date.fromisoformat(node["publicUntil"]),
            date.fromisoformat(source["repaired_on"]) if source.get("repaired_on") else None,
            date.fromisoformat(source["revoked_on"]) if source.get("revoked_on") else None)
        assert node["status"] == expected, (as_of, node)
    decided = {rid for rid, r in raw.items() if date.fromisoformat(r["decided_on"]) <= day}
    assert {e["node"]["recordId"] for e in edges} == decided
