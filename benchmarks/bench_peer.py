"""Side by side with @neo4j/graphql (issue 12): our server and the peer (benchmarks/peer: @neo4j/graphql served by
graphql-yoga on Node, typeDefs mirroring our graph) on one local Neo4j holding the generated set, over HTTP from
this process. Cells (benchmarks/peer_cells.py says what each peer query fetches): the credit file of bench-api,
1 and 8 clients; the same without risk, measures and accountable persons, 1 and 8; org → legal representatives →
their organisations → records(first 10), 1 and 8; a screening of 1,000 codes, 1 client.

Ours acts as bench-api's UNIT credential (each read written to the access log); the peer has no credentials and
no log. Both are sent the same organisations in the same order, in rounds taken in turn (ours, peer, peer, ours,
…), after both are warmed on other organisations. Per cell and server: p50, p95, requests/s, and CPU per request
of the server's process and of Neo4j's (/proc/<pid>/stat utime+stime around each round). Then both answers for
the first --compare organisations (and 3 screening batches) are brought to one form and compared part by part.

    make bench-peer                      # 100,000 organisations
    make bench-peer ARGS="--orgs 10000 --requests 200"
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx

from benchmarks import peer_cells
from benchmarks.bench_api import serve, unit_key
from benchmarks.common import BENCH_DATA, loaded_neo4j, percentile, wait_ready
from graph import local
from graph.local import free_port
from graph.store.driver import open_driver

PEER_DIR = Path(__file__).parent / "peer"
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


# ---- CPU of a process and its descendants, from /proc ----

def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the task ended meanwhile
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_ticks(pid: int) -> int:
    """utime + stime of the process and of its living descendants, in clock ticks."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state is field 3 of proc(5)
    return int(fields[11]) + int(fields[12]) + sum(cpu_ticks(child) for child in _children(pid))


# ---- the servers ----

