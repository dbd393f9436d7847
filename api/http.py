"""Guards every HTTP request passes, as small pure-ASGI middlewares: body size, body read time, a deadline for
the whole request, and cancelling the work of a client that went away. Their refusals are GraphQL-shaped JSON.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON = "application/json"
GRAPHQL_JSON = "application/graphql-response+json"
RETRY_AFTER_SECONDS = 5


class BodyTooLarge(Exception):
    """Raised from `receive` once the body passes the limit; answered 413."""


class BodyTimedOut(Exception):
    """Raised from `receive` when the body did not arrive in time; answered 408."""


class ClientGone(Exception):
    """The client disconnected before the answer: its work was cancelled and nobody is left to answer."""


def response_media_type(accept: str | None) -> str:
    """application/graphql-response+json when the client asks for it at least as much as application/json
    (GraphQL over HTTP); application/json otherwise, also for */* and for no Accept at all."""
    best, best_q = JSON, 0.0
    for part in (accept or "").split(","):
        media, _, params = part.partition(";")
        media, q = media.strip().lower(), _quality(params)
        if media == GRAPHQL_JSON and q > 0 and q >= best_q:
            best, best_q = GRAPHQL_JSON, q
        elif media == JSON and q > best_q:
            best, best_q = JSON, q
    return best


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def error_body(message: str, code: str) -> bytes:
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]},
                      ensure_ascii=False).encode()


def header(scope: Scope, name: bytes) -> str | None:
    headers: Iterable[tuple[bytes, bytes]] = scope.get("headers", ())
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def send_error(scope: Scope, send: Send, status: int, message: str, code: str = "BAD_USER_INPUT",
                     headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    body = error_body(message, code)
    media = response_media_type(header(scope, b"accept")).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


# Sent with a refusal that leaves part of the body unread, so that the server closes the connection at once
# instead of reading (and discarding) the rest.
CLOSE = (b"connection", b"close")
RETRY = (b"retry-after", str(RETRY_AFTER_SECONDS).encode())


class _Started:
    """Wraps `send` to know whether the response has begun (after that, a refusal can no longer be sent)."""

    def __init__(self, send: Send):
        self._send, self.started = send, False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


class BodyLimit:
    """413 for a body over `max_bytes`: at once when Content-Length says so, else as soon as the bytes read pass
    the limit (chunked bodies, or a Content-Length that lies), before the body is held whole."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        message = f"The body is larger than {self.max_bytes:,} bytes; send a smaller document or fewer variables."
        length = header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_bytes:
            return await send_error(scope, send, 413, message, headers=[CLOSE])
        read = 0

        async def limited() -> Message:
            nonlocal read
            received = await receive()
            if received["type"] == "http.request":
                read += len(received.get("body", b""))
                if read > self.max_bytes:
                    raise BodyTooLarge
            return received

        tracked = _Started(send)
        try:
            await self.app(scope, limited, tracked)
        except BodyTooLarge:
            if tracked.started:
                raise
            await send_error(scope, send, 413, message, headers=[CLOSE])


class BodyTimeout:
    """408 when the whole body has not arrived `seconds` after the request began: a client sending a byte at a
    time cannot hold a connection (and a worker's memory) for long."""

    def __init__(self, app: ASGIApp, seconds: float):
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        deadline = asyncio.get_running_loop().time() + self.seconds
        body_done = False

        async def timed() -> Message:
            nonlocal body_done
            if body_done:  # later calls wait for the disconnect, which may take as long as the answer
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    received = await receive()
            except TimeoutError:
                raise BodyTimedOut from None
            body_done = received["type"] != "http.request" or not received.get("more_body", False)
            return received

        tracked = _Started(send)
        try:
            await self.app(scope, timed, tracked)
        except BodyTimedOut:
            if tracked.started:
                raise
            await send_error(scope, send, 408, f"The body did not arrive within {self.seconds:g} s; send it "
                             "in one go.", headers=[CLOSE])


class Deadline:
    """503 UNAVAILABLE with Retry-After when a request takes longer than `seconds`; its work is cancelled.
    503 rather than 504: no gateway timed out, this server chose to stop, and UNAVAILABLE is the one code
    clients already treat as "retry later" (as for Neo4j being down)."""

    def __init__(self, app: ASGIApp, seconds: float):
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        tracked = _Started(send)
        try:
            async with asyncio.timeout(self.seconds) as timeout:
                await self.app(scope, receive, tracked)
        except TimeoutError:
            if not timeout.expired() or tracked.started:
                raise
            await send_error(scope, send, 503, f"The request took longer than {self.seconds:g} s and was stopped; "
                             "ask for less (a smaller depth or page) or try again later.", "UNAVAILABLE",
                             headers=[RETRY])


class CancelOnDisconnect:
    """Cancels the app when the client disconnects before the answer is sent, so that its resolvers (and their
    Neo4j queries) stop instead of running on for nobody; raises `ClientGone` then.

    The disconnect is watched once the body has been read (before that, the app's own reads see it), by reading
    the next message from the server, which can only be `http.disconnect`."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        gone: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        early: list[Message] = []
        answered = False
        watcher: asyncio.Future[None] | None = None
        app: asyncio.Future[None] | None = None

        async def watch() -> None:
            gone.set_result(await receive())
            if not answered and app is not None:
                app.cancel()

        async def app_receive() -> Message:
            nonlocal watcher
            if early:
                return early.pop()
            if watcher is not None:
                return await asyncio.shield(gone)
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                watcher = asyncio.ensure_future(watch())
            return message

        async def app_send(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True
            await send(message)

        if not _has_body(scope):  # e.g. a GET: the app may never read, so take the empty body for it
            early.append(await receive())
            if early[0]["type"] == "http.disconnect":
                raise ClientGone
        app = asyncio.ensure_future(self.app(scope, app_receive, app_send))
        if early:
            watcher = asyncio.ensure_future(watch())
        try:
            await app
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if gone.done() and not answered and not (current and current.cancelling()):
                raise ClientGone from None
            raise
        finally:
            if watcher is not None:
                watcher.cancel()


def _has_body(scope: Scope) -> bool:
    length = header(scope, b"content-length")
    return header(scope, b"transfer-encoding") is not None or (length is not None and length.strip() != "0")
