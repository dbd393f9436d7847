"""The HTTP edge: GraphQL over HTTP (graphql-http's audit), body limits and timeouts, the request deadline,
cancelling the work of a client that left, bounded document caches, and the structured request log."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from graphql import DocumentNode
from neo4j.exceptions import SessionExpired
from starlette.testclient import TestClient

import settings
from api import http
from api.app import CreditfileGraphQL, create_app
from api.context import new_context
from api.document_cache import BoundedCache
from api.logs import JsonLines
from api.schema import build_schema
from graph import local
from graph.errors import RateLimited, Unavailable
from graph.identifiers import make_resident_id
from graph.store.driver import Graph
from queries import Mode, Query

AUDIT = Path(__file__).with_name("audit")
TYPENAME = {"query": "{ __typename }"}
USCC = "91440300MA0CF0A11H"  # invented, as A of tests/scenario.py
ORGANISATION = {"query": f'{{ organisation(uscc: "{USCC}") {{ name }} }}'}


@pytest.fixture
def configure(monkeypatch):
    """Set CREDITFILE_ settings for the apps this test creates; restored (and the cache cleared) afterwards."""
    def set_env(**env: object) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, str(value))
        settings.app.cache_clear()

    yield set_env
    monkeypatch.undo()
    settings.app.cache_clear()


@pytest.fixture
def client(graph):
    with TestClient(create_app()) as client:
        yield client


@contextmanager
def served(app) -> Iterator[tuple[str, int]]:
    """The app under a real uvicorn on a free port, in a thread: what a socket-level client needs."""
    port = local.free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, loop="asyncio", ws="none",
                                           log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(30)


def raw(host: str, port: int, head: str) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=10)
    sock.sendall(head.encode())
    return sock


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """Status and everything the server sent until it closed the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return int(data.split(b" ", 2)[1]), data


def errors_of(response) -> list[dict]:
    body = response.json()
    assert "data" not in body, body
    return body["errors"]


# --- 1. Request bodies and GraphQL over HTTP ---------------------------------------------------------------

@pytest.mark.parametrize("body, kind", [
    (b'"x"', "a string"), (b"42", "a number"), (b"null", "null"), (b"[]", "an array"),
    (b'{"query": "{ __typename }\xff"}', "not valid UTF-8"), (b'{ "not a JSON', "not JSON"), (b"", "empty"),
])
def test_a_body_that_is_not_a_json_object_is_400_saying_what_to_send(client, body, kind) -> None:
    response = client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    [error] = errors_of(response)
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert kind in error["message"] and 'send a JSON object such as {"query"' in error["message"]


@pytest.mark.parametrize("content_type", ["application/jsonx", "text/plain", "application/json; charset=latin-1",
                                          None])
def test_anything_but_json_is_415(client, content_type) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/graphql", content=json.dumps(TYPENAME).encode(), headers=headers)
    assert response.status_code == 415
    [error] = errors_of(response)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "application/json" in error["message"]


def test_non_string_operation_name_is_400(client) -> None:
    response = client.post("/graphql", json={**TYPENAME, "operationName": 3})
    assert response.status_code == 400
    assert errors_of(response)[0]["message"] == "`operationName` must be a string or null."


def test_request_errors_are_4xx_only_for_graphql_response_json(client) -> None:
    invalid = {"query": "{ noSuchField }"}
    strict = client.post("/graphql", json=invalid, headers={"Accept": "application/graphql-response+json"})
    assert strict.status_code == 400
    assert strict.headers["content-type"] == "application/graphql-response+json"
    assert errors_of(strict)[0]["extensions"]["code"] == "BAD_USER_INPUT"
    legacy = client.post("/graphql", json=invalid, headers={"Accept": "application/json"})
    assert legacy.status_code == 200 and legacy.headers["content-type"] == "application/json"
    assert errors_of(legacy)  # a request error has no data entry, whatever the media type
    ok = client.post("/graphql", json=TYPENAME, headers={"Accept": "application/graphql-response+json"})
    assert ok.status_code == 200 and ok.json() == {"data": {"__typename": "Query"}}
    assert ok.headers["content-type"] == "application/graphql-response+json"


