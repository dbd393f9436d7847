"""Credentials and the access log in the graph: API keys (hash only), access events, lookups, security events.

The graph is the only state shared by every server process, so a revocation or a lookup count made by one
process is seen by the next request in any other.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import queries
from graph.driver import Graph

KEY_PREFIX = "cfk"


@dataclass(frozen=True)
class ApiKeyRow:
    keyId: str
    role: str
    name: str
    secretHash: str = ""
    agencyName: str | None = None
    agencyUscc: str | None = None
    region: str | None = None
    subjectKind: str | None = None
    subjectId: str | None = None
    createdAt: str | None = None
    revokedAt: str | None = None


def secret_hash(secret: str) -> str:
    # A key's secret is 256 random bits, not a password: a fast hash is enough (no dictionary to try), and it
    # keeps the per-request check cheap. Only this hash is stored.
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(token: str) -> tuple[str, str] | None:
    """(key id, secret) of a token shaped like ours, `cfk_<id>_<secret>`; None for anything else."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def new_key() -> tuple[str, str, str]:
    """(key id, secret, the key as handed out)."""
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    return key_id, secret, f"{KEY_PREFIX}_{key_id}_{secret}"


async def create_key(graph: Graph, *, role: str, name: str, agency_name: str | None, agency_uscc: str | None,
                     region: str | None, subject_kind: str | None, subject_id: str | None,
                     now: datetime) -> tuple[str, str]:
    key_id, secret, token = new_key()
    await graph.run(queries.get("api_key_create"), keyId=key_id, secretHash=secret_hash(secret), role=role,
                    name=name, agencyName=agency_name, agencyUscc=agency_uscc, region=region,
                    subjectKind=subject_kind, subjectId=subject_id, createdAt=now.isoformat())
    return key_id, token


async def key_by_id(graph: Graph, key_id: str) -> tuple[ApiKeyRow, str | None, str | None] | None:
    """The key, its subject's opaque key (USCC or pid) and its subject's name."""
    rows = await graph.run(queries.get("api_key_by_id"), keyId=key_id)
    if not rows:
        return None
    row = rows[0]
    return _key_row(row["key"]), row["subjectKey"], row["subjectName"]


async def list_keys(graph: Graph) -> list[ApiKeyRow]:
    return [_key_row(row["key"]) for row in await graph.run(queries.get("api_keys_list"))]


async def revoke_key(graph: Graph, key_id: str, now: datetime) -> str | None:
    rows = await graph.run(queries.get("api_key_revoke"), keyId=key_id, revokedAt=now.isoformat())
    return rows[0]["revokedAt"] if rows else None


async def subject_key(graph: Graph, kind: str, subject_id: str) -> tuple[str, str] | None:
    """(USCC or pid, name) of an existing subject, None when there is none."""
    rows = await graph.run(queries.get("subject_exists"), subjectKind=kind, subjectId=subject_id)
    return (rows[0]["subjectKey"], rows[0]["name"]) if rows and rows[0]["subjectKey"] else None


def _key_row(props: dict) -> ApiKeyRow:
    return ApiKeyRow(**{k: props.get(k) for k in ApiKeyRow.__dataclass_fields__ if k in props})


@dataclass(frozen=True)
class Event:
    """One read to log: `subject` is "ORGANISATION:<uscc>" or "PERSON:<pid>"."""

    subject: str
    operation: str
    purpose: str | None = None


async def write_log(graph: Graph, *, at: datetime, role: str, agency_name: str | None, agency_uscc: str | None,
                    credential_id: str | None, events: list[Event]) -> None:
    """One write transaction for the whole request; raises when Neo4j cannot take it."""
    await graph.run(
        queries.get("access_log_write"), at=at.isoformat(), role=role, agencyName=agency_name,
        agencyUscc=agency_uscc, credentialId=credential_id,
        events=[{"eventId": uuid.uuid4().hex, "subject": e.subject, "operation": e.operation, "purpose": e.purpose}
                for e in events])


async def access_page(graph: Graph, subject: str, after: tuple[str, str] | None, limit: int) -> tuple[int, list]:
    rows = await graph.run(queries.get("access_log_page"), subject=subject, limit=limit,
                           afterAt=after[0] if after else None, afterId=after[1] if after else None)
    return rows[0]["total"], rows[0]["page"]


async def guard_lookups(graph: Graph, *, credential_id: str, asked: dict[str, set[str]], limit: int, now: datetime,
                        role: str, agency_name: str | None) -> tuple[str, int] | None:
    """Count and record, in one transaction under a lock per (credential, pattern), the ID numbers looked up.
    Returns the first (pattern, count) that would pass `limit` — then nothing is recorded but a security event —
    or None when every number was recorded."""
    from graph.writes import rows, transaction

    async def work(tx) -> tuple[str, int] | None:
        found = await rows(tx, "lookup_guard", credentialId=credential_id, patterns=sorted(asked),
                           since=(now - timedelta(hours=24)).isoformat())
        before = {row["pattern"]: set(row["numbers"]) for row in found}
        for pattern in sorted(asked):
            total = len(before.get(pattern, set()) | asked[pattern])
            if total > limit:
                await rows(tx, "security_event_write", eventId=uuid.uuid4().hex, at=now.isoformat(),
                           kind="ENUMERATION", credentialId=credential_id, role=role, agencyName=agency_name,
                           pattern=pattern, count=total)
                return pattern, total
        fresh = [{"pattern": p, "number": n} for p, numbers in sorted(asked.items())
                 for n in sorted(numbers - before.get(p, set()))]
        if fresh:
            await rows(tx, "lookup_record", credentialId=credential_id, lookups=fresh, at=now.isoformat())
        return None

    return await transaction(graph, work)


async def security_events(graph: Graph, limit: int) -> list[dict]:
    return [row["event"] for row in await graph.run(queries.get("security_events"), limit=limit)]
