"""The service over HTTP: health, readiness, GraphQL answered from Neo4j, GraphiQL offline."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from api import assets
from api.app import create_app


@pytest.fixture
def client(graph):
    with TestClient(create_app()) as client:
        yield client


async def test_graphql_reads_from_neo4j(client, graph) -> None:
    await graph.driver.execute_query(
        "CREATE (:Organisation {uscc: '914403001922038216', name: '华为技术有限公司', usccChecksumValid: true})"
    )
    response = client.post("/graphql", json={"query": '{ organisation(uscc: "914403001922038216") { name uscc } }'})
    assert response.status_code == 200
    assert response.json() == {"data": {"organisation": {"name": "华为技术有限公司", "uscc": "914403001922038216"}}}


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
    assert response.json()["reason"].startswith("Neo4j does not answer")


def test_graphiql_page_loads_only_our_assets(client) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(src.startswith("/static/") for src in sources), sources
    assets.fetch()
    for src in sources:
        assert client.get(src).status_code == 200, src
