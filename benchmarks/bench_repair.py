"""Repair and objection benchmark: applyForRepair, decideRepair (ACCEPT: the record repaired, the entries resting on
it ended, their pushes withdrawn), fileObjection and resolveObjection (UPHOLD: the record revoked, the same
effects), through the GraphQL schema in-process as the server runs them, one client, each call its own
transaction with its idempotency key. Then the standard credit file with and without the new record fields.

The mutations write, so they run on a copy of the benchmark graph (bench-data/ stays as imported). Records are
taken at random among those a subject may have repaired today (repairable, ACTIVE, no rectification pending), most
with a BLACKLIST entry resting on them; each such entry gets three pushes first (the generated measures name no
implementer USCC, so the import makes none).

    make bench-repair                      # 100,000 organisations, 200 records per mutation pair
    make bench-repair ARGS="--orgs 10000 --samples 100"
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import settings
from api.auth import Principal, Role
from api.context import new_context
from api.cursors import node_id
from api.dates import today
from api.schema import build_schema
from benchmarks.bench_api import CREDIT_FILE
from benchmarks.common import BENCH_DATA, loaded_neo4j, percentile
from graph import local, rules
from graph.store import schema as graph_schema
from graph.store.driver import Graph, counting, open_driver

APPLY = """mutation($input: RepairInput!) { applyForRepair(input: $input) { applicationId status
  record { recordId status } } }"""
DECIDE = """mutation($input: RepairDecisionInput!) { decideRepair(input: $input) { applicationId status decidedOn
  record { recordId status repairedOn } } }"""
FILE = """mutation($input: ObjectionInput!) { fileObjection(input: $input) { objectionId status
  target { id ... on CreditRecord { underObjection } } } }"""
RESOLVE = """mutation($input: ObjectionResolutionInput!) { resolveObjection(input: $input) { objectionId status
  target { ... on CreditRecord { recordId status } } } }"""
# The standard credit file (bench_api) asking for the new fields of each record as well.
WITH_NEW_FIELDS = CREDIT_FILE.replace("id recordId category", "id recordId underObjection repairableFrom category")
CANDIDATES = """
MATCH (o:Organisation)-[:RECORD]->(r:Record)
WHERE r.category <> 'COURT_DEFAULTER' AND r.authorityUscc IS NOT NULL AND r.repairedOn IS NULL
  AND r.revokedOn IS NULL AND r.publicUntil >= $today AND r.decidedOn <= $today
  AND NOT EXISTS { MATCH (:Event {recordId: r.recordId, eventType: 'RECTIFICATION_ORDERED'}) }
  AND NOT EXISTS { (r)-[:REPAIR_APPLICATION|OBJECTION]->() }
RETURN o.uscc AS uscc, r.recordId AS recordId, r.category AS category, r.severity AS severity,
       r.decidedOn AS decidedOn, r.authorityUscc AS authority,
       EXISTS { MATCH (r)<-[:BASED_ON]-(e:ListEntry) WHERE e.removedOn IS NULL AND e.validUntil >= $today } AS listed
"""
PUSHES = """
UNWIND $recordIds AS rid
MATCH (:Record {recordId: rid})<-[:BASED_ON]-(e:ListEntry)<-[:LIST_ENTRY]-(s)
WHERE e.removedOn IS NULL AND e.validUntil >= $today
UNWIND range(1, 3) AS n
CREATE (e)-[:PUSH]->(:Push {pushId: 'BENCH-' + e.entryId + '-' + n, entryId: e.entryId, measureCode: 'M-BENCH-' + n,
  unitName: 'bench unit ' + n, unitUscc: '91110000MA0BANK1X' + n, subjectKind: e.subjectKind, subjectId: e.subjectId,
  pushedOn: $today, dueOn: $today + duration('P15D'), changedAt: datetime()})
