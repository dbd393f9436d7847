"""Search, batch screening, the round-trip budget, and the guards of the API."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from graph.identifiers import make_uscc
from tests import scenario
from tests.gql import data, errors, execute
from tests.keys import bearer, make_key
from tests.scenario import P1, P3, A, B, C

SCREEN = """query($usccs: [String!]!, $ids: [String!]!, $asOf: Date) {
  screen(usccs: $usccs, idNumbers: $ids, asOf: $asOf) {
    query found subject { name } risk { level } activeListEntries { entryId } measures { measure { code } } flags } }"""

STANDARD = """query($uscc: String!) { organisation(uscc: $uscc, asOf: "2024-05-01") {
  name legalRepresentatives(includeHistory: true) { person { name } from to }
  records(first: 20) { totalCount edges { node { recordId authority { name }
    responsiblePersons { name } accountablePersons { basis person { name } } } } }
  listEntries { entryId } measures { measure { code } triggeredBy { entryId } } riskLevel { level reasons } } }"""


@pytest.fixture
async def world(graph, tmp_path):
    await scenario.load(graph, tmp_path)
    return graph


async def test_screen_answers_in_order_with_flags(world) -> None:
    result = (await data(world, SCREEN, usccs=[C, "91440300MA0CF0A11O", B, "91330201MA0CF0D10Y", A],
                         ids=[P1, "110105194912310021", "E0000000"], asOf="2025-03-01"))["screen"]
    assert [r["query"] for r in result] == [C, "91440300MA0CF0A11O", B, "91330201MA0CF0D10Y", A, P1,
                                            "110105194912310021", "E0000000"]
    c, bad, b, unknown, a, p1, bad_id, nobody = result
    assert c["found"] and c["risk"]["level"] == "RED" and c["activeListEntries"] == [{"entryId": "L3"}]
    assert sorted(m["measure"]["code"] for m in c["measures"]) == ["M-BID-BAN", "M-WAGE"]
    assert bad["found"] is False and bad["flags"][0].startswith("malformed USCC: character 18 is 'O'")
    assert b["found"] and any("its legal representative 张三 answers (measure 八) for an active BLACKLIST entry of "
                              "深圳示例通信技术有限公司" in f for f in b["flags"])
    assert unknown["found"] is False and "check character does not verify" in unknown["flags"][0]
    assert a["found"] and a["subject"]["name"] == "深圳示例通信技术有限公司"
    assert p1["found"] and p1["risk"]["level"] == "RED" and any("BLACKLIST entry L1" in f for f in p1["flags"])
    assert bad_id["found"] is False and "check character of this number is 'X'" in bad_id["flags"][0]
    assert nobody == {"query": "E0000000", "found": False, "subject": None, "risk": None, "activeListEntries": [],
                      "measures": [], "flags": ["no person with this ID number in the credit file"]}


async def test_screen_refuses_more_than_1000_codes(world) -> None:
    message = (await errors(world, SCREEN, usccs=[A] * 600, ids=[P1] * 401))[0]
    assert message == "screen takes at most 1000 codes per call, not 1001; split the batch"


async def test_screening_1000_codes_takes_a_fixed_number_of_round_trips(world) -> None:
    codes = [A, B, C] + [make_uscc("9", "1", "440300", f"MA{i:06d}") for i in range(997)]
    result, stats = await execute(world, SCREEN, usccs=codes, ids=[], asOf="2024-05-01")
    assert result.errors is None and len(result.data["screen"]) == 1000
    # 5 reads, and the access log: its events written while the screening runs, then its commit.
    assert stats.round_trips <= 7, stats.queries


@pytest.mark.parametrize("fields, runs, skips", [
    ("query found subject { name }", set(), {"risk_inputs", "screening_leader_flags", "list_entries_of_subjects"}),
    ("found risk { level }", {"risk_inputs"}, {"screening_leader_flags", "list_entries_of_subjects"}),
    ("found ... on ScreeningResult { flags }", {"risk_inputs", "screening_leader_flags"},
     {"list_entries_of_subjects"}),
    ("found activeListEntries { entryId }", {"list_entries_of_subjects"}, {"risk_inputs", "screening_leader_flags"}),
])
async def test_a_screening_fetches_only_what_its_fields_need(world, fields, runs, skips) -> None:
    query = 'query($usccs: [String!]!) { screen(usccs: $usccs, asOf: "2025-03-01") { %s } }' % fields
    result, stats = await execute(world, query, usccs=[A, B, C])
    assert result.errors is None and [r["found"] for r in result.data["screen"]] == [True, True, True]
    assert runs <= set(stats.queries) and not skips & set(stats.queries), stats.queries
    full = (await data(world, SCREEN, usccs=[A, B, C], ids=[], asOf="2025-03-01"))["screen"]
    for asked, whole in zip(result.data["screen"], full, strict=True):  # the same answers as a full screening
        assert asked == {k: v for k, v in whole.items() if k in asked}


async def test_search_chinese_names_and_exact_uscc(world) -> None:
    query = """query($t: String!, $k: SubjectKind) { search(text: $t, kind: $k, first: 5) {
        totalCount edges { score node { __typename name } } } }"""
    found = (await data(world, query, t="通信"))["search"]
    assert found["edges"][0]["node"] == {"__typename": "Organisation", "name": "深圳示例通信技术有限公司"}
    scores = [e["score"] for e in found["edges"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    people = (await data(world, query, t="王五", k="PERSON"))["search"]
    assert [e["node"]["name"] for e in people["edges"]] == ["王五"]
    exact = (await data(world, query, t=B.lower()))["search"]
    assert exact["totalCount"] == 1 and exact["edges"][0]["node"]["name"] == "北京示例测试科技有限公司"
    odd = (await data(world, query, t='科技 AND (" OR'))["search"]  # Lucene syntax is taken literally
    assert odd["totalCount"] >= 1


async def test_the_credit_file_takes_the_same_round_trips_for_2_or_200_records(graph, tmp_path) -> None:
    counted = {}
    for records in (2, 200):
        await graph.driver.execute_query("MATCH (n) DETACH DELETE n")
        extra = [scenario.rec(f"X{i:03d}", "GENERAL", "2024-02-01") for i in range(records)]
        persons = [{"record_id": f"X{i:03d}", "id_number": P3} for i in range(records)]
        await scenario.load(graph, tmp_path / str(records), {"records.csv": extra, "record_persons.csv": persons})
        result, stats = await execute(graph, STANDARD, uscc=A)
        assert result.errors is None
        file = result.data["organisation"]
        assert file["records"]["totalCount"] == records + 3  # R1, R2, R5 are active on 2024-05-01
        assert len(file["records"]["edges"]) == min(20, records + 3)
        counted[records] = stats.round_trips
    assert counted[2] == counted[200] <= 8, counted


async def test_query_stats_in_extensions_when_asked(world, monkeypatch) -> None:
    import settings

    monkeypatch.setenv("CREDITFILE_QUERY_STATS", "1")
    settings.app.cache_clear()
    _, key = await make_key(world, "ADMIN")
    try:
        with TestClient(create_app()) as client:
            body = client.post("/graphql", json={"query": STANDARD, "variables": {"uscc": A}},
                               headers=bearer(key)).json()
    finally:
        monkeypatch.undo()
        settings.app.cache_clear()
    stats = body["extensions"]["queryStats"]
    assert 0 < stats["roundTrips"] <= 8 and stats["dbMs"] >= 0 and "records_page" in stats["queries"]


async def test_depth_and_alias_limits_say_what_is_wrong(world) -> None:
    deep = "{ organisation(uscc: \"%s\") { records { edges { node { subject { records { edges { node { subject {" \
           " records { edges { node { subject { name } } } } } } } } } } } } } }" % A
    assert "exceeds maximum operation depth" in (await errors(world, deep))[0]
    many = "{ " + " ".join(f"a{i}: organisation(uscc: \"{A}\") {{ name }}" for i in range(40)) + " }"
    assert "aliases found" in (await errors(world, many))[0]


async def test_unexpected_errors_are_masked(world, monkeypatch) -> None:
    from graph import access

    async def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(access, "organisations", broken)
    assert await errors(world, '{ organisation(uscc: "%s") { name } }' % A) == ["Internal error; it has been logged."]