@pytest.mark.parametrize("accept, media", [
    (None, http.JSON), ("*/*", http.JSON), ("application/json", http.JSON), ("text/html", http.JSON),
    ("application/graphql-response+json", http.GRAPHQL_JSON),
    ("application/json, application/graphql-response+json", http.GRAPHQL_JSON),
    ("application/graphql-response+json;q=0.5, application/json", http.JSON),
    ("application/graphql-response+json;q=0", http.JSON),
])
def test_response_media_type(accept, media) -> None:
    assert http.response_media_type(accept) == media


def test_graphql_over_http_audit_passes(neo4j_uri, configure) -> None:
    """graphql-http's audit (tests/audit, installed by `make install`): every MUST, SHOULD and MAY passes.
    Introspection and a high rate limit for PUBLIC: the audit asks `__type` some 70 times from one address."""
    node = shutil.which("node")
    assert node, "Node.js 18+ is needed for the GraphQL-over-HTTP audit (see the Makefile's install rule)"
    assert (AUDIT / "node_modules" / "graphql-http").is_dir(), "run `make install` (npm ci in tests/audit)"
    configure(CREDITFILE_PUBLIC_INTROSPECTION=1, CREDITFILE_PUBLIC_RATE_LIMIT=100_000)
    with served(create_app()) as (host, port):
        done = subprocess.run([node, "audit.js", f"http://{host}:{port}/graphql"], cwd=AUDIT, capture_output=True,
                              text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) >= 60
    assert [r for r in results if r["status"] == "error"] == []  # MUST
    assert [r for r in results if r["status"] == "warn"] == []  # SHOULD
    assert [r for r in results if r["status"] != "ok"] == []  # MAY


# --- 2. Body size and body time ----------------------------------------------------------------------------

def test_a_body_over_the_limit_is_413(client) -> None:
    big = {"query": "{ __typename }", "variables": {"pad": "x" * 1_100_000}}
    response = client.post("/graphql", json=big)
    assert response.status_code == 413
    assert errors_of(response)[0]["message"].startswith("The body is larger than 1,048,576 bytes")

    def chunks():  # no Content-Length: chunked transfer encoding
        yield b'{"query": "{ __typename }", "variables": {"pad": "'
        for _ in range(12):
            yield b"x" * 100_000
        yield b'"}}'

    response = client.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


async def _drive(middleware, content_length: int | None, chunks: int, size: int) -> tuple[list, int]:
    """Runs a middleware over an app that reads the whole body; returns what was sent and the chunks read."""
    read = 0

    async def receive():
        nonlocal read
        read += 1
        return {"type": "http.request", "body": b"x" * size, "more_body": read < chunks}

    async def app(scope, receive, send):
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read it all"})

    sent: list = []

    async def send(message):
        sent.append(message)

    headers = [(b"content-length", str(content_length).encode())] if content_length is not None else []
    await middleware(app)({"type": "http", "headers": headers}, receive, send)
    return sent, read


async def test_the_limit_counts_bytes_read_not_what_content_length_says() -> None:
    limit = lambda app: http.BodyLimit(app, max_bytes=1_000_000)  # noqa: E731
    for content_length in (None, 100):  # chunked, and a Content-Length that lies
        sent, read = await _drive(limit, content_length, chunks=500, size=100_000)
        assert sent[0]["status"] == 413 and (b"connection", b"close") in sent[0]["headers"]
        assert read == 11  # refused at the first chunk past 1 MB, not after reading 50 MB
    sent, read = await _drive(limit, 52_428_800, chunks=500, size=100_000)
    assert sent[0]["status"] == 413 and read == 0  # announced 50 MB: refused before reading anything
    sent, _ = await _drive(limit, 900_000, chunks=9, size=100_000)
    assert sent[0]["status"] == 200


def test_50_mb_announced_is_refused_at_once_and_the_connection_closed(graph) -> None:
    with served(create_app()) as (host, port):
        sock = raw(host, port, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               "Content-Length: 52428800\r\n\r\n")
        started = time.monotonic()
        status, data = read_response(sock)  # returns only once the server has closed the connection
        assert status == 413 and b"larger than 1,048,576 bytes" in data
        assert time.monotonic() - started < 2
        sock.close()


