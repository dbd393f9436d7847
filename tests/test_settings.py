from __future__ import annotations

import pytest

import settings


def test_a_bad_value_names_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("CREDITFILE_QUERY_STATS", "perhaps")
    settings.app.cache_clear()
    try:
        with pytest.raises(settings.SettingsError, match="CREDITFILE_QUERY_STATS"):
            settings.app()
    finally:
        monkeypatch.delenv("CREDITFILE_QUERY_STATS")
        settings.app.cache_clear()


def test_neo4j_defaults_to_the_local_uri(monkeypatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert settings.Neo4jSettings().effective_uri == "bolt://127.0.0.1:7687"
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret")
    conf = settings.Neo4jSettings()
    assert conf.auth == ("neo4j", "s3cret")
    assert "s3cret" not in repr(conf)
