"""The one write path of the API's mutations (shared spec workflow.md, section 5): one managed Neo4j transaction
per mutation, retried by the driver on transient errors, with idempotency keys per credential.

    result = await writes.idempotent(graph, credential_id, "giveFeedback", key, input_dict, work)

`work(attempt)` runs the mutation's named WRITE queries with `attempt.rows(name, ...)` and returns a small JSON-able
result (the ids of what it made or changed, or the row it answers with); raising a `ClientError` in it rolls
everything back. The same key with the same input returns the first result and writes nothing; with other input it
is CONFLICT.

The key costs no statement of its own (each is a round trip, and most mutations are one or two statements): the
mutation's first statement claims it (a CREATE under the unique constraint on (credentialId, key), prepended to the
query), and its result is stored with the statement that follows `attempt.remember(result)`, or after the work
when nothing follows. A key already used makes that first statement fail on the constraint before anything else
happens; the transaction rolls back and the stored result is read. Two requests racing on one key wait on the
constraint's lock: the loser fails the same way and reads the winner's result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, TypeAlias, TypeVar

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ConstraintError, Neo4jError, ServiceUnavailable, SessionExpired

import queries
from graph.errors import Conflict, Unavailable, UserError
from graph.store.driver import NOT_ANSWERING, Graph, count_round_trip, plain_row

T = TypeVar("T")
# How long the driver retries a mutation's transaction (deadlocks, a leader change, Neo4j restarting) before the
# client is told UNAVAILABLE: well within the request deadline (CREDITFILE_REQUEST_TIMEOUT_SECONDS, 30 s).
WRITE_RETRY_SECONDS = 10.0
# Neo4j stopped the transaction itself (its timeout, or the database shutting down while it waited for a lock):
# nothing was written, and the same call can be made again.
STOPPED = ("TransactionTimedOut", "Transaction.LockClientStopped", "Transaction.Terminated")
# What a mutation's `work` runs its statements on (named here, so that api/ need not import neo4j).
Transaction: TypeAlias = AsyncManagedTransaction


def fingerprint(mutation: str, values: dict[str, Any]) -> str:
    """The same input, whatever the order of its fields, gives the same fingerprint."""
    text = json.dumps([mutation, values], sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


async def rows(tx: AsyncManagedTransaction, name: str, **params: Any) -> list[dict[str, Any]]:
    """A named query on the mutation's transaction, rows as dicts (Neo4j dates as Python dates)."""
    return await _rows_text(tx, queries.get(name).text, params, name)


async def transaction(graph: Graph, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
    """`work` in one managed write transaction; Neo4j away → Unavailable (nothing was written)."""
    try:
        async with graph.driver.session(database=graph.database,
                                        max_transaction_retry_time=WRITE_RETRY_SECONDS) as session:
            return await session.execute_write(work)
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        raise Unavailable(NOT_ANSWERING) from exc
    except Neo4jError as exc:
        if exc.is_retryable() or any(reason in (exc.code or "") for reason in STOPPED):
            raise Unavailable("Neo4j could not complete the write now; retry with the same idempotencyKey") from exc
        raise


# Prepended to a mutation's statements (`CALL () {…}` runs once, before the query, and changes none of its rows).
CLAIM = ("CALL () { CREATE (:IdempotencyKey {credentialId: $idem.credentialId, key: $idem.key, "
         "mutation: $idem.mutation, fingerprint: $idem.fingerprint, result: $idem.result, createdAt: datetime(), "
         "lastSeenAt: datetime()}) }\n")
STORE = ("CALL () { MATCH (k:IdempotencyKey {credentialId: $idem.credentialId, key: $idem.key}) "
         "SET k.result = $idem.result }\n")


class Attempt:
    """One run of a mutation's work in its transaction, and the idempotency key that rides on its statements."""

    def __init__(self, tx: AsyncManagedTransaction, key: dict[str, Any]) -> None:
        self.tx, self._key = tx, key
        self._claimed = False
        self._result: str | None = None  # the result as JSON, once the work knows it
        self._stored: str | None = None  # what the key holds so far

    def remember(self, result: dict[str, Any]) -> None:
        """The mutation's result, known before its last statement: stored by that statement, not one of its own."""
        self._result = json.dumps(result, ensure_ascii=False, default=_plain)

    async def rows(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """A named query on the mutation's transaction, rows as dicts (Neo4j dates as Python dates)."""
        prefix = ""
        if not self._claimed:
            prefix = CLAIM
        elif self._result is not None and self._result != self._stored:
            prefix = STORE
        if not prefix:
            return await rows(self.tx, name, **params)
        found = await _rows_text(self.tx, prefix + queries.get(name).text,
                                 {**params, "idem": {**self._key, "result": self._result}}, name)
        self._claimed, self._stored = True, self._result
        return found

    async def finish(self, result: dict[str, Any]) -> None:
        """After the work: claim the key if no statement did, and store the result if it is not stored yet."""
        self.remember(result)
        if not self._claimed:
            await _rows_text(self.tx, CLAIM + "RETURN 1", {"idem": {**self._key, "result": self._result}},
                             "idempotency_key_claim")
        elif self._result != self._stored:
            await _rows_text(self.tx, STORE + "RETURN 1", {"idem": {**self._key, "result": self._result}},
                             "idempotency_key_store")


async def _rows_text(tx: AsyncManagedTransaction, text: str, params: dict[str, Any],
                     name: str) -> list[dict[str, Any]]:
    count_round_trip(name)
    result = await tx.run(text, params)
    return [plain_row(record) async for record in result]


async def idempotent(graph: Graph, credential_id: str, mutation: str, key: str, values: dict[str, Any],
                     work: Callable[[Attempt], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    if not key or not key.strip() or len(key) > 200:
        raise UserError("idempotencyKey: give a non-empty key of at most 200 characters, unique per operation")
    print_ = fingerprint(mutation, values)
    claim = {"credentialId": credential_id, "key": key, "mutation": mutation, "fingerprint": print_}

    async def run(tx: AsyncManagedTransaction) -> dict[str, Any]:
        attempt = Attempt(tx, claim)
        result = await work(attempt)
        await attempt.finish(result)
        return result

    try:
        return await transaction(graph, run)
    except (ConstraintError, Conflict):
        # The key was used before (its claim failed on the constraint), or a concurrent request with the same key
        # committed first: answer as a retry is answered. Either both reached the key (ConstraintError), or this
        # one waited on the target's lock and then found it changed by the other (the mutation's own CONFLICT):
        # then it is that request's retry, not a rival.
        found = await transaction(graph, lambda tx: rows(tx, "idempotency_key_touch", credentialId=credential_id,
                                                          key=key, fingerprint=print_))
        if not found:
            raise
        return _replay(found[0], print_, key)


def _replay(found: dict[str, Any], print_: str, key: str) -> dict[str, Any]:
    if found["fingerprint"] != print_:
        raise Conflict(f"idempotencyKey {key!r} was already used with other input (for {found['mutation']}); "
                       "use a new key for a new operation")
    result: dict[str, Any] = json.loads(found["result"])  # what `work` returned, stored as JSON
    return result
