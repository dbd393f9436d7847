"""Liability tracing, neighbourhoods and shortest paths on the scenario, with time travel, a hub, no path, limits."""

from __future__ import annotations

import pytest

from graph.identifiers import make_uscc
from tests import scenario
from tests.gql import data, errors, execute
from tests.scenario import P1, A, B, C, D, E

TRACE = """query($uscc: String!, $depth: Int, $asOf: Date) {
  liabilityTrace(uscc: $uscc, depth: $depth, asOf: $asOf) {
    organisation { name }
    accountable { basis person { name } record { recordId } }
    relatedOrganisations {
      organisation { uscc name } distance via { relation label source target } riskLevel { level } }
    graph { truncated nodes { id kind label riskLevel } edges { relation label from to } }
  } }"""


@pytest.fixture
async def world(graph, tmp_path):
    await scenario.load(graph, tmp_path)
    return graph


def related(trace: dict) -> dict[str, int]:
    return {r["organisation"]["uscc"]: r["distance"] for r in trace["relatedOrganisations"]}


async def test_trace_follows_who_led_on_the_decision_date(world) -> None:
    trace = (await data(world, TRACE, uscc=A, depth=1, asOf="2024-05-01"))["liabilityTrace"]
    assert {(a["basis"], a["person"]["name"], a["record"]["recordId"]) for a in trace["accountable"]} == {
        ("LEGAL_REPRESENTATIVE_AT_THE_TIME", "张三", "R1"), ("LEGAL_REPRESENTATIVE_AT_THE_TIME", "李四", "R2"),
        ("NAMED_RESPONSIBLE", "王五", "R2"), ("LEGAL_REPRESENTATIVE_AT_THE_TIME", "李四", "R5")}
    # 张三 → B (legal representative) and E (100%); 李四 → D (executive); 王五 → C (principal)
    assert related(trace) == {B: 2, C: 2, D: 2, E: 2}
    via_e = next(r for r in trace["relatedOrganisations"] if r["organisation"]["uscc"] == E)["via"]
    assert [(v["relation"], v["label"]) for v in via_e] == [("LEGAL_REPRESENTATIVE", "法定代表人"),
                                                             ("SHAREHOLDER", "持股 100%")]
    risk = {r["organisation"]["uscc"]: r["riskLevel"]["level"] for r in trace["relatedOrganisations"]}
    assert risk[B] == "YELLOW" and risk[E] == "GREEN"
    kinds = {n["kind"] for n in trace["graph"]["nodes"]}
    assert kinds == {"ORGANISATION", "PERSON", None}  # R2 is drawn for the person named on it
    assert trace["graph"]["truncated"] is False


async def test_trace_as_of_an_earlier_date_sees_only_that_day(world) -> None:
    trace = (await data(world, TRACE, uscc=A, depth=1, asOf="2022-08-01"))["liabilityTrace"]
    assert {(a["person"]["name"], a["record"]["recordId"]) for a in trace["accountable"]} == {("张三", "R1")}
    assert related(trace) == {B: 2, E: 2}


async def test_deeper_traces_go_on_through_people_and_ownership(world) -> None:
    one = related((await data(world, TRACE, uscc=C, depth=1, asOf="2025-03-01"))["liabilityTrace"])
    two = related((await data(world, TRACE, uscc=C, depth=2, asOf="2025-03-01"))["liabilityTrace"])
    # C's principal 王五 answers for L3; he leads nothing else, so nothing is reached at any depth
    assert one == {} and two == {}
    deep = related((await data(world, TRACE, uscc=B, depth=3, asOf="2024-03-01"))["liabilityTrace"])
    # B's L2 → 张三 (2010-) → E (2); 张三 no longer leads A; E has no other people
    assert deep == {E: 2}


async def test_a_hub_is_followed_up_to_the_limit_and_says_so(graph, tmp_path) -> None:
    hub = [make_uscc("9", "1", "440300", f"MH{i:06d}") for i in range(120)]
    extra = {
        "organisations.csv": [{"uscc": u, "name": f"枢纽公司{i}"} for i, u in enumerate(hub)],
        "roles.csv": [{"id_number": P1, "uscc": u, "role": "LEGAL_REPRESENTATIVE", "start_on": "2021-01-01"}
                      for u in hub],
    }
    await scenario.load(graph, tmp_path, extra)
    result, stats = await execute(graph, TRACE, uscc=A, depth=1, asOf="2022-08-01")
    trace = result.data["liabilityTrace"]
    assert trace["graph"]["truncated"] is True
    assert 90 <= len(trace["relatedOrganisations"]) <= 101
    assert stats.round_trips <= 6, stats.queries  # one query per level, never one per node


