"""Exploration benchmark: liabilityTrace (depth 2 and 3) from random listed organisations, neighbourhood depth 2
with limit 200, and shortestPaths between random connected pairs (maxHops 6), through the GraphQL schema
(in-process, as the server runs it). Graph sizes side by side so that growth shows.

    make bench-trace                              # 100,000 organisations
    make bench-trace ARGS="--orgs 100000 1000000"
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

from api.auth import Principal, Role
from api.context import new_context
from api.schema import build_schema
from benchmarks.common import loaded_neo4j, percentile
from graph.store.driver import Graph, counting, open_driver

AS_OF = "2026-11-26"
# Tracing is for investigators (access.md); their reads are logged, as on a running server.
INVESTIGATOR = Principal(Role.INVESTIGATOR, credential_id="bench-investigator", agency_name="bench investigators")
TRACE = """query($uscc: String!, $depth: Int) { liabilityTrace(uscc: $uscc, depth: $depth, asOf: "%s") {
  accountable { basis person { name } record { recordId } }
  relatedOrganisations { organisation { uscc name } distance via { relation label } riskLevel { level } }
  graph { truncated nodes { id kind label riskLevel } edges { id source target relation label from to } } } }""" % AS_OF
NEIGHBOURHOOD = """query($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 200, asOf: "%s") {
  truncated nodes { id kind label riskLevel } edges { source target relation label } } }""" % AS_OF
PATHS = """query($a: ID!, $b: ID!) { shortestPaths(from: $a, to: $b, maxHops: 6, asOf: "%s") {
  length nodes { id label } edges { relation label } } }""" % AS_OF


async def measure(graph: Graph, schema, query: str, variables: list[dict]) -> dict:
    latencies, trips, sizes = [], [], []
    for v in variables:
        started = time.perf_counter()
        with counting() as stats:
            result = await schema.execute(query, variable_values=v, context_value=new_context(graph, INVESTIGATOR))
        latencies.append((time.perf_counter() - started) * 1000)
        if result.errors:
            raise SystemExit(f"{query[:40]}: {result.errors}")
        trips.append(stats.round_trips)
        sizes.append(len(str(result.data)))
    return {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
            "trips": sum(trips) / len(trips)}


async def run(orgs: int, samples: int) -> dict[str, dict]:
    driver = open_driver()
    graph = Graph(driver, causal_reads=False)
    rng = random.Random(5)
    listed = [r["u"] for r in (await driver.execute_query(
        "MATCH (o:Organisation)-[:LIST_ENTRY]->(e:ListEntry) WHERE e.listType = 'BLACKLIST' "
        "AND e.listedOn <= date($d) AND (e.removedOn IS NULL OR e.removedOn > date($d)) "
        "AND e.validUntil >= date($d) RETURN DISTINCT o.uscc AS u ORDER BY u", d=AS_OF)).records]
    pairs = (await driver.execute_query(
        "MATCH (a:Organisation)<-[:LEGAL_REPRESENTATIVE]-(:Person)"
        "-[:LEGAL_REPRESENTATIVE|SHAREHOLDER]->(b:Organisation)"
        "<-[:SHAREHOLDER|LEGAL_REPRESENTATIVE]-(:Person|Organisation) WHERE a <> b "
        "WITH a, b LIMIT 5000 RETURN a.uscc AS a, b.uscc AS b")).records
    schema = build_schema()
    from api.cursors import node_id

    shuffled = rng.sample(listed, min(samples + 50, len(listed)))
    warm, picks = shuffled[:50], shuffled[50:]
    pair_picks = rng.sample(pairs, min(samples + 50, len(pairs)))
    warm_pairs, pair_picks = pair_picks[:50], pair_picks[50:]
    # Steady state, as a running server is: a freshly started Neo4j compiles its plans and fills its page cache on
    # the first few hundred queries. Warm up on other organisations than those measured.
    await measure(graph, schema, TRACE, [{"uscc": u, "depth": d} for u in warm for d in (2, 3)])
    await measure(graph, schema, NEIGHBOURHOOD, [{"id": node_id("Organisation", u)} for u in warm])
    await measure(graph, schema, PATHS, [{"a": node_id("Organisation", p["a"]), "b": node_id("Organisation", p["b"])}
                                         for p in warm_pairs])
    results = {
        "liabilityTrace depth 2": await measure(graph, schema, TRACE, [{"uscc": u, "depth": 2} for u in picks]),
        "liabilityTrace depth 3": await measure(graph, schema, TRACE, [{"uscc": u, "depth": 3} for u in picks]),
        "neighbourhood depth 2, limit 200": await measure(
            graph, schema, NEIGHBOURHOOD, [{"id": node_id("Organisation", u)} for u in picks]),
        "shortestPaths maxHops 6": await measure(
            graph, schema, PATHS, [{"a": node_id("Organisation", p["a"]), "b": node_id("Organisation", p["b"])}
                                   for p in pair_picks]),
    }
    await driver.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, nargs="+", default=[100_000])
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    table: dict[int, dict[str, dict]] = {}
    for orgs in args.orgs:
        with loaded_neo4j(orgs):
            table[orgs] = asyncio.run(run(orgs, args.samples))
    header = "".join(f" | {orgs:>9,} orgs: p50 / p95 ms, trips" for orgs in args.orgs)
    print(f"{'what':34}{header}")
    for what in table[args.orgs[0]]:
        cells = "".join(f" | {table[o][what]['p50']:>8.1f} / {table[o][what]['p95']:>7.1f}, "
                        f"{table[o][what]['trips']:>4.1f}" for o in args.orgs)
        print(f"{what:34}{cells}")


if __name__ == "__main__":
    main()
