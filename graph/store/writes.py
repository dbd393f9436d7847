"""The one write path of the API's mutations (shared spec workflow.md, section 5): one managed Neo4j transaction
per mutation, retried by the driver on transient errors, with idempotency keys per credential.

    result = await writes.idempotent(graph, credential_id, "giveFeedback", key, input_dict, work)

`work(tx)` runs the mutation's named WRITE queries on the transaction and returns a small JSON-able result (the
ids of what it made or changed); raising a `ClientError` in it rolls everything back. The same key with the same
input returns the first result and writes nothing; with other input it is CONFLICT. A race on one key is settled
by the unique constraint on (credentialId, key): the loser reads the winner's result.
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
from graph.store.driver import NOT_ANSWERING, Graph, plain_row

T = TypeVar("T")
# How long the driver retries a mutation's transaction (deadlocks, a leader change, Neo4j restarting) before the
# client is told UNAVAILABLE: well within the request deadline (CREDITFILE_REQUEST_TIMEOUT_SECONDS, 30 s).
WRITE_RETRY_SECONDS = 10.0
# Neo4j stopped the transaction itself (its timeout, or the database shutting down while it waited for a lock):
# nothing was written, and the same call can be made again.
STOPPED = ("TransactionTimedOut", "Transaction.LockClientStopped", "Transaction.Terminated")
# What a mutation's `work` runs its statements on (named here, so that api/ need not import neo4j).
Transaction: TypeAlias = AsyncManagedTransaction
Work: TypeAlias = Callable[[Transaction], Awaitable[dict[str, Any]]]


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
    result = await tx.run(queries.get(name).text, params)
    return [plain_row(record) async for record in result]


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


async def idempotent(graph: Graph, credential_id: str, mutation: str, key: str, values: dict[str, Any],
                     work: Work) -> dict[str, Any]:
    if not key or not key.strip() or len(key) > 200:
        raise UserError("idempotencyKey: give a non-empty key of at most 200 characters, unique per operation")
    print_ = fingerprint(mutation, values)

    async def run(tx: AsyncManagedTransaction) -> dict[str, Any]:
        found = await rows(tx, "idempotency_key_lookup", credentialId=credential_id, key=key)
        if found:
            return _replay(found[0], print_, key)
        result = await work(tx)
        await rows(tx, "idempotency_key_create", credentialId=credential_id, key=key, mutation=mutation,
                   fingerprint=print_, result=json.dumps(result, ensure_ascii=False, default=_plain))
        return result

    try:
        return await transaction(graph, run)
    except (ConstraintError, Conflict):
        # A concurrent request with the same key committed first: answer as its retry would be answered. Either
        # both reached the key (ConstraintError), or this one waited on the target's lock and then found it
        # changed by the other (the mutation's own CONFLICT): then it is that request's retry, not a rival.
        found = await transaction(graph, lambda tx: rows(tx, "idempotency_key_peek", credentialId=credential_id,
                                                          key=key))
        if not found:
            raise
        return _replay(found[0], print_, key)


def _replay(found: dict[str, Any], print_: str, key: str) -> dict[str, Any]:
    if found["fingerprint"] != print_:
        raise Conflict(f"idempotencyKey {key!r} was already used with other input (for {found['mutation']}); "
                       "use a new key for a new operation")
    result: dict[str, Any] = json.loads(found["result"])  # what `work` returned, stored as JSON
    return result