@pytest.mark.parametrize(("depth", "words"), [(0, "depth must be between 1 and 4, not 0"),
                                              (5, "depth must be between 1 and 4, not 5")])
async def test_trace_depth_is_validated(world, depth, words) -> None:
    assert await errors(world, TRACE, uscc=A, depth=depth) == [words]


async def test_trace_of_an_unknown_organisation(world) -> None:
    unknown = make_uscc("9", "1", "440300", "MA000001")
    assert await errors(world, TRACE, uscc=unknown) == [f"uscc: no organisation {unknown} in the credit file"]


NEIGHBOURHOOD = """query($id: ID!, $depth: Int, $rel: [Relation!], $asOf: Date, $limit: Int) {
  neighbourhood(id: $id, depth: $depth, relations: $rel, asOf: $asOf, limit: $limit) {
    truncated nodes { label kind } edges { relation } } }"""


async def node_id(graph, uscc: str) -> str:
    return (await data(graph, '{ organisation(uscc: "%s") { id } }' % uscc))["organisation"]["id"]


async def test_neighbourhood_respects_relations_dates_and_limit(world) -> None:
    a = await node_id(world, A)
    everything = (await data(world, NEIGHBOURHOOD, id=a, depth=1, asOf="2024-05-01"))["neighbourhood"]
    labels = {n["label"] for n in everything["nodes"]}
    assert {"深圳示例通信技术有限公司", "李四", "宁波示例港口物流有限公司", "ADMIN_PENALTY R1",
            "BLACKLIST L1"} <= labels
    assert "张三" not in labels  # his role ended in 2022
    roles = (await data(world, NEIGHBOURHOOD, id=a, depth=1, rel=["LEGAL_REPRESENTATIVE"], asOf="2022-08-01"))
    assert {n["label"] for n in roles["neighbourhood"]["nodes"]} == {"深圳示例通信技术有限公司", "张三"}
    small = (await data(world, NEIGHBOURHOOD, id=a, depth=2, asOf="2024-05-01", limit=3))["neighbourhood"]
    assert len(small["nodes"]) == 3 and small["truncated"] is True
    assert "limit must be between 1 and 2000, not 0" in (await errors(world, NEIGHBOURHOOD, id=a, limit=0))[0]


PATHS = """query($from: ID!, $to: ID!, $max: Int, $asOf: Date) {
  shortestPaths(from: $from, to: $to, maxHops: $max, asOf: $asOf) {
    length nodes { label } edges { relation label } } }"""


async def test_shortest_paths_in_time_and_none(world) -> None:
    a, e = await node_id(world, A), await node_id(world, E)
    then = (await data(world, PATHS, **{"from": a, "to": e, "asOf": "2022-08-01"}))["shortestPaths"]
    assert [(p["length"], [n["label"] for n in p["nodes"]]) for p in then] == [
        (2, ["深圳示例通信技术有限公司", "张三", "嘉兴示例电子科技有限公司"])]
    assert [x["label"] for x in then[0]["edges"]] == ["法定代表人", "持股 100%"]
    # from 2023 张三 no longer leads A: no route of two hops is left
    now = (await data(world, PATHS, **{"from": a, "to": e, "asOf": "2024-05-01", "max": 2}))["shortestPaths"]
    assert now == []
    assert "maxHops must be between 1 and 10, not 11" in (
        await errors(world, PATHS, **{"from": a, "to": e, "max": 11}))[0]


async def test_all_shortest_paths_are_given(graph, tmp_path) -> None:
    extra = {
        "roles.csv": [{"id_number": scenario.P3, "uscc": B, "role": "EXECUTIVE", "start_on": "2020-01-01"}],
        "shareholdings.csv": [{"holder_kind": "PERSON", "holder_id": scenario.P3, "uscc": E, "percent": "5",
                               "start_on": "2020-01-01"}],
    }
    await scenario.load(graph, tmp_path, extra)
    b, e = await node_id(graph, B), await node_id(graph, E)
    result, _stats = await execute(graph, PATHS, **{"from": b, "to": e, "asOf": "2024-05-01"})
    paths = result.data["shortestPaths"]
    assert sorted([n["label"] for n in p["nodes"]] for p in paths) == [
        ["北京示例测试科技有限公司", "张三", "嘉兴示例电子科技有限公司"],
        ["北京示例测试科技有限公司", "王五", "嘉兴示例电子科技有限公司"]]
    assert {p["length"] for p in paths} == {2}
    before = (await data(graph, PATHS, **{"from": b, "to": e, "asOf": "2019-06-01"}))["shortestPaths"]
    assert [[n["label"] for n in p["nodes"]] for p in before] == [
        ["北京示例测试科技有限公司", "张三", "嘉兴示例电子科技有限公司"]]
