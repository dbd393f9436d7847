"""API benchmark: the standard credit-file query and a screening of 1,000 codes, over HTTP against a running
server, with 1 and with 8 concurrent clients, acting as a UNIT credential (so every read is written to the access
log, one write per request); the same credit file without a credential (PUBLIC: no log, the fields PUBLIC may
see); and the same data fetched by hand-written Cypher through the driver (the floor). Prints p50/p95 latency,
requests per second and Cypher round trips per request (the log write counts).

    make bench-api                      # 100,000 organisations
    make bench-api ARGS="--orgs 10000 --requests 200"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time

import httpx2 as httpx

import queries
from benchmarks.common import loaded_neo4j, percentile, wait_ready
from graph.access import RecordQuery, subject_param
from graph.local import free_port
from graph.store.driver import Graph, open_driver

AS_OF = "2026-11-26"
CREDIT_FILE = """query($uscc: String!) { organisation(uscc: $uscc, asOf: "%s") {
  uscc name usccChecksumValid legalForm status region { code name }
  legalRepresentatives(includeHistory: true) { person { id name idNumberMasked } role title from to }
  records(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
    id recordId category severity status decidedOn publicUntil fineYuan documentNo
    authority { name uscc }
    responsiblePersons { id name idNumberMasked }
    accountablePersons { basis person { id name idNumberMasked } } } } }
  listEntries { id entryId listType domain listedOn validUntil active }
  measures { measure { code name } triggeredBy { entryId } }
  riskLevel { level reasons } } }""" % AS_OF
# What PUBLIC may ask of the same file (no risk, measures, ID numbers, accountability): the log-free baseline.
PUBLIC_FILE = """query($uscc: String!) { organisation(uscc: $uscc, asOf: "%s") {
  uscc name usccChecksumValid legalForm status region { code name }
  legalRepresentatives(includeHistory: true) { person { id name } role title from to }
  records(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
    id recordId category severity status decidedOn publicUntil fineYuan documentNo
    authority { name uscc }
    responsiblePersons { id name } } } }
  listEntries { id entryId listType domain listedOn validUntil active } } }""" % AS_OF
SCREEN = """query($usccs: [String!]!) { screen(usccs: $usccs, asOf: "%s") {
  query found subject { name } risk { level reasons } activeListEntries { entryId listType }
  measures { measure { code } } flags } }""" % AS_OF


async def unit_key() -> str:
    """A UNIT key made as `creditfile keys create` makes it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from graph import audit

    driver = open_driver()
    try:
        _, token = await audit.create_key(
            Graph(driver), role="UNIT", name="bench-api", agency_name="基准测试银行", agency_uscc="91110000600037341L",
            region=None, subject_kind=None, subject_id=None, now=datetime.now(ZoneInfo("Asia/Shanghai")))
    finally:
        await driver.close()
    return token


async def sample(orgs: int) -> tuple[list[str], list[str]]:
    driver = open_driver()
    rows, _, _ = await driver.execute_query(
        "MATCH (o:Organisation) WHERE EXISTS { (o)-[:RECORD]->() } RETURN o.uscc AS u ORDER BY o.uscc")
    with_records = [r["u"] for r in rows]
    rows, _, _ = await driver.execute_query("MATCH (o:Organisation) RETURN o.uscc AS u ORDER BY o.uscc")
    everyone = [r["u"] for r in rows]
    await driver.close()
    rng = random.Random(7)
    return rng.sample(with_records, min(500, len(with_records))), everyone


async def over_http(url: str, body_of, requests: int, clients: int, key: str | None = None) -> dict:
    latencies: list[float] = []
    trips: list[int] = []
    log_ms: list[float] = []  # the access-log write, timed by the server
    counter = iter(range(requests))

    async def worker(client: httpx.AsyncClient) -> None:
        for i in counter:
            started = time.perf_counter()
            response = await client.post(url, json=body_of(i))
            latencies.append((time.perf_counter() - started) * 1000)
            payload = response.json()
            if response.status_code != 200 or payload.get("errors"):
                raise SystemExit(f"request failed: {response.status_code} {str(payload)[:500]}")
            trips.append(payload["extensions"]["queryStats"]["roundTrips"])
            log_ms.append(payload["extensions"]["queryStats"].get("accessLogMs", 0.0))

    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with httpx.AsyncClient(timeout=60, headers=headers) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        wall = time.perf_counter() - started
    return {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95), "rps": requests / wall,
            "trips": sum(trips) / len(trips), "log_p50": percentile(log_ms, 0.5)}


