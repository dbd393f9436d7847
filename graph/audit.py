"""Credentials and the access log in the graph: API keys (hash only), access events, lookups, security events.

The graph is the only state shared by every server process, so a revocation or a lookup count made by one
process is seen by the next request in any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from neo4j import AsyncManagedTransaction, AsyncSession, AsyncTransaction

import queries
from graph.access import build
from graph.store.driver import Graph, count_round_trip

log = logging.getLogger("creditfile.audit")

KEY_PREFIX = "cfk"


@dataclass(frozen=True)
class ApiKeyRow:
    key_id: str
    role: str
    name: str
    secret_hash: str = ""
    agency_name: str | None = None
    agency_uscc: str | None = None
    region: str | None = None
    subject_kind: str | None = None
    subject_id: str | None = None
    created_at: str | None = None
    revoked_at: str | None = None


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


def _key_row(props: dict[str, Any]) -> ApiKeyRow:
    return build(ApiKeyRow, props)


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


_closing: set[asyncio.Future[None]] = set()  # sessions being closed after their answer left (kept from the GC)


class Journal:
    """One request's access log as one write transaction begun at its first foreseen read, so that writing the
    log overlaps resolving the answer instead of following it (a separate write after execution cost a full
    transaction, about 7 ms here, on every logged request).

    `foresee` writes, in the background, the reads a request is about to make (an organisation asked for by USCC:
    only those that exist get an event); `finish` makes the log exactly the reads served — it adds the ones not
    foreseen, deletes the foreseen ones not served — and commits, before the answer leaves. Anything failing on
    the way falls back to `write_log` with the served reads (the driver retries it; Neo4j away raises), so the
    log is never short of a served read; a commit whose outcome is unknown may leave an event twice (the
    driver cannot tell), never an event for a read that was not served.
    """

    def __init__(self, graph: Graph, *, at: datetime, role: str, agency_name: str | None, agency_uscc: str | None,
                 credential_id: str | None):
        self.graph = graph
        self.at, self.role, self.credential_id = at, role, credential_id
        self.agency_name, self.agency_uscc = agency_name, agency_uscc
        self.written: dict[Event, str] = {}  # foreseen reads written so far → their eventId
        self._session: AsyncSession | None = None
        self._tx: AsyncTransaction | None = None
        self._chain: asyncio.Task[None] | None = None  # statements run one after another on the transaction
        self._broken = False

    def _params(self, events: list[Event], keys: dict[Event, str]) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "role": self.role, "agencyName": self.agency_name,
                "agencyUscc": self.agency_uscc, "credentialId": self.credential_id,
                "events": [{"eventId": keys[e], "subject": e.subject, "operation": e.operation, "purpose": e.purpose}
                           for e in events]}

    def foresee(self, events: list[Event]) -> None:
        """Start writing these reads (organisations only) without waiting; they are kept only if served."""
        fresh = [e for e in dict.fromkeys(events) if e not in self.written and e.subject.startswith("ORGANISATION:")]
        if not fresh:
            return
        keys = {e: uuid.uuid4().hex for e in fresh}
        previous = self._chain

        async def write() -> None:
            if previous is not None:
                await previous
            if self._broken:
                return
            try:
                if self._tx is None:
                    self._session = self.graph.driver.session(database=self.graph.database)
                    self._tx = await self._session.begin_transaction(timeout=self.graph.tx_timeout)
                result = await self._tx.run(queries.get("access_log_foresee").text, self._params(fresh, keys))
                made = {record["eventId"] async for record in result}
                count_round_trip("access_log_foresee")
                self.written.update({e: k for e, k in keys.items() if k in made})
            except Exception:  # Neo4j away or refusing: `finish` writes the served reads the plain way
                log.warning("access log: the early write failed; the log is written after the answer", exc_info=True)
                self._broken = True

        self._chain = asyncio.ensure_future(write())

    async def finish(self, served: list[Event]) -> None:
        """The log becomes exactly `served`, committed; raises when Neo4j cannot take it."""
        try:
            if self._chain is not None:
                await self._chain
            if not served:  # nothing served (not found, or refused): what was foreseen is rolled back, not committed
                return
            if self._tx is not None and not self._broken:
                try:
                    await self._settle(served)
                    self._close_later()  # returning the connection to the pool need not delay the answer
                    return
                except Exception:
                    log.warning("access log: the early transaction failed; writing it again", exc_info=True)
                    await self.abandon()
            await self._write_plainly(served)
        finally:
            await self.abandon()

    async def _settle(self, served: list[Event]) -> None:
        assert self._tx is not None
        wanted = set(served)
        missing = [e for e in served if e not in self.written]
        extra = [{"subject": e.subject, "eventId": k} for e, k in self.written.items() if e not in wanted]
        if missing:
            keys = {e: uuid.uuid4().hex for e in missing}
            await (await self._tx.run(queries.get("access_log_write").text, self._params(missing, keys))).consume()
            count_round_trip("access_log_write")
        if extra:
            await (await self._tx.run(queries.get("access_log_unsay").text, events=extra,
                                      at=self.at.isoformat())).consume()
            count_round_trip("access_log_unsay")
        await self._tx.commit()
        count_round_trip("access_log_commit")
        self._tx = None

    async def _write_plainly(self, served: list[Event]) -> None:
        await write_log(self.graph, at=self.at, role=self.role, agency_name=self.agency_name,
                        agency_uscc=self.agency_uscc, credential_id=self.credential_id, events=served)

    def _close_later(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            task = asyncio.ensure_future(session.close())
            _closing.add(task)
            task.add_done_callback(_closing.discard)

    async def abandon(self) -> None:
        """Roll back whatever was not committed (a failed or cancelled request logs nothing)."""
        self._broken = True
        chain, self._chain = self._chain, None
        if chain is not None and not chain.done():
            chain.cancel()
            with contextlib.suppress(BaseException):
                await chain
        tx, session, self._tx, self._session = self._tx, self._session, None, None
        with contextlib.suppress(Exception):
            if tx is not None:
                await tx.rollback()
        with contextlib.suppress(Exception):
            if session is not None:
                await session.close()


async def access_page(graph: Graph, subject: str, after: tuple[str, str] | None,
                      limit: int) -> tuple[int, list[dict[str, Any]]]:
    rows = await graph.run(queries.get("access_log_page"), subject=subject, limit=limit,
                           afterAt=after[0] if after else None, afterId=after[1] if after else None)
    return rows[0]["total"], rows[0]["page"]


async def guard_lookups(graph: Graph, *, credential_id: str, asked: dict[str, set[str]], limit: int, now: datetime,
                        role: str, agency_name: str | None) -> tuple[str, int] | None:
    """Count and record, in one transaction under a lock per (credential, pattern), the ID numbers looked up.
    Returns the first (pattern, count) that would pass `limit` — then nothing is recorded but a security event —
    or None when every number was recorded."""
    from graph.store.writes import rows, transaction

    async def work(tx: AsyncManagedTransaction) -> tuple[str, int] | None:
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


async def security_events(graph: Graph, limit: int) -> list[dict[str, Any]]:
    return [row["event"] for row in await graph.run(queries.get("security_events"), limit=limit)]
