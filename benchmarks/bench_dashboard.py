"""Dashboard benchmark: every field of `dashboard`, each in its own request, for the whole country, one province
and one city (the largest of each), through the GraphQL schema in-process (as the server runs it), on random
days of the last five years.

    make bench-dashboard                                   # 100,000 organisations
    make bench-dashboard ARGS="--orgs 100000 1000000"

The generated sets have list entries and records but no pushes and no repair applications (their measures name
no implementer, and applications come from the API): the first run on a set adds them to its Neo4j, as the loop
and the repair mutations would have made them — one push per matching measure for every entry, pushed on its
listing day, 60% answered, withdrawn on the entry's removal; an application for every repaired record (accepted)
and for 5% of the others (rejected or pending).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import date, timedelta
from pathlib import Path

from api.auth import Principal, Role
from api.context import new_context
from api.schema import build_schema
from benchmarks.common import BENCH_DATA, loaded_neo4j, percentile
from graph.store.driver import Graph, counting, open_driver

TODAY = date(2026, 11, 26)  # the generated histories end here
ADMIN = Principal(Role.ADMIN, credential_id="bench", name="bench")
FIELDS = {
    "activeEntries PROVINCE": "activeEntries(groupBy: PROVINCE) { key label count }",
    "activeEntries CITY": "activeEntries(groupBy: CITY) { key label count }",
    "activeEntries COUNTY": "activeEntries(groupBy: COUNTY) { key label count }",
    "activeEntries LIST_TYPE": "activeEntries(groupBy: LIST_TYPE) { key count }",
    "activeEntries DOMAIN": "activeEntries(groupBy: DOMAIN, listType: BLACKLIST) { key count }",
    "recordsByMonth 120 months": 'recordsByMonth(from: "2016-12-01", to: "2026-11-30") { month count }',
    "recordsByMonth 24, filtered": 'recordsByMonth(from: "2024-12-01", to: "2026-11-30", categories: '
                                   '[ADMIN_PENALTY, COURT_DEFAULTER], severities: [SERIOUS]) { month count }',
    "pushStats": "pushStats { total answered pending overdue withdrawn feedbackRate medianDaysToAnswer "
                 "byUnit { unit { name uscc } total answered pending overdue feedbackRate } }",
    "repairStats 120 months": 'repairStats(from: "2016-12-01", to: "2026-11-30") { applied accepted rejected '
                              'pending medianDaysToDecide }',
}
FIXTURE = [
    # One push per matching measure for every entry, to a unit per measure, as the loop makes them.
    """MATCH (e:ListEntry) WHERE NOT EXISTS { (e)-[:PUSH]->() }
       CALL (e) {
         MATCH (m:Measure) WHERE m.listType = e.listType AND coalesce(m.domain, '') IN ['', e.domain]
         WITH e, m, e.listedOn AS pushed, rand() AS r
         CREATE (e)-[:PUSH]->(:Push {pushId: 'BP-' + e.entryId + '-' + m.code, entryId: e.entryId,
           measureCode: m.code, unitName: m.code + ' 实施单位', unitUscc: 'UNIT-' + m.code,
           subjectKind: e.subjectKind, subjectId: e.subjectId, pushedOn: pushed, dueOn: pushed + duration('P15D'),
           actedOn: CASE WHEN r < 0.6 THEN pushed + duration({days: toInteger(r * 60)}) END,
           answeredAt: CASE WHEN r < 0.6 THEN datetime() END, outcome: CASE WHEN r < 0.6 THEN 'APPLIED' END,
           withdrawnOn: e.removedOn, changedAt: datetime()})
       } IN TRANSACTIONS OF 2000 ROWS""",
    """MATCH (r:Record) WHERE NOT EXISTS { (r)-[:REPAIR_APPLICATION]->() }
         AND (r.repairedOn IS NOT NULL OR rand() < 0.05)
       CALL (r) {
         WITH r, rand() AS x
         WITH r, x, coalesce(r.repairedOn - duration('P20D'), r.decidedOn + duration({days: 30 + toInteger(x * 300)}))
                 AS applied
         CREATE (r)-[:REPAIR_APPLICATION]->(:RepairApplication {applicationId: 'BA-' + r.recordId,
           recordId: r.recordId, subjectKind: r.subjectKind, subjectId: r.subjectId, appliedOn: applied,
           commitment: '信用承诺', status: CASE WHEN r.repairedOn IS NOT NULL THEN 'ACCEPTED'
             WHEN x < 0.5 THEN 'REJECTED' ELSE 'PENDING' END,
           decidedOn: CASE WHEN r.repairedOn IS NOT NULL THEN r.repairedOn
             WHEN x < 0.5 THEN applied + duration({days: toInteger(x * 90)}) END})
       } IN TRANSACTIONS OF 2000 ROWS""",
]


async def add_fixture(driver, data: Path) -> None:
    marker = data / ".dashboard-fixture"
    if marker.exists():
        return
    print("adding pushes and repair applications …", flush=True)
    for statement in FIXTURE:
        async with driver.session() as session:
            await (await session.run(statement)).consume()
    marker.touch()


async def regions(driver) -> dict[str, str]:
    """The largest province and city by organisations."""
    found = {}
    for name, digits in (("province", 2), ("city", 4)):
        records, _, _ = await driver.execute_query(
            "MATCH (o:Organisation) WITH left(o.regionCode, $n) AS r, count(*) AS n RETURN r ORDER BY n DESC LIMIT 1",
            n=digits)
        found[name] = records[0]["r"]
    return found


async def measure(graph: Graph, schema, region: str | None, selection: str, days: list[date]) -> dict:
    query = "query($r: String, $d: Date) { dashboard(regionCode: $r, asOf: $d) { %s } }" % selection
    latencies = []
    for day in days:
        started = time.perf_counter()
        with counting():
            result = await schema.execute(query, variable_values={"r": region, "d": day.isoformat()},
                                          context_value=new_context(graph, ADMIN))
        latencies.append((time.perf_counter() - started) * 1000)
        if result.errors:
            raise SystemExit(f"{selection[:40]}: {result.errors}")
    return {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)}


async def run(orgs: int, samples: int) -> tuple[dict, dict]:
    driver = open_driver()
    try:
        await add_fixture(driver, (BENCH_DATA / f"neo4j-{orgs}-seed-2026").resolve())
        counts = {label: (await driver.execute_query(f"MATCH (n:{label}) RETURN count(n) AS n")).records[0]["n"]
                  for label in ("Organisation", "ListEntry", "Record", "Push", "RepairApplication")}
        where = await regions(driver)
        graph, schema, rng = Graph(driver, causal_reads=False), build_schema(), random.Random(7)
        scopes = {"country": None, f"province {where['province']}": where["province"],
                  f"city {where['city']}": where["city"]}
        warm = [TODAY - timedelta(days=rng.randrange(1, 1800)) for _ in range(3)]
        results = {}
        for scope, region in scopes.items():
            for name, selection in FIELDS.items():
                await measure(graph, schema, region, selection, warm)  # plans and page cache, on other days
                days = [TODAY - timedelta(days=rng.randrange(0, 1826)) for _ in range(samples)]
                results[(scope, name)] = await measure(graph, schema, region, selection, days)
        return counts, results
    finally:
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[100_000])
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    for orgs in args.orgs:
        with loaded_neo4j(orgs):
            counts, results = asyncio.run(run(orgs, args.samples))
        print(f"\n{orgs:,} organisations: " + ", ".join(f"{n:,} {label}" for label, n in counts.items()))
        print(f"{'scope':18} {'field':30} {'p50 ms':>8} {'p95 ms':>8}")
        for (scope, name), r in results.items():
            print(f"{scope:18} {name:30} {r['p50']:8.1f} {r['p95']:8.1f}{'' if r['p95'] <= 300 else '  > 300'}")


if __name__ == "__main__":
    main()
