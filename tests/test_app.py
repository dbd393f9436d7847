"""The service over HTTP: health, readiness, GraphQL answered from Neo4j (and 503 while it is away), GraphiQL
offline."""

from __future__ import annotations

import re
import time

import pytest
from neo4j import GraphDatabase
from starlette.testclient import TestClient

import settings
from api.app import create_app
from graph import local

USCC = "91440300MA0CF0A11H"
ORGANISATION = {"query": f'{{ organisation(uscc: "{USCC}") {{ name }} }}'}


@pytest.fixture
def client(graph):
    with TestClient(create_app()) as client:
        yield client


async def test_graphql_reads_from_neo4j(client, graph) -> None:
    await graph.driver.execute_query(
        "CREATE (:Organisation {uscc: '91440300MA0CF0A11H', name: '深圳示例通信技术有限公司', usccChecksumValid: true})"
    )
    response = client.post("/graphql", json={"query": '{ organisation(uscc: "91440300MA0CF0A11H") { name uscc } }'})
    assert response.status_code == 200
    assert response.json() == {"data": {"organisation": {"name": "深圳示例通信技术有限公司",
                                                         "uscc": "91440300MA0CF0A11H"}}}


def test_health_and_readiness(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readiness_is_503_with_a_reason_when_neo4j_is_away(monkeypatch, graph) -> None:
    import settings

    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    settings.neo4j.cache_clear()
    try:
        with TestClient(create_app(apply_schema=False)) as client:
            response = client.get("/readyz")
    finally:
        monkeypatch.undo()
        settings.neo4j.cache_clear()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    # The driver's words (host, port, errno) are for our log, not for whoever asks.
    assert response.json() == {"status": "unavailable", "reason": "Neo4j does not answer", "retryAfterSeconds": 5}


def test_graphiql_page_loads_only_our_assets(client) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(src.startswith("/static/") for src in sources), sources
    for src in sources:  # installed by `npm ci` (make install), served from the allow-list of api/assets.py
        assert client.get(src).status_code == 200, src


def answered(client, timeout: float = 120):
    """The first 200 to ORGANISATION within `timeout`: a Neo4j just started may be too slow for the first queries
    (503 UNAVAILABLE then, never anything else)."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.post("/graphql", json=ORGANISATION)
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        assert response.status_code == 503, response.text
        time.sleep(1)


def test_neo4j_away_is_503_unavailable_and_back_is_served_without_restart(tmp_path, monkeypatch, neo4j_uri) -> None:
    """A throw-away second Neo4j, stopped and started again under one running app."""
    data, port = tmp_path / "neo4j", local.free_port()
    instance = local.start(port=port, data=data)
    monkeypatch.setenv("NEO4J_URI", instance.uri)
    settings.neo4j.cache_clear()
    try:
        with GraphDatabase.driver(instance.uri, auth=None) as drv:
            drv.execute_query("CREATE (:Organisation {uscc: $uscc, name: $name, usccChecksumValid: true})",
                              uscc=USCC, name="深圳示例通信技术有限公司")
        served = {"data": {"organisation": {"name": "深圳示例通信技术有限公司"}}}
        with TestClient(create_app()) as client:
            response = answered(client)
            assert (response.status_code, response.json()) == (200, served)

            local.stop(data)
            response = client.post("/graphql", json=ORGANISATION)
            assert response.status_code == 503 and response.headers["Retry-After"] == "5"
            assert response.json() == {"errors": [{
                "message": "Neo4j does not answer; try again in a few seconds.",
                "locations": [{"line": 1, "column": 3}], "path": ["organisation"],
                "extensions": {"code": "UNAVAILABLE"}}]}
            ready = client.get("/readyz")
            assert ready.status_code == 503 and str(port) not in ready.text

            local.start(port=port, data=data)
            response = answered(client)
            assert (response.status_code, response.json()) == (200, served)
            assert client.get("/readyz").json() == {"status": "ready"}
    finally:
        local.stop(data)
        monkeypatch.undo()
        settings.neo4j.cache_clear()