def peer_versions() -> dict[str, str]:
    done = subprocess.run(["node", str(PEER_DIR / "server.mjs"), "--versions"], capture_output=True, text=True,
                          check=True)
    versions: dict[str, str] = json.loads(done.stdout)
    versions["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return versions


def serve_peer(port: int, uri: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEO4J_URI": uri}
    proc = subprocess.Popen(["node", str(PEER_DIR / "server.mjs"), str(port)], env=env)
    return wait_ready(proc, f"http://127.0.0.1:{port}/healthz", "the peer")


@dataclass
class Side:
    name: str
    url: str
    pid: int
    headers: dict[str, str]
    client: httpx.AsyncClient | None = None
    stats: list[dict[str, Any]] = field(default_factory=list)  # our queryStats of the last run, request by request


@dataclass
class Tally:
    """One server's figures in one cell."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    server_ticks: int = 0
    neo4j_ticks: int = 0
    trips: list[int] = field(default_factory=list)  # ours: Cypher round trips per request (the log write counts)
    db_ms: list[float] = field(default_factory=list)  # ours: Neo4j's own time per request, as the driver reports
    queries: list[str] = field(default_factory=list)  # ours: the named queries of the first request


async def run(side: Side, bodies: list[dict[str, Any]], clients: int) -> tuple[list[float], float, list[Any]]:
    """Send the bodies with `clients` concurrent clients; (latencies ms, wall seconds, answers). An answer is the
    response's data and, from our server, its `extensions.queryStats` (CREDITFILE_QUERY_STATS=1, as bench-api)."""
    assert side.client is not None
    latencies, answers = [0.0] * len(bodies), [None] * len(bodies)
    stats: list[dict[str, Any]] = [{}] * len(bodies)
    counter = iter(range(len(bodies)))

    async def worker() -> None:
        assert side.client is not None
        for i in counter:
            started = time.perf_counter()
            response = await side.client.post(side.url, json=bodies[i], headers=side.headers)
            latencies[i] = (time.perf_counter() - started) * 1000
            payload = response.json()
            if response.status_code != 200 or payload.get("errors"):
                raise SystemExit(f"{side.name}: request failed: {response.status_code} {str(payload)[:500]}")
            answers[i] = payload["data"]
            stats[i] = payload.get("extensions", {}).get("queryStats", {})

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    side.stats = stats
    return latencies, time.perf_counter() - started, answers


async def timed(sides: tuple[Side, Side], bodies: Callable[[Side, int], dict[str, Any]], requests: int,
                clients: int, rounds: int, neo4j_pid: int) -> dict[str, Tally]:
    """The same request sequence to both servers, in rounds taken in turn; CPU read around each round."""
    tallies = {side.name: Tally() for side in sides}
    rounds = max(1, min(rounds, requests))
    for r in range(rounds):
        indices = range(r * requests // rounds, (r + 1) * requests // rounds)
        for side in sides if r % 2 == 0 else sides[::-1]:
            server, neo4j = cpu_ticks(side.pid), cpu_ticks(neo4j_pid)
            latencies, wall, _ = await run(side, [bodies(side, i) for i in indices], clients)
            tally = tallies[side.name]
            tally.server_ticks += cpu_ticks(side.pid) - server
            tally.neo4j_ticks += cpu_ticks(neo4j_pid) - neo4j
            tally.latencies += latencies
            tally.wall += wall
            tally.trips += [q["roundTrips"] for q in side.stats if q]
            tally.db_ms += [q["dbMs"] for q in side.stats if q]
            tally.queries = tally.queries or next((q["queries"] for q in side.stats if q), [])
    return tallies


# ---- the run ----

def screening(side: Side, batch: list[str]) -> dict[str, Any]:
    ours, peer = peer_cells.screen_bodies(batch)
    return ours if side.name == "ours" else peer


async def sample() -> tuple[list[str], list[str]]:
    driver = open_driver()
    rows, _, _ = await driver.execute_query(
        "MATCH (o:Organisation) WHERE EXISTS { (o)-[:RECORD]->() } RETURN o.uscc AS u ORDER BY o.uscc")
    with_records = [r["u"] for r in rows]
    rows, _, _ = await driver.execute_query("MATCH (o:Organisation) RETURN o.uscc AS u ORDER BY o.uscc")
    everyone = [r["u"] for r in rows]
    await driver.close()
    return random.Random(7).sample(with_records, min(600, len(with_records))), everyone


def row(cell: str, clients: int, side: str, tally: Tally, requests: int, extra: str = "") -> str:
    return (f"{cell:40} {clients:>7}  {side:5} {percentile(tally.latencies, 0.5):>8.1f} "
            f"{percentile(tally.latencies, 0.95):>8.1f} {requests / tally.wall:>7.1f} "
            f"{tally.server_ticks * TICK_MS / requests:>10.1f} {tally.neo4j_ticks * TICK_MS / requests:>9.1f}"
            f"{extra}")


def print_pair(cell: str, clients: int, tallies: dict[str, Tally], requests: int) -> None:
    ours, peer = tallies["ours"], tallies["peer"]
    ratio = percentile(ours.latencies, 0.5) / percentile(peer.latencies, 0.5)
    db = f"   trips {sum(ours.trips) / len(ours.trips):.1f}, Neo4j time p50 {percentile(ours.db_ms, 0.5):.1f} ms" \
        if ours.trips else ""
    print(row(cell, clients, "ours", ours, requests, db))
    print(row("", clients, "peer", peer, requests, f"   ours/peer p50 {ratio:.2f}×"), flush=True)


async def compare(sides: tuple[Side, Side], targets: list[str], batches: list[list[str]]) -> None:
    """Both answers for the same organisations, part by part; the count of organisations that differ."""
    ours, peer = sides
    print(f"\nanswers compared ({len(targets)} organisations; screening: {len(batches)} batches of "
          f"{len(batches[0]) if batches else 0}):")
    for cell in peer_cells.CELLS:
        _, _, mine = await run(ours, [cell.ours_body(u) for u in targets], 4)
        _, _, theirs = await run(peer, [cell.peer_body(u) for u in targets], 4)
        pairs = [(u, cell.ours_parts(a), cell.peer_parts(b)) for u, a, b in zip(targets, mine, theirs, strict=True)]
        report(cell.name, pairs)
    pairs = []
    for batch in batches:
        body_ours, body_peer = peer_cells.screen_bodies(batch)
        _, _, (mine_screen,) = await run(ours, [body_ours], 1)
        _, _, (their_screen,) = await run(peer, [body_peer], 1)
        by_uscc_ours, by_uscc_peer = peer_cells.ours_screen(mine_screen), peer_cells.peer_screen(their_screen)
        pairs += [(u, by_uscc_ours.get(u, {}), by_uscc_peer.get(u, {"found": False})) for u in batch]
    report("screening 1,000 codes", pairs)


def report(cell: str, pairs: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> None:
    parts: Counter[str] = Counter()
    example = None
    differing = 0
    for uscc, mine, theirs in pairs:
        diff = peer_cells.differences(mine, theirs)
        differing += bool(diff)
        parts.update(diff)
        if diff and example is None:
            example = (uscc, diff[0], mine.get(diff[0]), theirs.get(diff[0]))
    by_part = ", ".join(f"{p} {n}" for p, n in parts.most_common()) or "none"
    print(f"  {cell:40} {differing:>4} of {len(pairs)} differ   (by part: {by_part})")
    if example:
        uscc, part, mine_part, their_part = example
        print(f"      e.g. {uscc} {part}:\n        ours {json.dumps(mine_part, ensure_ascii=False, default=str)[:600]}"
              f"\n        peer {json.dumps(their_part, ensure_ascii=False, default=str)[:600]}")


async def warm_up(sides: tuple[Side, Side], warm: list[str], batches: list[list[str]]) -> None:
    """Steady state for both: plans, page cache and (the peer) the JIT, on other organisations than measured."""
    for side in sides:
        for cell in peer_cells.CELLS:
            body = cell.ours_body if side.name == "ours" else cell.peer_body
            count = 300 if cell is peer_cells.CELLS[0] else 100
            await run(side, [body(warm[i % len(warm)]) for i in range(count)], 2)
        await run(side, [screening(side, b) for b in batches], 1)


async def measure(sides: tuple[Side, Side], args: argparse.Namespace, warm: list[str], targets: list[str],
                  batches: list[list[str]], neo4j_pid: int) -> None:
    for side in sides:
        side.client = httpx.AsyncClient(timeout=120)
    try:
        await warm_up(sides, warm, batches[-3:])
        print(f"{'cell':40} {'clients':>7}  {'side':5} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} "
              f"{'server CPU':>10} {'Neo4j CPU':>9}   (CPU: ms per request)")
        named: dict[str, list[str]] = {}
        for cell in peer_cells.CELLS:
            for clients in (1, 8):
                def body(side: Side, i: int, cell: peer_cells.Cell = cell) -> dict[str, Any]:
                    uscc = targets[i % len(targets)]
                    return cell.ours_body(uscc) if side.name == "ours" else cell.peer_body(uscc)

                tallies = await timed(sides, body, args.requests, clients, args.rounds, neo4j_pid)
                print_pair(cell.name, clients, tallies, args.requests)
                named[cell.name] = named.get(cell.name) or tallies["ours"].queries
        tallies = await timed(sides, lambda side, i: screening(side, batches[i]), args.screens, 1, args.rounds,
                              neo4j_pid)
        print_pair("screening 1,000 codes", 1, tallies, args.screens)
        named["screening 1,000 codes"] = tallies["ours"].queries
        print("\nour named Cypher queries in one request, in the round trips counted as trips above (the peer: one "
              "statement per top-level field):")
        for cell_name, names in named.items():
            print(f"  {cell_name:40} {', '.join(names)}")
        await compare(sides, targets[:args.compare], batches[:3])
    finally:
        for side in sides:
            if side.client is not None:
                await side.client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="per cell, client count and server")
    parser.add_argument("--screens", type=int, default=20, help="screenings of 1,000 codes per server")
    parser.add_argument("--rounds", type=int, default=4, help="rounds each cell is cut into, taken in turn")
    parser.add_argument("--compare", type=int, default=450, help="organisations whose answers are compared")
    args = parser.parse_args()
    if not (PEER_DIR / "node_modules" / "@neo4j" / "graphql").is_dir():
        raise SystemExit(f"the peer is not installed: run `npm ci --prefix {PEER_DIR}` (make bench-peer does)")
    versions = peer_versions()
    with loaded_neo4j(args.orgs) as uri:
        instance = local.status((BENCH_DATA / f"neo4j-{args.orgs}-seed-2026").resolve())  # as loaded_neo4j names it
        assert instance is not None, "the benchmark's Neo4j is not running"
        sampled, everyone = asyncio.run(sample())
        key = asyncio.run(unit_key())
        warm, targets = sampled[:150], sampled[150:]
        rng = random.Random(11)
        batches = [rng.sample(everyone, min(1000, len(everyone))) for _ in range(args.screens + 3)]
        ours_port, peer_port = free_port(), free_port()
        ours_server = serve(ours_port, 1)
        try:
            peer_server = serve_peer(peer_port, uri)
        except BaseException:
            ours_server.terminate()
            raise
        try:
            print(f"{args.orgs:,} organisations on one Neo4j {local.NEO4J_VERSION}; ours: one uvicorn process, "
                  f"UNIT key (access log written); peer: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
            print(f"{args.requests} requests per cell and server in {args.rounds} rounds taken in turn; "
                  f"load average at start {os.getloadavg()[0]:.2f}", flush=True)
            sides = (Side("ours", f"http://127.0.0.1:{ours_port}/graphql", ours_server.pid,
                          {"Authorization": f"Bearer {key}"}),
                     Side("peer", f"http://127.0.0.1:{peer_port}/graphql", peer_server.pid, {}))
            asyncio.run(measure(sides, args, warm, targets, batches, instance.pid))
            print(f"load average at the end {os.getloadavg()[0]:.2f}")
        finally:
            for proc in (ours_server, peer_server):
                proc.terminate()
                proc.wait()


if __name__ == "__main__":
    main()
