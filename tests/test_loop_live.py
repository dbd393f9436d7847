"""The loop as clients meet it: real server processes (uvicorn), graphql-transport-ws subscriptions, pushes made
through one process delivered to a subscriber of another within 2 s (two servers on one Neo4j, and
`--workers 2`), and Neo4j stopped between two mutations and during one (UNAVAILABLE, then a retry with the same
idempotency key ends exact)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from api.dates import today
from graph import local
from graph.store.driver import Graph
from tests import loop_world as w
from tests.keys import bearer, make_key

TODAY = str(today())
DELIVERY_SECONDS = 2.0
LIST = """mutation($input: InitiateListingInput!) { initiateListing(input: $input) {
  entry { entryId } pushes { pushId unit { uscc } } } }"""
REMOVE = """mutation($input: RemoveListingInput!) { removeListing(input: $input) { pushes { pushId status } } }"""
ANSWER = """mutation($input: FeedbackInput!) { giveFeedback(input: $input) { pushId status feedback { outcome } } }"""
SUBSCRIBE = "subscription { pushes { pushId status withdrawnOn unit { uscc } entry { entryId } } }"


def listing(key: str) -> dict:
    return {"idempotencyKey": key, "subject": {"uscc": w.A}, "listType": "BLACKLIST", "domain": "税收",
            "listedOn": TODAY, "reason": "严重失信"}


@contextmanager
def server(uri: str, workers: int = 1, **settings: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """A server process (or, with `workers`, `creditfile serve --workers N`: a parent and its N children) serving
    the app on a free port, on Neo4j `uri`."""
    port = local.free_port()
    env = {**os.environ, "NEO4J_URI": uri, "CREDITFILE_RATE_LIMIT": "100000",
           "CREDITFILE_PUBLIC_RATE_LIMIT": "100000", **settings}
    # `creditfile serve` itself when several workers are asked for (the words), else uvicorn quietly.
    command = ([sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)] if workers > 1
               else [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--port", str(port),
                     "--log-level", "warning"])
    proc = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.2)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def post(base: str, query: str, key: str, **variables) -> tuple[int, dict]:
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.post(f"{base}/graphql", json={"query": query, "variables": variables},
                                     headers=bearer(key))
    return response.status_code, response.json()


async def retried(base: str, query: str, key: str, **variables) -> tuple[int, dict]:
    """As a client does with UNAVAILABLE: the same call again (same idempotency key) after Retry-After. A Neo4j
    just started answers its first queries slowly (its JIT is cold): a request may pass the deadline once."""
    for _ in range(4):
        status, body = await post(base, query, key, **variables)
        if status != 503:
            return status, body
        await asyncio.sleep(5)
    return status, body


async def ws_open(base: str, key: str | None = None, in_payload: bool = False) -> ClientConnection:
    """A graphql-transport-ws connection, acknowledged; the key in the upgrade header or in connection_init."""
    headers = bearer(key) if key and not in_payload else None
    ws = await connect(base.replace("http", "ws", 1) + "/graphql", subprotocols=["graphql-transport-ws"],
                       additional_headers=headers, proxy=None)
    await ws.send(json.dumps({"type": "connection_init", "payload": bearer(key) if key and in_payload else {}}))
    assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
    return ws


async def ws_subscribe(ws: ClientConnection, query: str = SUBSCRIBE, op: str = "1", variables: dict | None = None,
                       settle: float = 1.5) -> None:
    await ws.send(json.dumps({"id": op, "type": "subscribe", "payload": {"query": query,
                                                                        "variables": variables or {}}}))
    await asyncio.sleep(settle)  # the protocol says nothing when a subscription has started


async def ws_next(ws: ClientConnection, seconds: float = 10) -> dict:
    message = json.loads(await asyncio.wait_for(ws.recv(), seconds))
    assert message["type"] == "next", message
    return message["payload"]


async def ws_mutation(ws: ClientConnection, query: str, op: str, **variables) -> dict:
    """A mutation over the websocket (graphql-transport-ws runs any operation): it runs in that connection's
    server process."""
    await ws.send(json.dumps({"id": op, "type": "subscribe", "payload": {"query": query, "variables": variables}}))
    payload = await ws_next(ws, 60)
    assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"id": op, "type": "complete"}
    return payload


@pytest.fixture
async def keys(graph, tmp_path) -> dict[str, str]:
    await w.load(graph, tmp_path)
    return await make_keys(graph)


async def make_keys(graph: Graph) -> dict[str, str]:
    made = {}
    for name, principal in (("authority", w.AUTHORITY), ("unit1", w.UNIT1), ("unit2", w.UNIT2)):
        made[name] = (await make_key(graph, principal.role.value, agency_name=principal.agency_name,
                                     agency_uscc=principal.agency_uscc))[1]
    return made


async def test_a_push_made_through_one_server_reaches_a_subscriber_of_another_within_2_s(graph, keys) -> None:
    uri = os.environ["NEO4J_URI"]
    with server(uri) as (a, _), server(uri) as (b, _):
        by_header = await ws_open(a, keys["unit2"])
        by_payload = await ws_open(a, keys["unit1"], in_payload=True)  # as a browser sends it
        try:
            await ws_subscribe(by_header)
            await ws_subscribe(by_payload, settle=0)
            await asyncio.sleep(1.5)
            status, body = await post(b, LIST, keys["authority"], input=listing("live-1"))
            made_at = time.monotonic()
            assert status == 200 and "errors" not in body, body
            pushes = {p["unit"]["uscc"]: p["pushId"] for p in body["data"]["initiateListing"]["pushes"]}
            for ws, unit in ((by_header, w.U2), (by_payload, w.U1)):
                got = (await ws_next(ws, DELIVERY_SECONDS + 1))["data"]["pushes"]
                assert time.monotonic() - made_at < DELIVERY_SECONDS
                assert (got["pushId"], got["status"], got["unit"]["uscc"]) == (pushes[unit], "PENDING", unit)
            # The withdrawal, made through B, reaches the subscriber on A too.
            entry_id = body["data"]["initiateListing"]["entry"]["entryId"]
            status, body = await post(b, REMOVE, keys["authority"], input={
                "idempotencyKey": "live-r", "entryId": entry_id, "removedOn": TODAY, "reason": "撤销"})
            removed_at = time.monotonic()
            assert status == 200 and "errors" not in body, body
            got = (await ws_next(by_header, DELIVERY_SECONDS + 1))["data"]["pushes"]
            assert time.monotonic() - removed_at < DELIVERY_SECONDS
            assert (got["pushId"], got["status"], got["withdrawnOn"]) == (pushes[w.U2], "WITHDRAWN", TODAY)
            # Nothing else for this unit: one message per change.
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(by_header.recv(), 1.0)
        finally:
            await by_header.close()
            await by_payload.close()


def server_pid_of(local_port: int, pids: list[int]) -> int | None:
    """Which of the server processes holds the other end of a client's TCP connection (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[2].rsplit(":", 1)[1], 16) == local_port:  # rem_address is the client's port
                inodes.add(fields[9])
    for pid in pids:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except (FileNotFoundError, PermissionError):
            continue
        if any(link == f"socket:[{inode}]" for inode in inodes for link in links):
            return pid
    return None