async def floor_credit_file(graph: Graph, uscc: str) -> None:
    """The same data by hand: the same named queries, in the same dependency order, without GraphQL."""
    key = ("ORGANISATION", uscc)
    page_query = RecordQuery(as_of=__import__("datetime").date.fromisoformat(AS_OF), statuses=("ACTIVE",))
    org = await graph.run(queries.get("organisation_by_uscc"), usccs=[uscc])
    assert org
    results = await asyncio.gather(
        graph.run(queries.get("roles_of_organisations"), usccs=[uscc]),
        graph.run(queries.get("records_page"), subjects=[subject_param(key)], **page_query.params()),
        graph.run(queries.get("list_entries_of_subjects"), subjects=[subject_param(key)]),
        graph.run(queries.get("risk_inputs"), subjects=[subject_param(key)], asOf=page_query.as_of),
        graph.run(queries.get("all_measures")),
    )
    ids = [r["recordId"] for r in results[1][0]["page"]] if results[1] else []
    await graph.run(queries.get("record_people"), recordIds=ids)


async def floor(orgs_sample: list[str], requests: int, clients: int) -> dict:
    driver = open_driver()
    graph = Graph(driver, causal_reads=False)
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker() -> None:
        for i in counter:
            started = time.perf_counter()
            await floor_credit_file(graph, orgs_sample[i % len(orgs_sample)])
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - started
    await driver.close()
    return {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95), "rps": requests / wall}


def serve(port: int, workers: int) -> subprocess.Popen:
    # The benchmark's own load would trip the rate limits: raise them for the measured server only.
    env = {**os.environ, "CREDITFILE_QUERY_STATS": "1", "CREDITFILE_RATE_LIMIT": "10000000",
           "CREDITFILE_PUBLIC_RATE_LIMIT": "10000000"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--port", str(port),
                             "--workers", str(workers), "--log-level", "warning", "--no-access-log"], env=env)
    return wait_ready(proc, f"http://127.0.0.1:{port}/readyz", "the server")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()
    with loaded_neo4j(args.orgs):
        sampled, everyone = asyncio.run(sample(args.orgs))
        key = asyncio.run(unit_key())
        warm, targets = sampled[:150], sampled[150:]
        rng = random.Random(11)
        port = free_port()
        server = serve(port, args.workers)
        url = f"http://127.0.0.1:{port}/graphql"
        try:
            print(f"{args.orgs:,} organisations, {args.workers} server process(es); standard credit file of "
                  f"organisations with records; screening of 1,000 random USCCs")
            print(f"{'what':34} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'trips':>6}")
            # Steady state: warm Neo4j's plans and page cache on other organisations than those measured.
            asyncio.run(over_http(url, lambda i: {"query": CREDIT_FILE, "variables": {"uscc": warm[i % len(warm)]}},
                                  300, 2, key))
            asyncio.run(over_http(url, lambda i: {"query": SCREEN, "variables": {"usccs": rng.sample(everyone, 1000)}},
                                  5, 1, key))
            for clients in (1, 8):
                r = asyncio.run(over_http(url, lambda i: {"query": CREDIT_FILE,
                                                          "variables": {"uscc": targets[i % len(targets)]}},
                                          args.requests, clients, key))
                p = asyncio.run(over_http(url, lambda i: {"query": PUBLIC_FILE,
                                                          "variables": {"uscc": targets[i % len(targets)]}},
                                          args.requests, clients))
                # The PUBLIC fields asked as UNIT: against the PUBLIC row, what the credential and the log cost.
                u = asyncio.run(over_http(url, lambda i: {"query": PUBLIC_FILE,
                                                          "variables": {"uscc": targets[i % len(targets)]}},
                                          args.requests, clients, key))
                f = asyncio.run(floor(targets, args.requests, clients))
                print(f"{'credit file, UNIT (logged)':34} {clients:>7} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                      f"{r['rps']:>8.0f} {r['trips']:>6.1f}   log write p50 {r['log_p50']:.1f} ms")
                print(f"{'credit file fields, PUBLIC':34} {clients:>7} {p['p50']:>8.1f} {p['p95']:>8.1f} "
                      f"{p['rps']:>8.0f} {p['trips']:>6.1f}")
                print(f"{'same fields, UNIT (logged)':34} {clients:>7} {u['p50']:>8.1f} {u['p95']:>8.1f} "
                      f"{u['rps']:>8.0f} {u['trips']:>6.1f}   log write p50 {u['log_p50']:.1f} ms, "
                      f"UNIT − PUBLIC p50 {u['p50'] - p['p50']:+.1f} ms")
                print(f"{'credit file (hand-written floor)':34} {clients:>7} {f['p50']:>8.1f} {f['p95']:>8.1f} "
                      f"{f['rps']:>8.0f} {'':>6}   GraphQL/floor p50 = {r['p50'] / f['p50']:.2f}×")
            batches = [rng.sample(everyone, 1000) for _ in range(20)]
            for clients in (1, 8):
                r = asyncio.run(over_http(url, lambda i: {"query": SCREEN, "variables": {"usccs": batches[i % 20]}},
                                          20 if clients == 1 else 40, clients, key))
                print(f"{'screening 1,000 codes, UNIT':34} {clients:>7} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                      f"{r['rps']:>8.1f} {r['trips']:>6.1f}   log write p50 {r['log_p50']:.1f} ms")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
