"""The Starlette application: /graphql (with GraphiQL), /healthz, /readyz, the pages /explore and /dashboard, /static,
behind the HTTP guards."""

from __future__ import annotations

import codecs
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from cross_web import (  # strawberry's own refusal type (its view raises and catches it)
    AsyncHTTPRequestAdapter,
    HTTPException,
)
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

import settings
from api import http, logs, pages
from api.auth import PUBLIC, Authenticator, AuthMiddleware
from api.context import Context, new_context
from api.limits import code_of
from api.live import PushFeed
from api.schema import build_schema
from graph.errors import ClientError
from graph.store import schema as graph_schema
from graph.store.driver import UNAVAILABLE, Graph, open_driver

log = logging.getLogger("creditfile")

DEFAULT_QUERY = """# Welcome to creditfile. Press ▶ to run.
# Without a key you are PUBLIC; `make run` printed a demo key: paste its line into the Headers tab below.
{
  viewer { role }
  search(text: "科技", first: 5) {
    totalCount
    edges { score node { __typename name ... on Organisation { uscc } } }
  }
}
"""


class TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, closing the connection with a reason when the credential of `connection_init` is
    refused: 4401 (not a live credential), 1013 (Neo4j does not answer: try again later)."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except ClientError as exc:
            code = {"UNAUTHENTICATED": 4401, "RATE_LIMITED": 4429}.get(exc.code, 1013)
            await self.websocket.close(code=code, reason=str(exc).encode()[:120].decode(errors="ignore"))


class CreditfileGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context, our offline GraphiQL page, and GraphQL over HTTP's rules: a strict
    JSON body, application/graphql-response+json on request, and an HTTP status that follows the errors' codes."""

    graphql_transport_ws_handler_class = TransportWS

    def __init__(self, graph_of: Callable[[Request | WebSocket], Graph], **kwargs: Any):
        # Subscriptions speak graphql-transport-ws only (the contract's protocol).
        super().__init__(build_schema(), subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,), **kwargs)
        self._graph_of = graph_of
        self._authenticator: Authenticator | None = None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # The principal was set by api.auth.AuthMiddleware; PUBLIC when no credential was sent.
        context = new_context(self._graph_of(request), getattr(request.state, "principal", PUBLIC))
        context.push_feed = getattr(request.app.state, "push_feed", None)
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A credential in the connection_init payload, {"Authorization": "Bearer …"} (browsers cannot set the
        upgrade's headers), replaces the upgrade's; refused as the header would be (TransportWS closes)."""
        params = context.connection_params or {}
        authorization = params.get("Authorization", params.get("authorization"))
        if authorization is not None:
            if self._authenticator is None:
                self._authenticator = Authenticator.from_settings(context.graph)
            context.principal = await self._authenticator.principal(str(authorization))
        return await super().on_ws_connect(context)

    async def render_graphql_ide(self, request: Request) -> Response:
        page = Path(__file__).with_name("graphiql.html").read_text(encoding="utf-8")
        return HTMLResponse(page.replace("__DEFAULT_QUERY__", json.dumps(DEFAULT_QUERY)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:  # strawberry answers these in plain text; a GraphQL client expects errors
            media = http.response_media_type(request.headers.get("accept"))
            response = Response(http.error_body(exc.reason, "BAD_USER_INPUT"), exc.status_code, media_type=media)
        await response(scope, receive, send)

    async def parse_http_body(
            self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method != "POST":
            return await super().parse_http_body(request)
        data = json_object(request.content_type, await request.get_body())
        for name, kind in (("query", str), ("operationName", str), ("variables", dict), ("extensions", dict)):
            if not isinstance(data.get(name), (kind, type(None))):
                raise HTTPException(400, f"`{name}` must be {'a string' if kind is str else 'an object'} or null.")
        return GraphQLRequestData(query=data.get("query"), variables=data.get("variables"),
                                  operation_name=data.get("operationName"), extensions=data.get("extensions"))

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        response = await super().get_sub_response(request)
        response.media_type = http.response_media_type(request.headers.get("accept"))
        request.state.graphql_response = response  # for process_result, which sets its status
        return response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        body = await super().process_result(request, result)
        response: Response | None = getattr(request.state, "graphql_response", None)
        if response is None:  # not a plain HTTP answer (a stream): its status is already sent
            return body
        status, retry_after = result_status(result, strict=response.media_type == http.GRAPHQL_JSON)
        if status != 200 or refused_before_execution(result):
            body.pop("data", None)  # no data entry: nothing was executed, or the answer as a whole failed
        response.status_code = status
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return body

    def create_response(self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
                        sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = sub_response.media_type or http.JSON
        return response


HINT = 'send a JSON object such as {"query": "{ __typename }", "variables": {}}'


def json_object(content_type: str | None, body: bytes) -> dict[str, Any]:
    """A POST body as GraphQL over HTTP has it, UTF-8 JSON holding an object; else 415 or 400 saying what to send."""
    media, params = parse_content_type(content_type or "")
    if media.lower() != http.JSON:
        raise HTTPException(415, f"Content-Type must be application/json, not {media[:60] or 'none'}: {HINT}.")
    if not _is_utf8(params.get("charset", "utf-8")):
        raise HTTPException(415, f"The body must be UTF-8 (Content-Type: application/json; charset=utf-8): {HINT}.")
    if not body.strip():
        raise HTTPException(400, f"The body is empty: {HINT}.")
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise HTTPException(400, f"The body is not valid UTF-8: {HINT}, encoded in UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise HTTPException(400, f"The body is not JSON ({exc.msg}, line {exc.lineno} column {exc.colno}): "
                                 f"{HINT}.") from None
    if not isinstance(data, dict):
        kind = {str: "a string", list: "an array", type(None): "null"}.get(type(data), "a number or boolean")
        raise HTTPException(400, f"The body is {kind}, not an object: {HINT}.")
    return data


def _is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False


def refused_before_execution(result: ExecutionResult) -> bool:
    """Parse, validation and variable errors, and refusals in place of execution: they carry no path."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


def result_status(result: ExecutionResult, strict: bool) -> tuple[int, int | None]:
    """The HTTP status of a GraphQL result and its Retry-After. 503 when Neo4j failed any part of it, 429 when
    rate-limited: the answer is to retry, and proxies and clients act on the status. A refusal before execution
    takes its error's `http_status` (200 for most); with application/graphql-response+json at least 400, as
    GraphQL over HTTP has it, while application/json clients expect 200 with errors."""
    errors = result.errors or []
    codes = [((e.extensions or {}).get("code") or code_of(e), e) for e in errors]
    for wanted, status in (("UNAVAILABLE", 503), ("RATE_LIMITED", 429)):
        for code, error in codes:
            if code == wanted:
                extra = getattr(error.original_error, "extensions", None) or {}
                return status, int(extra.get("retryAfterSeconds") or http.RETRY_AFTER_SECONDS)
    if refused_before_execution(result):
        status = max((e.original_error.http_status for e in errors if isinstance(e.original_error, ClientError)),
                     default=200)
        return (400 if strict and status < 400 else status), None
    return 200, None


def create_app(apply_schema: bool = True) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        driver = open_driver()
        app.state.graph = Graph(driver, causal_reads=False)
        app.state.push_feed = PushFeed(app.state.graph)  # live pushes: one poller per process, while subscribed
        if apply_schema:
            try:
                await graph_schema.apply(driver)
            except UNAVAILABLE as exc:  # serve anyway: /readyz says what is wrong until Neo4j answers
                log.warning("Neo4j is not reachable at start-up, schema not applied: %s", exc)
        try:
            yield
        finally:
            await app.state.push_feed.close()
            await driver.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await request.app.state.graph.ping()
        except Exception as exc:  # any failure to reach Neo4j means "not ready"; its detail is for our log only
            log.warning("not ready: Neo4j does not answer: %s", exc)
            return JSONResponse(
                {"status": "unavailable", "reason": "Neo4j does not answer",
                 "retryAfterSeconds": http.RETRY_AFTER_SECONDS},
                status_code=503, headers={"Retry-After": str(http.RETRY_AFTER_SECONDS)},
            )
        return JSONResponse({"status": "ready"})

    graphql = CreditfileGraphQL(lambda request: request.app.state.graph)
    logs.install()
    conf = settings.app()
    return Starlette(
        middleware=[
            # Outermost first. The request log sees every answer, the guards' refusals too. Authentication comes
            # last: inside the deadline and the disconnect watch, as it may wait on Neo4j.
            Middleware(logs.RequestLog),
            Middleware(http.Deadline, seconds=conf.request_timeout_seconds),
            Middleware(http.BodyLimit, max_bytes=conf.max_body_bytes),
            Middleware(http.BodyTimeout, seconds=conf.body_timeout_seconds),
            Middleware(http.CancelOnDisconnect),
            Middleware(AuthMiddleware),
        ],
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # subscriptions (graphql-transport-ws)
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *pages.ROUTES,  # /explore, /dashboard, /regions.json and /static (api/pages.py)
        ],
        lifespan=lifespan,
    )
