"""Every setting of creditfile, read once from the environment.

Connection settings carry Neo4j's own `NEO4J_` names (as the official image and tools use them);
the application's settings carry the `CREDITFILE_` prefix. A bad value stops start-up with a message
that names the variable.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_NEO4J_URI = "bolt://127.0.0.1:7687"
Loaded = TypeVar("Loaded", bound=BaseSettings)


class SettingsError(RuntimeError):
    """A setting in the environment has a value we cannot use."""


class Neo4jSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEO4J_", extra="ignore")

    # Where Neo4j listens; unset means "start and use a local instance" (`make run`, `make test`).
    uri: str | None = None
    # Credentials; the local instance runs without authentication, so these are only for a server of yours.
    user: str = "neo4j"
    password: SecretStr = SecretStr("")
    # The database to use; Community has one user database, `neo4j`.
    database: str = "neo4j"

    @property
    def effective_uri(self) -> str:
        return self.uri or DEFAULT_NEO4J_URI

    @property
    def auth(self) -> tuple[str, str] | None:
        secret = self.password.get_secret_value()
        return (self.user, secret) if secret else None


class AppSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDITFILE_", extra="ignore")

    # Local state (Neo4j jars, data folders); git-ignored.
    home: Path = Path(".creditfile")
    # The front-end libraries served at /static (GraphiQL, Cytoscape.js, ECharts), installed by `npm ci` from the
    # project's package-lock.json; the default is the project's own node_modules.
    node_modules: Path = Path(__file__).resolve().parent / "node_modules"
    # Report Cypher round trips and database time of each GraphQL request in `extensions`.
    query_stats: bool = False
    # GraphQL guards: nesting depth, aliases per operation, tokens per document.
    max_query_depth: int = Field(12, ge=2, le=50)
    max_aliases: int = Field(30, ge=1, le=1000)
    max_tokens: int = Field(4000, ge=100, le=100_000)
    # Page cache and heap of the local Neo4j; raise them for the 1,000,000-organisation benchmark.
    neo4j_pagecache: str = Field("512m", pattern=r"^\d+[kmgKMG]?$")
    neo4j_heap: str = Field("1g", pattern=r"^\d+[kmgKMG]?$")
    # Whether 重点关注名单 entries are public (measure 四 allows selective publication).
    key_attention_public: bool = True
    # Days a unit has to answer a push (dueOn = pushedOn + this; workflow.md section 1, our policy).
    feedback_days: int = Field(15, ge=1, le=365)
    # Largest request body accepted (413 beyond): a GraphQL document with its variables is a few KB.
    max_body_bytes: int = Field(1_048_576, ge=10_000, le=100_000_000)
    # A client must send its whole body within this time (408 beyond), so slow senders cannot hold connections.
    body_timeout_seconds: float = Field(10.0, gt=0, le=600)
    # Server-wide deadline of one request (503 UNAVAILABLE beyond); above the Neo4j timeout, so that one answers first.
    request_timeout_seconds: float = Field(30.0, gt=0, le=3600)
    # Neo4j stops a query after this long (passed with each query); a runaway traversal must not hold the database.
    neo4j_tx_timeout_seconds: float = Field(20.0, gt=0, le=3600)
    # Access (shared spec access.md): requests a minute per credential and, for PUBLIC, per client address.
    rate_limit: int = Field(600, ge=1)
    public_rate_limit: int = Field(60, ge=1)
    # The cost bound: summed products of page sizes (`first`, `limit`) along nested lists.
    max_cost: int = Field(50_000, ge=1)
    # Introspection and "did you mean" suggestions for PUBLIC callers; `make run` turns it on for GraphiQL.
    public_introspection: bool = False
    # Signed tokens: a JWKS file or URL, the issuer and audience they must carry. Unset: API keys only.
    jwks: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None


def _load(cls: type[Loaded]) -> Loaded:
    try:
        return cls()
    except ValidationError as exc:
        prefix = cls.model_config.get("env_prefix", "")
        problems = "; ".join(
            f"{prefix}{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"bad setting in the environment: {problems}") from None


@lru_cache(maxsize=1)
def neo4j() -> Neo4jSettings:
    return _load(Neo4jSettings)


@lru_cache(maxsize=1)
def app() -> AppSettings:
    return _load(AppSettings)