def children_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


async def test_with_two_workers_a_push_reaches_the_other_workers_subscriber(graph, keys) -> None:
    with server(os.environ["NEO4J_URI"], workers=2) as (base, parent):
        workers = children_of(parent.pid)
        opened: dict[int, list[tuple[str, ClientConnection]]] = {}
        try:
            # Connections land on either worker, as the kernel hands them out: open some at once (one after another
            # they may all go to the worker that accepted last), round after round, until both roles have one on
            # different workers.
            pairs: list[tuple[int | None, int | None]] = []
            for _ in range(10):
                roles = ["unit2", "authority"] * 3
                for role, ws in zip(roles, await asyncio.gather(*(ws_open(base, keys[r]) for r in roles)),
                                    strict=True):
                    opened.setdefault(server_pid_of(ws.local_address[1], workers), []).append((role, ws))
                pairs = [(s, m) for s in opened for m in opened if s != m
                         and any(r == "unit2" for r, _ in opened[s]) and any(r == "authority" for r, _ in opened[m])]
                if pairs:
                    break
                await asyncio.sleep(0.5)
            assert pairs, f"every connection landed on one worker: {list(opened)}"
            sub_pid, mut_pid = pairs[0]
            assert None not in (sub_pid, mut_pid) and sub_pid != mut_pid
            subscriber = next(ws for r, ws in opened[sub_pid] if r == "unit2")
            author = next(ws for r, ws in opened[mut_pid] if r == "authority")
            await ws_subscribe(subscriber)
            made = await ws_mutation(author, LIST, "m1", input=listing("workers-1"))
            made_at = time.monotonic()
            assert "errors" not in made, made
            mine = next(p["pushId"] for p in made["data"]["initiateListing"]["pushes"] if p["unit"]["uscc"] == w.U2)
            got = (await ws_next(subscriber, DELIVERY_SECONDS + 1))["data"]["pushes"]
            assert time.monotonic() - made_at < DELIVERY_SECONDS and got["pushId"] == mine
        finally:
            for connections in opened.values():
                for _, ws in connections:
                    await ws.close()