"""


@contextlib.contextmanager
def copied_neo4j(orgs: int) -> Iterator[None]:
    """A Neo4j on a throw-away copy of the benchmark graph of `orgs` organisations (imported first if needed)."""
    original = (BENCH_DATA / f"neo4j-{orgs}-seed-2026").resolve()
    if not (original / ".loaded").exists():
        with loaded_neo4j(orgs):
            pass
    if local.status(original) is not None:
        raise SystemExit(f"{original} is being served by another Neo4j (a benchmark running?): try again later")
    copy = Path(tempfile.mkdtemp(prefix="creditfile-bench-repair-")) / "data"
    shutil.copytree(original, copy)
    (copy / local.STATE_FILE).unlink(missing_ok=True)
    instance = local.start(port=local.free_port(), data=copy)
    previous = os.environ.get("NEO4J_URI")
    os.environ["NEO4J_URI"] = instance.uri
    settings.neo4j.cache_clear()
    try:
        yield
    finally:
        local.stop(copy)
        shutil.rmtree(copy.parent, ignore_errors=True)
        if previous is None:
            os.environ.pop("NEO4J_URI", None)
        else:
            os.environ["NEO4J_URI"] = previous
        settings.neo4j.cache_clear()


async def call(graph: Graph, schema, doc: str, principal: Principal, input: dict, timings: dict, name: str) -> dict:
    started = time.perf_counter()
    with counting() as stats:
        result = await schema.execute(doc, variable_values={"input": input},
                                      context_value=new_context(graph, principal))
    timings.setdefault(name, []).append(((time.perf_counter() - started) * 1000,
                                         stats.round_trips))
    if os.environ.get("BENCH_SHOW_QUERIES"):
        print(name, stats.queries)
    if result.errors:
        raise SystemExit(f"{name}: {result.errors[0].message}")
    return next(iter(result.data.values()))


def subject(uscc: str) -> Principal:
    return Principal(Role.SUBJECT, credential_id=f"bench-subject-{uscc}", subject_kind="ORGANISATION",
                     subject_id=uscc, subject_key=uscc)


def authority(uscc: str) -> Principal:
    return Principal(Role.AUTHORITY, credential_id=f"bench-authority-{uscc}", agency_name="bench authority",
                     agency_uscc=uscc)


async def repair(graph: Graph, schema, row: dict, day: str, timings: dict) -> None:
    applied = await call(graph, schema, APPLY, subject(row["uscc"]), {
        "idempotencyKey": f"apply-{row['recordId']}", "recordId": row["recordId"], "appliedOn": day,
        "commitment": "本单位承诺依法诚信经营", "rectificationEvidence": ["整改报告"]}, timings, "applyForRepair")
    decided = await call(graph, schema, DECIDE, authority(row["authority"]), {
        "idempotencyKey": f"decide-{row['recordId']}", "applicationId": applied["applicationId"],
        "decision": "ACCEPT", "decidedOn": day, "reason": "已整改到位"}, timings, "decideRepair (ACCEPT)")
    assert decided["record"]["status"] == "REPAIRED", decided


async def dispute(graph: Graph, schema, row: dict, day: str, timings: dict) -> None:
    filed = await call(graph, schema, FILE, subject(row["uscc"]), {
        "idempotencyKey": f"file-{row['recordId']}", "targetId": node_id("CreditRecord", row["recordId"]),
        "filedOn": day, "grounds": "认定事实有误"}, timings, "fileObjection")
    resolved = await call(graph, schema, RESOLVE, authority(row["authority"]), {
        "idempotencyKey": f"resolve-{row['recordId']}", "objectionId": filed["objectionId"], "outcome": "UPHOLD",
        "resolvedOn": day, "reason": "异议成立"}, timings, "resolveObjection (UPHOLD)")
    assert resolved["target"]["status"] == "REVOKED", resolved


async def credit_files(graph: Graph, schema, usccs: list[str], timings: dict) -> None:
    admin = Principal(Role.ADMIN, credential_id="bench-admin")
    for name, query in (("credit file", CREDIT_FILE), ("credit file + underObjection, repairableFrom",
                                                        WITH_NEW_FIELDS)) * 2:
        timings.pop(name, None)  # the first round warms up, the second is measured
        for uscc in usccs:
            started = time.perf_counter()
            with counting() as stats:
                result = await schema.execute(query, variable_values={"uscc": uscc},
                                              context_value=new_context(graph, admin))
            if result.errors:
                raise SystemExit(f"{name}: {result.errors[0].message}")
            timings.setdefault(name, []).append(((time.perf_counter() - started) * 1000, stats.round_trips))


async def run(samples: int) -> tuple[dict, dict]:
    driver = open_driver()
    graph, schema, day = Graph(driver, causal_reads=False), build_schema(), today()
    await graph_schema.apply(driver)
    rows = [dict(r) for r in (await driver.execute_query(CANDIDATES, today=day)).records]
    rows = [r for r in rows if rules.repairable_from(r["category"], r["severity"], r["decidedOn"].to_native()) <= day]
    rng = random.Random(3)
    rng.shuffle(rows)
    rows.sort(key=lambda r: not r["listed"])  # records with an entry resting on them first: the effects are measured
    warm, measured = rows[:20], rows[20:20 + 2 * samples]
    if len(measured) < 2 * samples:
        raise SystemExit(f"only {len(rows)} candidate records; ask for fewer --samples")
    await driver.execute_query(PUSHES, recordIds=[r["recordId"] for r in warm + measured], today=day)
    effects = {"records with an active entry": sum(r["listed"] for r in measured)}
    timings: dict = {}
    for i, row in enumerate(warm):
        await (repair if i % 2 else dispute)(graph, schema, row, day.isoformat(), timings)
    timings.clear()
    for row in measured[:samples]:
        await repair(graph, schema, row, day.isoformat(), timings)
    for row in measured[samples:]:
        await dispute(graph, schema, row, day.isoformat(), timings)
    ended = (await driver.execute_query(
        "MATCH (e:ListEntry)-[:PUSH]->(p:Push) WHERE e.endedEarlyOn = $today "
        "RETURN count(DISTINCT e) AS entries, count(p) AS pushes, count(p.withdrawnOn) AS withdrawn",
        today=day)).records[0]
    effects.update({"entries ended": ended["entries"], "pushes withdrawn": f"{ended['withdrawn']} of "
                                                                          f"{ended['pushes']}"})
    files = [r["uscc"] for r in rows[20 + 2 * samples:][:200]]
    await credit_files(graph, schema, files, timings)
    await driver.close()
    return timings, effects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200, help="records repaired, and records disputed")
    args = parser.parse_args()
    with copied_neo4j(args.orgs):
        timings, effects = asyncio.run(run(args.samples))
    print(f"{args.orgs:,} organisations; {args.samples} repairs and {args.samples} upheld objections, one client; "
          f"effects: {', '.join(f'{k} {v}' for k, v in effects.items())}")
    # trips: Cypher statements per request (a mutation's are run in one transaction; its commit not counted).
    print(f"{'what':46} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'trips':>6}")
    for name, values in timings.items():
        ms = [v[0] for v in values]
        print(f"{name:46} {len(ms):>5} {percentile(ms, 0.5):>8.1f} {percentile(ms, 0.95):>8.1f} "
              f"{sum(v[1] for v in values) / len(values):>6.1f}")


if __name__ == "__main__":
    main()
