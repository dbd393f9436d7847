"""Joint-punishment loop benchmark (issue 9): the import's extra time for pushes, initiateListing and
giveFeedback latency over HTTP, giveFeedback throughput with 8 units answering at once, and the delivery latency
of pushes to graphql-transport-ws subscribers with 1 and with 100 subscribed units. Subscribers are connected to
one server process and the mutations go through another (on one Neo4j), as with several workers or hosts.

    make bench-loop                                  # 10,000 organisations
    make bench-loop ARGS="--orgs 100000 --listings 300"

The generated catalogue names no implementer USCCs: the import step gives its 13 measures 13 units (so that the
import has pushes to make); the API steps then use a catalogue of their own (domains 基准*), so that a listing
makes exactly 3 pushes, 8 (one per answering unit) or 100 (one per subscribed unit).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx2 as httpx
from websockets.asyncio.client import ClientConnection, connect

from benchmarks.bench_api import CREDIT_FILE, serve
from benchmarks.common import folder_for, fresh_neo4j, percentile
from graph import audit
from graph.identifiers import make_uscc
from graph.ingest.importer import Importer
from graph.local import free_port
from graph.loop import china_today
from graph.store import schema as graph_schema
from graph.store.driver import Graph, open_driver

UNITS = [make_uscc("1", "1", "320500", f"{30000000 + i:08d}") for i in range(100)]
AUTHORITY = make_uscc("1", "1", "320500", "29999999")
LIST = """mutation($input: InitiateListingInput!) { initiateListing(input: $input) {
  entry { entryId } pushes { pushId unit { uscc } } } }"""
ANSWER = """mutation($input: FeedbackInput!) { giveFeedback(input: $input) { pushId status } }"""
SUBSCRIBE = "subscription { pushes { pushId status unit { uscc } } }"
# Bench catalogue: domain → the units its BLACKLIST measures are implemented by.
CATALOGUE = {"基准测试": UNITS[:3], "基准反馈": UNITS[:8], "基准推送": UNITS}


def with_implementers(folder: Path, into: Path) -> Path:
    """A copy of a generated folder whose measures name implementer USCCs (one unit per measure)."""
    shutil.copytree(folder, into, ignore=shutil.ignore_patterns("rejects.csv", ".complete"))
    path = into / "measures.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for i, row in enumerate(rows):
        row["implementer_uscc"] = UNITS[i]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return into


async def import_with_pushes(folder: Path) -> dict:
    driver = open_driver()
    try:
        await graph_schema.apply(driver)
        importer = Importer(Graph(driver))
        started = time.perf_counter()
        reports = await importer.import_folder(folder)
        total = time.perf_counter() - started
        again = Importer(Graph(driver))  # the step alone, once more: every entry scanned, none to push
        started = time.perf_counter()
        await again.import_folder(folder / "none")  # an empty folder: no file, only the push step
        rescan = time.perf_counter() - started
        entries = (await driver.execute_query("MATCH (e:ListEntry) RETURN count(e) AS n")).records[0]["n"]
    finally:
        await driver.close()
    return {"rows": sum(r.imported for r in reports), "seconds": total, "pushed": importer.pushed,
            "push_seconds": importer.push_seconds, "entries": entries, "rescan": rescan}


async def prepare() -> tuple[str, list[str], list[str]]:
    """The bench catalogue, an AUTHORITY key and one UNIT key per unit; the organisations to list."""
    driver = open_driver()
    graph = Graph(driver)
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    try:
        await driver.execute_query("MATCH (m:Measure) WHERE NOT m.code STARTS WITH 'M-BENCH' "
                                   "REMOVE m.implementerUscc")
        rows = [{"code": f"M-BENCH-{domain}-{i}", "domain": domain, "unit": unit}
                for domain, units in CATALOGUE.items() for i, unit in enumerate(units)]
        await driver.execute_query("UNWIND $rows AS row MERGE (m:Measure {code: row.code}) "
                                   "SET m.name = row.code, m.listType = 'BLACKLIST', m.domain = row.domain, "
                                   "m.implementerName = 'unit ' + row.unit, m.implementerUscc = row.unit", rows=rows)
        _, authority = await audit.create_key(graph, role="AUTHORITY", name="bench-loop", agency_name="基准认定部门",
                                              agency_uscc=AUTHORITY, region=None, subject_kind=None, subject_id=None,
                                              now=now)
        units = [(await audit.create_key(graph, role="UNIT", name=f"bench-loop {i}", agency_name=f"unit {u}",
                                         agency_uscc=u, region=None, subject_kind=None, subject_id=None,
                                         now=now))[1] for i, u in enumerate(UNITS)]
        orgs = [r["u"] for r in (await driver.execute_query(
            "MATCH (o:Organisation) RETURN o.uscc AS u ORDER BY o.uscc")).records]
    finally:
        await driver.close()
    return authority, units, orgs


class Client:
    def __init__(self, url: str, key: str):
        self.url, self.http = url, httpx.AsyncClient(timeout=60, headers={"Authorization": f"Bearer {key}"})

    async def call(self, query: str, **variables) -> tuple[float, dict]:
        started = time.perf_counter()
        response = await self.http.post(self.url, json={"query": query, "variables": variables})
        elapsed = (time.perf_counter() - started) * 1000
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise SystemExit(f"request failed: {response.status_code} {str(body)[:400]}")
        return elapsed, body["data"]

    async def close(self) -> None:
        await self.http.aclose()


def listing(key: str, uscc: str, domain: str) -> dict:
    return {"idempotencyKey": key, "subject": {"uscc": uscc}, "listType": "BLACKLIST", "domain": domain,
            "listedOn": str(china_today()), "reason": "基准测试"}


async def listings(authority: Client, orgs: list[str], domain: str, count: int, tag: str) -> tuple[list, list]:
    """`count` listings one after the other: (latencies in ms, pushes of each)."""
    rng = random.Random(tag)
    times, pushes = [], []
    for i in range(count):
        ms, data = await authority.call(LIST, input=listing(f"{tag}-{i}", rng.choice(orgs), domain))
        times.append(ms)
        pushes.append(data["initiateListing"]["pushes"])
    return times, pushes


async def feedback(url: str, keys: dict[str, str], pushes_by_unit: dict[str, list[str]]) -> tuple[list, float]:
    """Each unit answers its pushes, one call at a time; the units at once. (latencies, answers a second)."""
    times: list[float] = []

    async def unit(uscc: str, push_ids: list[str]) -> None:
        client = Client(url, keys[uscc])
        try:
            for i, push_id in enumerate(push_ids):
                ms, _ = await client.call(ANSWER, input={"idempotencyKey": f"fb-{push_id}", "pushId": push_id,
                                                         "outcome": "APPLIED", "actedOn": str(china_today()),
                                                         "caseReference": f"案{i}"})
                times.append(ms)
        finally:
            await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(unit(u, ids) for u, ids in pushes_by_unit.items()))
    return times, len(times) / (time.perf_counter() - started)


async def subscriber(base: str, key: str) -> ClientConnection:
    ws = await connect(base.replace("http", "ws", 1) + "/graphql", subprotocols=["graphql-transport-ws"],
                       proxy=None, max_queue=None)
    await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    return ws


async def delivery(sub_base: str, authority: Client, keys: dict[str, str], units: list[str], orgs: list[str],
                   domain: str, rounds: int) -> list[float]:
    """ms from each listing call (request sent) to its push arriving at each subscribed unit."""
    sockets = {u: await subscriber(sub_base, keys[u]) for u in units}
    await asyncio.sleep(2)  # every subscription started (the protocol does not say when)
    latencies: list[float] = []
    rng = random.Random(domain)
    try:
        for i in range(rounds):
            sent = time.perf_counter()
            _, data = await authority.call(LIST, input=listing(f"d-{domain}-{len(units)}-{i}", rng.choice(orgs),
                                                               domain))
            expected = {p["unit"]["uscc"]: p["pushId"] for p in data["initiateListing"]["pushes"]}

            async def receive(uscc: str, ws: ClientConnection, expected: dict[str, str], sent: float) -> None:
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    if message["payload"]["data"]["pushes"]["pushId"] == expected[uscc]:
                        latencies.append((time.perf_counter() - sent) * 1000)
                        return

            await asyncio.gather(*(receive(u, ws, expected, sent) for u, ws in sockets.items()))
            await asyncio.sleep(rng.uniform(0.05, 0.3))  # listings arrive at random moments of the poll cycle
    finally:
        for ws in sockets.values():
            await ws.close()
    return latencies


async def api_benchmarks(args, sub_base: str, mut_base: str, authority_key: str, unit_keys: list[str],
                         orgs: list[str]) -> None:
    keys = dict(zip(UNITS, unit_keys, strict=True))
    authority = Client(f"{mut_base}/graphql", authority_key)
    try:
        await listings(authority, orgs, "基准测试", 50, "warm")  # warm plans and page cache
        # For scale on a shared machine: bench-api's standard credit file, read by a UNIT, in the same run.
        reader, rng = Client(f"{mut_base}/graphql", unit_keys[99]), random.Random(5)
        try:
            times = [(await reader.call(CREDIT_FILE, uscc=rng.choice(orgs)))[0] for _ in range(120)][20:]
        finally:
            await reader.close()
        print(f"{'(credit file read, for scale)':36} {1:>7} {percentile(times, .5):>8.1f} "
              f"{percentile(times, .95):>8.1f}")
        times, pushes = await listings(authority, orgs, "基准测试", args.listings, "list")
        assert all(len(p) == 3 for p in pushes)
        print(f"{'initiateListing (3 pushes)':36} {1:>7} {percentile(times, .5):>8.1f} {percentile(times, .95):>8.1f}")
        # giveFeedback: one unit alone, then 8 units at once.
        _, made = await listings(authority, orgs, "基准反馈", args.feedback_listings + 40, "fb")
        by_unit: dict[str, list[str]] = {u: [] for u in UNITS[:8]}
        for pushes_of_one in made:
            for p in pushes_of_one:
                by_unit[p["unit"]["uscc"]].append(p["pushId"])
        warm = {UNITS[0]: by_unit[UNITS[0]][:20]}
        await feedback(f"{mut_base}/graphql", keys, warm)
        alone = {UNITS[0]: by_unit[UNITS[0]][20:40]}
        times, _ = await feedback(f"{mut_base}/graphql", keys, alone)
        print(f"{'giveFeedback':36} {1:>7} {percentile(times, .5):>8.1f} {percentile(times, .95):>8.1f}")
        # Each unit answers in its own order (in listing order, all 8 would queue on the same subject's lock).
        together = {u: random.Random(u).sample(ids[40:], len(ids) - 40) for u, ids in by_unit.items()}
        times, rate = await feedback(f"{mut_base}/graphql", keys, together)
        print(f"{'giveFeedback, 8 units at once':36} {8:>7} {percentile(times, .5):>8.1f} "
              f"{percentile(times, .95):>8.1f} {rate:>8.0f}/s")
        for units, domain, rounds in ((UNITS[:1], "基准测试", args.rounds), (UNITS, "基准推送", args.rounds // 2)):
            latencies = await delivery(sub_base, authority, keys, units, orgs, domain, rounds)
            print(f"{f'push delivery, {len(units)} subscribed unit(s)':36} {len(units):>7} "
                  f"{percentile(latencies, .5):>8.1f} {percentile(latencies, .99):>8.1f} (p99)   "
                  f"{len(latencies)} deliveries, max {max(latencies):.0f} ms")
    finally:
        await authority.close()


def main() -> None:
    # A Neo4j just started runs its first batches slowly on a busy machine: no 20 s stop for the benchmark's own
    # import and servers (they inherit it).
    os.environ.setdefault("CREDITFILE_NEO4J_TX_TIMEOUT_SECONDS", "600")
    os.environ.setdefault("CREDITFILE_REQUEST_TIMEOUT_SECONDS", "900")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--listings", type=int, default=200, help="initiateListing calls measured")
    parser.add_argument("--feedback-listings", type=int, default=100, help="pushes each of the 8 units answers")
    parser.add_argument("--rounds", type=int, default=60, help="listings delivered to 1 unit (half to 100 units)")
    parser.add_argument("--import-only", action="store_true", help="only the import's extra time for pushes")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of the mutations' server")
    args = parser.parse_args()
    source = folder_for(args.orgs)
    with tempfile.TemporaryDirectory(prefix="creditfile-bench-loop-") as tmp, fresh_neo4j():
        folder = with_implementers(source, Path(tmp) / "folder")
        (folder / "none").mkdir()
        imported = asyncio.run(import_with_pushes(folder))
        print(f"{args.orgs:,} organisations: import of {imported['rows']:,} rows in {imported['seconds']:.1f} s, of "
              f"which pushes {imported['push_seconds']:.2f} s ({imported['pushed']:,} pushes for "
              f"{imported['entries']:,} entries, {imported['push_seconds'] / imported['seconds']:.1%}); "
              f"the push step again with nothing to push: {imported['rescan']:.2f} s")
        if args.import_only:
            return
        authority_key, unit_keys, orgs = asyncio.run(prepare())
        sub_port, mut_port = free_port(), free_port()
        subscribers, mutations = serve(sub_port, 1), serve(mut_port, args.workers)
        try:
            print(f"{'what':36} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'rate':>9}")
            asyncio.run(api_benchmarks(args, f"http://127.0.0.1:{sub_port}", f"http://127.0.0.1:{mut_port}",
                                       authority_key, unit_keys, orgs))
        finally:
            for server in (subscribers, mutations):
                server.terminate()
                server.wait()


if __name__ == "__main__":
    main()