def test_a_client_sending_a_byte_at_a_time_gets_408(graph, configure) -> None:
    configure(CREDITFILE_BODY_TIMEOUT_SECONDS=1)
    with served(create_app()) as (host, port):
        sock = raw(host, port, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               "Content-Length: 1000\r\n\r\n")
        with sock:
            started = time.monotonic()
            sock.settimeout(0.2)
            answer = b""
            for _ in range(100):  # 20 s at most: a byte every 0.2 s until the server answers
                try:
                    sock.sendall(b" ")
                    answer += sock.recv(65536)
                except TimeoutError:
                    continue
                except OSError:  # closed by the server
                    break
                if answer:
                    break
            answered = time.monotonic()
            sock.settimeout(5)
            while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < body_length(answer):
                more = sock.recv(65536)  # the body may follow the head in another segment
                if not more:
                    break
                answer += more
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert b"did not arrive within 1 s" in answer
        assert answered - started < 5


def body_length(answer: bytes) -> int:
    """The Content-Length of a raw HTTP answer's head (0 when it has none yet)."""
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


# --- 3. Deadlines, the Neo4j transaction timeout, cancelling on disconnect -----------------------------------

class SlowGraph:
    """Graph.run made to wait, noting (across threads) that it started and whether it was cancelled."""

    def __init__(self, monkeypatch, seconds: float = 60):
        self.started, self.cancelled = threading.Event(), threading.Event()

        async def slow_run(graph, query, **params):
            self.started.set()
            try:
                await asyncio.sleep(seconds)
            except asyncio.CancelledError:
                self.cancelled.set()
                raise
            return []

        monkeypatch.setattr(Graph, "run", slow_run)


def test_a_request_past_the_deadline_is_503_unavailable_and_its_work_cancelled(graph, configure, monkeypatch):
    configure(CREDITFILE_REQUEST_TIMEOUT_SECONDS=0.5)
    slow = SlowGraph(monkeypatch)
    with TestClient(create_app()) as client:
        started = time.monotonic()
        response = client.post("/graphql", json=ORGANISATION)
    assert time.monotonic() - started < 5
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    [error] = errors_of(response)
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["message"].startswith("The request took longer than 0.5 s and was stopped")
    assert slow.cancelled.is_set()


SLOW_CYPHER = Query(name="test_slow_count", mode=Mode.READ,
                    text="UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(*) AS n")


async def test_neo4j_stops_a_query_past_the_transaction_timeout(graph, configure) -> None:
    configure(CREDITFILE_NEO4J_TX_TIMEOUT_SECONDS=0.5)
    with TestClient(create_app(apply_schema=False)) as client:
        assert client.app.state.graph.tx_timeout == 0.5  # the served graph passes the setting with each query
    for causal_reads in (False, True):  # auto-commit session.run, and execute_query
        slow = Graph(graph.driver, causal_reads=causal_reads)
        started = time.monotonic()
        with pytest.raises(Unavailable, match=r"The query took longer than 0\.5 s and was stopped"):
            async with asyncio.timeout(30):  # without the timeout, Neo4j counts for minutes
                await slow.run(SLOW_CYPHER)
        assert time.monotonic() - started < 10


