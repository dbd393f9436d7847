"""The local launcher: a second instance beside the session's, with its own port and folder."""

from __future__ import annotations

import socket

import pytest
from neo4j import GraphDatabase

from graph import local


def test_second_instance_starts_answers_and_stops(tmp_path, neo4j_uri) -> None:
    port = local.free_port()
    instance = local.start(port=port, data=tmp_path / "second")
    try:
        assert instance.uri == f"bolt://127.0.0.1:{port}"
        assert local.status(tmp_path / "second") == instance
        assert local.start(port=port, data=tmp_path / "second") == instance  # already running: same instance
        with GraphDatabase.driver(instance.uri, auth=None) as drv:
            drv.execute_query("CREATE (:Probe {n: 1})")
            records, _, _ = drv.execute_query("MATCH (p:Probe) RETURN p.n AS n")
            assert [r["n"] for r in records] == [1]
    finally:
        assert local.stop(tmp_path / "second") is True
    assert local.status(tmp_path / "second") is None
    assert local.stop(tmp_path / "second") is False


def test_a_taken_port_is_refused_in_one_line(tmp_path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(local.LocalNeo4jError, match=f"port {port} on 127.0.0.1 is taken"):
            local.start(port=port, data=tmp_path / "x")
