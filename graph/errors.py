"""Errors a client can act on, each with its `extensions.code` (the list in the shared access.md).

Raise one of these from anywhere below a resolver; `CodedErrors` (api/schema.py) gives every GraphQL error of
a response its code (`code_of`). Anything else is a defect of ours: it is logged and answered as
INTERNAL_SERVER_ERROR, with no detail. A user's mistake must never end up there.
"""

from __future__ import annotations


class ClientError(Exception):
    """A refusal the client can act on: the message says what to do."""

    code = "BAD_USER_INPUT"
    # The HTTP status the whole response takes when this error is raised before or instead of execution.
    http_status = 200

    def __init__(self, message: str, **extensions: object):
        super().__init__(message)
        self.extensions = extensions


class UserError(ClientError):
    """Bad input: the message says what to fix."""

    code = "BAD_USER_INPUT"


class NotFound(ClientError):
    code = "NOT_FOUND"


class Forbidden(ClientError):
    code = "FORBIDDEN"


class Conflict(ClientError):
    code = "CONFLICT"


class Unauthenticated(ClientError):
    code = "UNAUTHENTICATED"
    http_status = 401


class RateLimited(ClientError):
    code = "RATE_LIMITED"
    http_status = 429


class QueryTooCostly(ClientError):
    code = "QUERY_TOO_COSTLY"


class Unavailable(ClientError):
    """Neo4j (or the access log) cannot be reached: try again shortly."""

    code = "UNAVAILABLE"
    http_status = 503


INTERNAL = "INTERNAL_SERVER_ERROR"
INTERNAL_MESSAGE = "Internal error; it has been logged."