async def test_subscription_refusals(graph, keys) -> None:
    with server(os.environ["NEO4J_URI"]) as (base, _):
        # Not a unit: the subscription is refused with FORBIDDEN before it starts.
        ws = await ws_open(base, keys["authority"], in_payload=True)
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message["type"] == "error" and message["payload"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "pushes is for UNIT" in message["payload"][0]["message"]
        await ws.close()
        # A bad credential in connection_init: closed with 4401 and the reason.
        ws = await connect(base.replace("http", "ws", 1) + "/graphql", subprotocols=["graphql-transport-ws"],
                           proxy=None)
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer cfk_nope_nope"}}))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd.code == 4401 and "unknown API key" in closed.value.rcvd.reason
        # A bad credential in the upgrade's header: the upgrade is refused.
        with pytest.raises(InvalidStatus):
            await connect(base.replace("http", "ws", 1) + "/graphql", subprotocols=["graphql-transport-ws"],
                          additional_headers=bearer("cfk_nope_nope"), proxy=None)
        # Without a credential, PUBLIC: FORBIDDEN too.
        ws = await ws_open(base)
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message["payload"][0]["extensions"]["code"] == "FORBIDDEN"
        await ws.close()


# --- Neo4j goes away ---

# Another process holds the write lock on a push in an open transaction, until it is killed.
HOLD_LOCK = """
import sys, time
from neo4j import GraphDatabase
with GraphDatabase.driver(sys.argv[1]) as driver, driver.session() as session:
    tx = session.begin_transaction()
    tx.run("MATCH (p:Push {pushId: $p}) SET p._lock = true", p=sys.argv[2]).consume()
    print("locked", flush=True)
    time.sleep(600)
"""

async def test_neo4j_stopped_during_a_mutation_and_between_two_then_retries_end_exact(tmp_path) -> None:
    from neo4j import AsyncGraphDatabase

    from graph.store import schema as graph_schema

    data, port = tmp_path / "neo4j", local.free_port()
    instance = await asyncio.to_thread(local.start, port=port, data=data)
    driver = AsyncGraphDatabase.driver(instance.uri, notifications_min_severity="OFF")
    try:
        await graph_schema.apply(driver)
        graph = Graph(driver)
        await w.load(graph, tmp_path / "world")
        keys = await make_keys(graph)
        with server(instance.uri, CREDITFILE_REQUEST_TIMEOUT_SECONDS="60") as (base, _):
            status, body = await post(base, LIST, keys["authority"], input=listing("outage-1"))
            assert status == 200 and "errors" not in body, body
            pushes = {p["unit"]["uscc"]: p["pushId"] for p in body["data"]["initiateListing"]["pushes"]}
            calls = [  # (key, query, input): the answer stopped half-way, then two made while Neo4j is down
                ("unit2", ANSWER, {"idempotencyKey": "outage-during", "pushId": pushes[w.U2],
                                   "outcome": "NOT_APPLICABLE", "actedOn": TODAY}),
                ("unit1", ANSWER, {"idempotencyKey": "outage-between", "pushId": pushes[w.U1], "outcome": "APPLIED",
                                   "actedOn": TODAY}),
                ("authority", LIST, listing("outage-2")),
            ]

            # During one: the answer waits inside its transaction on a lock another process holds; Neo4j stops.
            holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, instance.uri, pushes[w.U2]],
                                      stdout=subprocess.PIPE, text=True)
            try:
                assert (await asyncio.to_thread(holder.stdout.readline)).strip() == "locked"
                key, query, given = calls[0]
                in_flight = asyncio.create_task(post(base, query, keys[key], input=given))
                await asyncio.sleep(2)
                assert not in_flight.done()  # waiting for the lock
                await asyncio.to_thread(local.stop, data)
                refusals = [await in_flight]
            finally:
                holder.kill()
                holder.wait()
                holder.stdout.close()
            # Between two mutations: the next ones, while Neo4j is down.
            for key, query, given in calls[1:]:
                refusals.append(await post(base, query, keys[key], input=given))
            for status, body in refusals:  # UNAVAILABLE, as HTTP 503 with Retry-After
                assert status == 503 and body["errors"][0]["extensions"]["code"] == "UNAVAILABLE", body

            await asyncio.to_thread(local.start, port=port, data=data)
            listed = []
            for _ in range(2):  # the retries with the same keys, and a retry of each: the first results
                results = [await retried(base, query, keys[key], input=given) for key, query, given in calls]
                assert [status for status, _ in results] == [200] * 3, results
                assert results[0][1]["data"]["giveFeedback"]["feedback"] == {"outcome": "NOT_APPLICABLE"}
                assert results[1][1]["data"]["giveFeedback"]["feedback"] == {"outcome": "APPLIED"}
                listed.append(results[2][1]["data"]["initiateListing"]["entry"]["entryId"])
            assert listed[0] == listed[1]

        # Exact: each push answered once, two events per answer, one key per call, three pushes per listing.
        counts = (await driver.execute_query(
            "RETURN COUNT { MATCH (p:Push) WHERE p.answeredAt IS NOT NULL } AS answered, "
            "COUNT { MATCH (e:Event) WHERE e.eventType IN ['PUNISHMENT_RESPONDED', 'PUNISHMENT_FEEDBACK'] } AS events, "
            "COUNT { MATCH (k:IdempotencyKey) } AS keys, COUNT { MATCH (p:Push) } AS pushes, "
            "COUNT { MATCH (e:ListEntry) } AS entries, COUNT { MATCH (p:Push) WHERE p._lock IS NOT NULL } AS locks"
        )).records[0]
        assert dict(counts) == {"answered": 2, "events": 4, "keys": 4, "pushes": 6, "entries": 2, "locks": 0}
    finally:
        await driver.close()
        await asyncio.to_thread(local.stop, data)
