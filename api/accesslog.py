"""The access log (知情权) and the enumeration guard (shared spec access.md).

Which fields read whose file is the table `LOGGED`: the top-level fields access.md names, and the fields of a
file's content wherever a subject is reached (a search hit, a graph node), since access.md logs "every read of a
subject's file". Each entry wraps a resolver (installed by api/views.py inside the permission check, so a refused
field logs nothing) and notes the subjects it served in the request's context. `AccessLogExtension` writes them in
one transaction after execution and before the answer leaves, keeping only what the response really holds; if
that write fails the request fails with UNAVAILABLE and no data.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from graphql import FieldNode, GraphQLError, GraphQLFieldResolver, GraphQLResolveInfo
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.auth import Role
from api.context import Context
from api.cursors import parse_node_id
from api.dates import today
from api.views import check_purpose, maybe_await
from graph import audit
from graph.access import EntryWithSubject, RecordWithSubject
from graph.audit import Event
from graph.errors import RateLimited, Unavailable, UserError
from graph.identifiers import IdentifierError, parse_uscc
from graph.rules import CHINA
from graph.store.driver import UNAVAILABLE

# Distinct numbers of one (first 6, last 4) pattern a credential may look up in 24 hours (access.md).
ENUMERATION_LIMIT = 3
SUBJECT_TYPES = {"Organisation": "ORGANISATION", "Person": "PERSON"}
# What LOGGED maps a field to: a wrapper of its resolver (installed by api/views.py inside the permission check).
Wrap = Callable[[GraphQLFieldResolver], GraphQLFieldResolver]


def now() -> datetime:
    return datetime.now(CHINA)


def note(context: Context, path: list[str | int], kind: str, key: str, operation: str,
         purpose: str | None = None) -> None:
    """Note a read of (kind, USCC or pid) answered at `path` of the response: not for PUBLIC, nor for a subject
    reading its own file. It is logged only if the answer there is served (not nulled by an error below it)."""
    principal = context.principal
    if principal.role is Role.PUBLIC or principal.owns(kind, key):
        return
    context.reads.append((Event(f"{kind}:{key}", operation, purpose), tuple(path)))


def foresee(context: Context, usccs: list[str], operation: str) -> None:
    """Start writing the log of reads of these organisations now, alongside resolving them (graph/audit.py
    `Journal`); what is not served is taken out again before commit. Same rules as `note`."""
    principal = context.principal
    if principal.role is Role.PUBLIC:
        return
    events = []
    for raw in usccs:
        try:
            code = parse_uscc(raw).code
        except IdentifierError:
            continue
        if not principal.owns("ORGANISATION", code):
            events.append(Event(f"ORGANISATION:{code}", operation))
    if events:
        journal(context).foresee(events)


def journal(context: Context) -> audit.Journal:
    if context.journal is None:
        principal = context.principal
        context.journal = audit.Journal(
            context.graph, at=now(), role=principal.role.value, agency_name=principal.agency_name,
            agency_uscc=principal.agency_uscc, credential_id=principal.credential_id)
    return context.journal


def note_subject(context: Context, path: list[str | int], subject: Any, operation: str) -> None:
    key = getattr(subject, "key", None)
    if isinstance(key, tuple):
        note(context, path, key[0], key[1], operation)


async def note_node_id(context: Context, path: list[str | int], node_id: str, operation: str) -> None:
    """The subject behind a node id: itself for a subject, its subject for a record or list entry."""
    try:
        type_name, key = parse_node_id(node_id)
    except UserError:
        return
    if type_name in SUBJECT_TYPES:
        note(context, path, SUBJECT_TYPES[type_name], key, operation)
        return
    found: RecordWithSubject | EntryWithSubject | None = None
    if type_name == "CreditRecord":
        found = await context.loaders.record_by_id.load((today(), key))
    elif type_name == "ListEntry":
        found = await context.loaders.entry_by_id.load(key)
    if found is not None:
        kind, subject_key = found.subject.key
        note(context, path, kind, subject_key, operation)


# --- The fields that read files, and what each one logs ---

def _logs_result(operation: str) -> Wrap:
    def wrap(resolve: GraphQLFieldResolver) -> GraphQLFieldResolver:
        async def resolver(root: Any, info: GraphQLResolveInfo[Context], **kwargs: Any) -> Any:
            if "uscc" in kwargs:
                foresee(info.context, [kwargs["uscc"]], operation)
            result = await maybe_await(resolve(root, info, **kwargs))
            if result is not None:
                if hasattr(result, "key"):
                    note_subject(info.context, info.path.as_list(), result, operation)
                else:  # a record or a list entry found by node(): its subject's file was read
                    await note_node_id(info.context, info.path.as_list(), getattr(result, "id", ""), operation)
            return result
        return resolver
    return wrap


def _logs_screening(resolve: GraphQLFieldResolver) -> GraphQLFieldResolver:
    async def resolver(root: Any, info: GraphQLResolveInfo[Context], **kwargs: Any) -> Any:
        await guard_enumeration(info.context, kwargs.get("idNumbers") or [])
        foresee(info.context, kwargs.get("usccs") or [], "screen")
        results = await maybe_await(resolve(root, info, **kwargs))
        for i, result in enumerate(results):
            if result.found and result.subject is not None:
                note_subject(info.context, [*info.path.as_list(), i], result.subject, "screen")
        return results
    return resolver


def _logs_person(resolve: GraphQLFieldResolver) -> GraphQLFieldResolver:
    async def resolver(root: Any, info: GraphQLResolveInfo[Context], **kwargs: Any) -> Any:
        await guard_enumeration(info.context, [kwargs.get("idNumber") or ""])
        result = await maybe_await(resolve(root, info, **kwargs))
        if result is not None:
            note_subject(info.context, info.path.as_list(), result, "person")
        return result
    return resolver


def _logs_trace(resolve: GraphQLFieldResolver) -> GraphQLFieldResolver:
    async def resolver(root: Any, info: GraphQLResolveInfo[Context], **kwargs: Any) -> Any:
        result = await maybe_await(resolve(root, info, **kwargs))
        note_subject(info.context, info.path.as_list(), result.organisation, "liabilityTrace")
        return result
    return resolver


def _logs_ids(operation: str, *arguments: str) -> Wrap:
    def wrap(resolve: GraphQLFieldResolver) -> GraphQLFieldResolver:
        async def resolver(root: Any, info: GraphQLResolveInfo[Context], **kwargs: Any) -> Any:
            result = await maybe_await(resolve(root, info, **kwargs))
            for name in arguments:
                await note_node_id(info.context, info.path.as_list(), kwargs[name], operation)
            return result
        return resolver
    return wrap


def _logs_reveal(resolve: GraphQLFieldResolver) -> GraphQLFieldResolver:
    async def resolver(root: Any, info: GraphQLResolveInfo[Context], purpose: str, **kwargs: Any) -> Any:
        purpose = check_purpose(purpose)
        result = await maybe_await(resolve(root, info, purpose=purpose, **kwargs))
        if result is not None:
            note(info.context, info.path.as_list(), root.key[0], root.key[1], "idNumber", purpose)
        return result
    return resolver


def _operation(info: GraphQLResolveInfo[Context]) -> str:
    """The top-level field (not its alias) under which a nested field is resolved."""
    root = info.path
    while root.prev is not None:
        root = root.prev
    for selection in info.operation.selection_set.selections:
        if isinstance(selection, FieldNode) and selection.alias is not None and selection.alias.value == root.key:
            return selection.name.value
    return str(root.key)


def _logs_file_field(resolve: GraphQLFieldResolver) -> GraphQLFieldResolver:
    """A subject's file content (records, list entries, risk, measures) read wherever the subject was reached —
    through search, a legal representative, a graph node: the read is logged under the top-level field."""
    async def resolver(root: Any, info: GraphQLResolveInfo[Context], **kwargs: Any) -> Any:
        result = await maybe_await(resolve(root, info, **kwargs))
        note_subject(info.context, info.path.as_list(), root, _operation(info))
        return result
    return resolver


LOGGED: dict[str, Wrap] = {
    "Subject.records": _logs_file_field,
    "Subject.listEntries": _logs_file_field,
    "Subject.riskLevel": _logs_file_field,
    "Subject.measures": _logs_file_field,
    "Person.accountableRecords": _logs_file_field,
    "Query.organisation": _logs_result("organisation"),
    "Query.node": _logs_result("node"),
    "Query.person": _logs_person,
    "Query.screen": _logs_screening,
    "Query.liabilityTrace": _logs_trace,
    "Query.neighbourhood": _logs_ids("neighbourhood", "id"),
    "Query.shortestPaths": _logs_ids("shortestPaths", "from", "to"),
    "Person.idNumber": _logs_reveal,
}


# --- Enumeration ---

def pattern_of(number: str) -> str | None:
    number = number.strip().upper()
    return f"{number[:6]}…{number[-4:]}" if len(number) >= 10 else None


async def guard_enumeration(context: Context, numbers: list[str]) -> None:
    """Refuse the whole call (RATE_LIMITED) when it would take a credential past `ENUMERATION_LIMIT` distinct
    numbers of one pattern in 24 hours; otherwise record the numbers. Counting and recording happen in one
    transaction under a lock per (credential, pattern), so concurrent requests cannot outrun the count."""
    principal = context.principal
    if principal.role is Role.PUBLIC or not numbers:
        return
    asked: dict[str, set[str]] = {}
    for number in numbers:
        pattern = pattern_of(number)
        if pattern is not None:
            asked.setdefault(pattern, set()).add(number.strip().upper())
    if not asked:
        return
    refused = await audit.guard_lookups(
        context.graph, credential_id=principal.credential_id or f"role:{principal.role.value}", asked=asked,
        limit=ENUMERATION_LIMIT, now=now(), role=principal.role.value, agency_name=principal.agency_name)
    if refused is not None:
        pattern, total = refused
        raise RateLimited(f"too many different ID numbers of the pattern {pattern} from this credential in 24 hours "
                          f"({total}, at most {ENUMERATION_LIMIT}): that is how masking is undone, so the call is "
                          "refused and the attempt recorded; screen by full numbers you hold",
                          retryAfterSeconds=24 * 3600)


class AccessLogExtension(SchemaExtension):
    """Writes the request's reads in one transaction, before the answer leaves; for a subscription, each result's
    reads before that result leaves."""

    async def on_execute(self) -> AsyncIterator[None]:
        try:
            yield
        except BaseException:  # cancelled or failed: nothing was served, nothing is logged
            await self._abandon()
            raise
        await self.write(self.execution_context.result)

    async def _abandon(self) -> None:
        context: Context = self.execution_context.context
        if context.journal is not None:
            await asyncio.shield(context.journal.abandon())

    async def on_stream_result(self, result: Any) -> AsyncIterator[None]:
        # A subscription's results are sent one by one, long after on_execute (which saw only its start).
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.operation_type is OperationType.SUBSCRIPTION:
            await self.write(result)
            ctx.context.reads.clear()
            ctx.context.journal = None
        yield

    async def write(self, result: Any) -> None:
        context: Context = self.execution_context.context
        data = result.data if result is not None else None
        served = list(dict.fromkeys(e for e, path in context.reads if _served(data, path)))
        if not served and context.journal is None:
            return
        started = time.perf_counter()
        try:
            # One transaction: begun early if reads were foreseen, else now; it ends holding exactly `served`.
            await journal(context).finish(served)
            context.extensions["accessLogMs"] = (time.perf_counter() - started) * 1000
        except UNAVAILABLE as exc:
            # An answer is never sent whose reads were not logged (access.md).
            if result is not None:
                result.data = None
                result.errors = [GraphQLError(
                    "the access log cannot be written now, so nothing is answered; retry shortly",
                    original_error=Unavailable(str(exc)), extensions={"code": Unavailable.code})]


def _served(data: Any, path: tuple[str | int, ...]) -> bool:
    """Whether the response holds a value at `path` (a field nulled by an error was not served)."""
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return False
    return data is not None
