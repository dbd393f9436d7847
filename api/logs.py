"""Structured logs: one JSON line per request, with a request id, and never a document, a variable or a full
ID number in any line.

`RequestLog` (outermost middleware) gives each request its id (also sent back as `X-Request-Id`) and writes the
line; `OperationForLog` (a schema extension) adds the GraphQL operation's name and type; `GraphQLErrorLog` keeps
strawberry from writing documents into error lines; `JsonLines` masks ID numbers in whatever is left.
"""

from __future__ import annotations

import contextvars
import enum
import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from api.http import ClientGone, error_body, header
from graph.errors import INTERNAL, INTERNAL_MESSAGE

log = logging.getLogger("creditfile.http")

_record: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("request_record", default=None)

# A caller's own id is echoed when it is a plain token; anything else gets a new one.
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# A resident ID number (GB 11643: region, birth date, sequence, check character), wherever it appears.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([0-9Xx])(?![0-9A-Za-z])")


def request_id() -> str | None:
    record = _record.get()
    return record["request_id"] if record else None


class RequestLog:
    """One line per request: request_id, method, path, status, duration_ms, and for GraphQL operation_name,
    operation_type and role. An exception that escapes the app is logged with its traceback (never the
    request) and answered 500; a client that left is logged as 499."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = header(scope, b"x-request-id")
        rid = incoming if incoming and _GOOD_ID.match(incoming) else uuid.uuid4().hex
        record: dict[str, Any] = {"request_id": rid, "method": scope["method"], "path": scope["path"]}
        token = _record.set(record)
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                record["status"] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientGone:
            record["status"] = 499  # nginx's "client closed request"
        except Exception:
            log.exception("unhandled error", extra={"request_id": rid})
            if "status" not in record:
                body = error_body(f"{INTERNAL_MESSAGE} (request {rid})", INTERNAL)
                await send_with_id({"type": "http.response.start", "status": 500,
                                    "headers": [(b"content-type", b"application/json"),
                                                (b"content-length", str(len(body)).encode())]})
                await send_with_id({"type": "http.response.body", "body": body})
        finally:
            record["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
            if "operation_type" in record:
                record["role"] = _role(scope)
            log.info("request", extra=record)
            _record.reset(token)


def _role(scope: Scope) -> str:
    """The caller's role as the authentication middleware left it in `request.state.principal`."""
    principal = scope.get("state", {}).get("principal")
    role = getattr(principal, "role", None)
    if role is None:
        return "PUBLIC"
    return str(role.value if isinstance(role, enum.Enum) else role)


class OperationForLog(SchemaExtension):
    """Puts the operation's name (as written in the document) and type into the request's log line."""

    def on_operation(self) -> Iterator[None]:
        yield
        record, context = _record.get(), self.execution_context
        if record is None or context.graphql_document is None:
            return
        try:
            record["operation_type"] = context.operation_type.value
        except RuntimeError:  # no such operation in the document: the client has been told
            return
        name = context.operation_name
        record["operation_name"] = name[:100] if name else None


class GraphQLErrorLog(logging.Filter):
    """Drops strawberry's own error lines: it logs every GraphQL error as `str(error)`, which quotes the document
    (all of it when it is one line), with a traceback even for a user's typo. Errors the client can act on were
    answered to it; our defects are logged by `CodedErrors` (api/limits.py) with their traceback and path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not isinstance(record.msg, GraphQLError)


class RequestIdFilter(logging.Filter):
    """Stamps every line written during a request with its id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonLines(JsonFormatter):
    """One JSON object per line (python-json-logger), ID numbers masked as on the API (320525********123X)."""

    def __init__(self) -> None:
        super().__init__("{levelname}{name}{message}", style="{", timestamp=True,
                         rename_fields={"levelname": "level", "name": "logger"},
                         reserved_attrs=[*RESERVED_ATTRS, "color_message"])  # uvicorn's ANSI copy of a message

    def serialize_log_record(self, log_data: dict[str, Any]) -> str:
        return _ID_NUMBER.sub(r"\1********\3\4", super().serialize_log_record(log_data))


_error_filter = GraphQLErrorLog()


def install() -> None:
    """Idempotent: the filter object is added once to strawberry's logger."""
    logging.getLogger("strawberry.execution").addFilter(_error_filter)


def config(level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` for the server: everything (uvicorn's own lines too) as JSON on stderr.
    Names, not objects, so that each worker process builds its own."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "api.logs.RequestIdFilter"}},
        "formatters": {"json": {"()": "api.logs.JsonLines"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"],
                                "stream": "ext://sys.stderr"}},
        "loggers": {"uvicorn": {"handlers": [], "propagate": True}},
        "root": {"level": level, "handlers": ["stderr"]},
    }