async def test_a_client_that_disconnects_has_its_resolvers_cancelled(graph, monkeypatch, caplog) -> None:
    caplog.set_level(logging.INFO, logger="creditfile.http")
    slow = SlowGraph(monkeypatch)
    body = json.dumps(ORGANISATION)
    with served(create_app()) as (host, port):
        sock = raw(host, port, f"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               f"Content-Length: {len(body)}\r\n\r\n{body}")
        assert slow.started.wait(10), "the resolver did not start"
        sock.close()
        assert slow.cancelled.wait(5), "the resolver ran on after the client left"
        deadline = time.monotonic() + 5
        while not [r for r in caplog.records if getattr(r, "status", None) == 499] and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [r.path for r in caplog.records if getattr(r, "status", None) == 499] == ["/graphql"]


# --- 4. Bounded memory ---------------------------------------------------------------------------------------

def test_the_document_cache_keeps_small_documents_within_its_budget() -> None:
    cache = BoundedCache(max_item=20_000, budget=100_000)
    cache.put("large", object(), 30_000)
    assert cache.get("large") is None
    for i in range(50):
        cache.put(i, i, 10_000)
        cache.get(0)  # kept, as recently used
    assert len(cache) == 10 and cache.size == 100_000
    assert cache.get(0) == 0 and cache.get(49) == 49 and cache.get(1) is None


async def test_large_distinct_documents_are_not_kept_in_memory(graph) -> None:
    schema = build_schema()
    context = new_context(Graph(graph.driver, causal_reads=False))
    for i in range(12):  # distinct, 30 KB each, valid (the text is a comment)
        result = await schema.execute(f"{{ __typename }} # {i} {'x' * 30_000}", context_value=context)
        assert result.errors is None
    del result
    gc.collect()
    kept = [o for o in gc.get_objects() if isinstance(o, DocumentNode) and o.loc and len(o.loc.source.body) > 20_000]
    assert kept == [], f"{len(kept)} large documents still referenced"


async def test_a_small_document_is_parsed_once(graph, monkeypatch) -> None:
    import strawberry.schema.schema as strawberry_schema

    parsed = []
    real_parse = strawberry_schema.parse
    monkeypatch.setattr(strawberry_schema, "parse", lambda *a, **k: parsed.append(1) or real_parse(*a, **k))
    schema = build_schema()
    context = new_context(Graph(graph.driver, causal_reads=False))
    for _ in range(3):
        assert (await schema.execute("query Once { __typename }", context_value=context)).errors is None
    assert len(parsed) == 1


def test_the_body_limit_applies_before_the_parser(client, monkeypatch) -> None:
    import strawberry.schema.schema as strawberry_schema

    monkeypatch.setattr(strawberry_schema, "parse", lambda *a, **k: pytest.fail("a 5 MB document was parsed"))
    response = client.post("/graphql", json={"query": "{ __typename }" + " " * 5_000_000})
    assert response.status_code == 413


def formatted(caplog) -> list[str]:
    """The log lines as the server writes them (api.logs.JsonLines)."""
    formatter = JsonLines()
    return [formatter.format(record) for record in caplog.records]


def test_a_failing_query_never_writes_its_document_to_the_log(client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    document = '{ organisation(uscc: "' + "Q" * 50_000 + '" { name } }'  # a parse error on a one-line document
    response = client.post("/graphql", json={"query": document})
    assert response.status_code == 200 and errors_of(response)[0]["extensions"]["code"] == "BAD_USER_INPUT"
    lines = formatted(caplog)
    assert lines and not [line for line in lines if "QQQQQQQQ" in line]


def test_a_field_error_logs_no_document_and_no_full_id_number(client, caplog, monkeypatch) -> None:
    id_number = make_resident_id("110105", date(1949, 12, 31), 1)  # 110105194912310011

    async def broken(graph, query, **params):
        raise RuntimeError(f"cannot read {params}")  # a defect of ours that echoes its input

    monkeypatch.setattr(Graph, "run", broken)
    caplog.set_level(logging.DEBUG)
    document = f'query Find($first: Int) {{ search(text: "{id_number}", first: $first) {{ totalCount }} }}'
    response = client.post("/graphql", json={"query": document, "variables": {"first": 3}})
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    lines = formatted(caplog)
    internal = [line for line in lines if "RuntimeError" in line]
    assert internal, lines  # the defect is logged with its traceback...
    assert not [line for line in lines if id_number in line or "search(text" in line]  # ...without either
    assert "110105********0011" in internal[0]  # masked as the API masks it


# --- 5. The request log -------------------------------------------------------------------------------------

def request_lines(caplog) -> list[dict]:
    return [json.loads(JsonLines().format(r)) for r in caplog.records
            if r.name == "creditfile.http" and r.getMessage() == "request"]


def test_one_json_line_per_request_with_its_id(client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="creditfile.http")
    response = client.post("/graphql", headers={"X-Request-Id": "probe-0001"},
                           json={"query": "query Probe($n: Int) { __typename }", "variables": {"n": 7},
                                 "operationName": "Probe"})
    assert response.status_code == 200 and response.headers["X-Request-Id"] == "probe-0001"
    [line] = request_lines(caplog)
    assert {k: v for k, v in line.items() if k not in ("timestamp", "duration_ms")} == {
        "level": "INFO", "logger": "creditfile.http", "message": "request", "request_id": "probe-0001",
        "method": "POST", "path": "/graphql", "status": 200, "operation_name": "Probe", "operation_type": "query",
        "role": "PUBLIC",
    }
    assert isinstance(line["duration_ms"], float)

    caplog.clear()
    response = client.get("/healthz", headers={"X-Request-Id": "not an id; {}"})  # not echoed: a new one
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
    [line] = request_lines(caplog)
    assert line["request_id"] == response.headers["X-Request-Id"] and "operation_type" not in line


def test_an_unexpected_exception_is_logged_with_request_id_and_traceback(client, caplog, monkeypatch) -> None:
    async def crash(view, request, *args, **kwargs):
        await request.body()
        raise RuntimeError("the view broke")

    monkeypatch.setattr(CreditfileGraphQL, "run", crash)
    caplog.set_level(logging.INFO)
    response = client.post("/graphql", json={"query": "{ __typename } # SECRET-DOCUMENT"})
    assert response.status_code == 500
    request_id = response.headers["X-Request-Id"]
    assert errors_of(response)[0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    [crashed] = [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert crashed.request_id == request_id and crashed.exc_info[0] is RuntimeError
    line = json.loads(JsonLines().format(crashed))
    assert "the view broke" in line["exc_info"] and "Traceback" in line["exc_info"]
    assert [r["status"] for r in request_lines(caplog)] == [500]
    assert not [text for text in formatted(caplog) if "SECRET-DOCUMENT" in text]


# --- 6. Error codes make the HTTP status ---------------------------------------------------------------------

@pytest.mark.parametrize("error, status, retry_after", [
    (Unavailable("Neo4j does not answer; try again in a few seconds."), 503, "5"),
    (RateLimited("Too many requests; wait a little.", retryAfterSeconds=7), 429, "7"),
])
def test_the_status_follows_the_error_code(client, monkeypatch, error, status, retry_after) -> None:
    async def refuse(graph, query, **params):
        raise error

    monkeypatch.setattr(Graph, "run", refuse)
    response = client.post("/graphql", json=ORGANISATION)
    assert response.status_code == status and response.headers["Retry-After"] == retry_after
    [body_error] = errors_of(response)
    assert body_error["extensions"]["code"] == error.code and body_error["message"] == str(error)


# --- 7. The one retry of an auto-commit read ---------------------------------------------------------------------

async def test_a_read_on_a_dead_pooled_connection_is_tried_once_more(graph, monkeypatch) -> None:
    """The driver retries managed transactions, not auto-commit `session.run`: a connection that died in the pool
    (Neo4j restarted between two requests) fails once, and Graph tries a new one; twice is an outage."""
    real_read, attempts = Graph._read, []

    def failing(times: int):
        async def read(g, query, params):
            attempts.append(query)
            if len(attempts) <= times:
                raise SessionExpired("Failed to read from defunct connection")
            return await real_read(g, query, params)
        return read

    api_graph = Graph(graph.driver, causal_reads=False)
    monkeypatch.setattr(Graph, "_read", failing(1))
    assert await api_graph.run(Query(name="one", mode=Mode.READ, text="RETURN 1 AS n")) == [{"n": 1}]
    assert len(attempts) == 2
    attempts.clear()
    monkeypatch.setattr(Graph, "_read", failing(2))
    with pytest.raises(Unavailable, match="Neo4j does not answer"):
        await api_graph.run(Query(name="one", mode=Mode.READ, text="RETURN 1 AS n"))
    assert len(attempts) == 2
