"""Live pushes (`Subscription.pushes`, graphql-transport-ws on /graphql): each server process runs one poller,
started by its first subscriber and shared by all of them, that reads the pushes changed since it last looked
and hands each to the subscribers of the unit it is addressed to.

The graph is the only state the server processes share (several `--workers`, several hosts), so a push made by
any process reaches every subscriber within a poll interval. `changedAt` is Neo4j's `datetime()` when a push is
made, answered or withdrawn; a transaction commits a little after that moment, so each poll looks back `OVERLAP`
before the previous poll's clock and drops what it already delivered (by pushId and changedAt).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import strawberry

from api.context import Info
from api.dates import today
from api.types.credit_file import Push
from graph import loop
from graph.errors import Unavailable
from graph.loop import PushRow
from graph.store.driver import UNAVAILABLE, Graph
from loaders import Loaders

log = logging.getLogger("creditfile.live")

POLL_SECONDS = 0.25  # delivery latency is at most about this plus one query
# Longest time from a change's `datetime()` to its commit that is still delivered live (the inbox has it anyway).
OVERLAP = timedelta(seconds=5)
RETRY_SECONDS = 1.0  # between polls while Neo4j does not answer
QUEUE_SIZE = 10_000  # pushes waiting for one slow subscriber; past it, new ones are dropped (and logged)


@dataclass(eq=False)
class Subscriber:
    unit: str
    since: datetime  # the database's clock when it subscribed: older changes are not its news
    queue: asyncio.Queue[PushRow] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))


class PushFeed:
    """The process's poller and its subscribers; made in the app's lifespan, closed there."""

    def __init__(self, graph: Graph, poll_seconds: float = POLL_SECONDS, overlap: timedelta = OVERLAP):
        self.graph, self.poll_seconds, self.overlap = graph, poll_seconds, overlap
        self.subscribers: set[Subscriber] = set()
        self.polls = 0  # for tests and benchmarks: how many polls this process made
        self._task: asyncio.Task[None] | None = None
        self._cursor: datetime | None = None  # the database's clock at the last poll
        self._delivered: dict[tuple[str, datetime], datetime] = {}

    @asynccontextmanager
    async def subscription(self, unit: str) -> AsyncIterator[asyncio.Queue[PushRow]]:
        try:
            since = await loop.clock(self.graph)
        except UNAVAILABLE:
            raise Unavailable("live pushes cannot start now: Neo4j does not answer; subscribe again shortly") \
                from None
        subscriber = Subscriber(unit, since)
        self.subscribers.add(subscriber)
        if self._task is None or self._task.done():
            self._cursor = since
            self._task = asyncio.create_task(self._run(), name="push-feed")
        try:
            yield subscriber.queue
        finally:
            self.subscribers.discard(subscriber)
            if not self.subscribers:
                await self.close()

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        failing = False
        while self.subscribers:
            try:
                await self.poll()
                if failing:
                    log.warning("push poll works again; changes made meanwhile are delivered now")
                    failing = False
                await asyncio.sleep(self.poll_seconds)
            except UNAVAILABLE as exc:  # the cursor stays: what changes meanwhile is read once Neo4j answers
                if not failing:
                    log.warning("push poll failed, retrying every %s s: %s", RETRY_SECONDS, exc)
                    failing = True
                await asyncio.sleep(RETRY_SECONDS)
            except Exception:  # a defect of ours: keep serving the others, say so in the log
                log.exception("push poll failed")
                await asyncio.sleep(RETRY_SECONDS)

    async def poll(self) -> None:
        """One look at the graph: what changed since the last one, and what committed late within `overlap`
        before it (read in full only if it was not delivered yet: under load the window holds thousands)."""
        assert self._cursor is not None
        units = sorted({s.unit for s in self.subscribers})
        changes = await loop.poll(self.graph, self._cursor, self._cursor - self.overlap, units)
        self.polls += 1
        late = [push_id for push_id, at in changes.recent if (push_id, at) not in self._delivered]
        rows = changes.fresh
        if late:
            rows = [r for r in await loop.pushes_by_id(self.graph, late) if r is not None] + rows
        for row in rows:
            self._deliver(row)
        self._cursor = max(self._cursor, changes.now)
        horizon = self._cursor - self.overlap
        self._delivered = {k: at for k, at in self._delivered.items() if at > horizon}

    def _deliver(self, row: PushRow) -> None:
        assert row.changed_at is not None
        if (row.push_id, row.changed_at) in self._delivered:
            return
        self._delivered[(row.push_id, row.changed_at)] = row.changed_at
        for subscriber in self.subscribers:
            if subscriber.unit == row.unit_uscc and row.changed_at >= subscriber.since:
                self._hand(subscriber, row)

    @staticmethod
    def _hand(subscriber: Subscriber, row: PushRow) -> None:
        try:
            subscriber.queue.put_nowait(row)
        except asyncio.QueueFull:
            log.warning("a subscriber of unit %s is %d pushes behind; push %s not delivered live (it is in the inbox)",
                        subscriber.unit, QUEUE_SIZE, row.push_id)


@strawberry.type
class LoopSubscription:
    @strawberry.subscription(description="UNIT: every push addressed to the viewer's agency as it is made or "
                                         "withdrawn (graphql-transport-ws on /graphql).")
    async def pushes(self, info: Info) -> AsyncGenerator[Push, None]:
        feed = info.context.push_feed
        if feed is None:
            raise Unavailable("live pushes are served over graphql-transport-ws on /graphql")
        context = info.context
        async with feed.subscription(context.principal.agency_uscc or "") as queue:
            while True:
                row = await queue.get()
                context.loaders = Loaders(context.graph)  # one connection's context lives for hours: fresh data
                yield Push.from_row(row, today())
