"""Calendar days of the API: the strict `Date` scalar (YYYY-MM-DD only) and `today()`, the day in China
(graph.rules.CHINA)."""

from __future__ import annotations

import re
from datetime import date, datetime

import strawberry
from graphql import GraphQLError
from strawberry.schema.types.base_scalars import isoformat

from graph.errors import UserError
from graph.rules import CHINA

# re.ASCII: `\d` would otherwise take any Unicode digit (e.g. '２０２４' or '٢٠٢٤').
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def today() -> date:
    """Today in China (China Standard Time), whatever the server's time zone: what `asOf` defaults to."""
    return datetime.now(CHINA).date()


def shown(value: object, limit: int = 40) -> str:
    """A client's value quoted in a message, cut so that a huge input does not come back whole."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_day(value: object) -> date:
    """A `Date` argument: exactly YYYY-MM-DD and a real day. Python's fromisoformat alone would also take
    20240101 and 2024-W01-1."""
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _refused(value, ": there is no such day") from None
    raise _refused(value)


def _refused(value: object, why: str = "") -> GraphQLError:
    # A GraphQLError, so that graphql-core reports the message as it is (any other exception is wrapped in
    # "Expected value of type 'Date', but encountered error ...").
    return GraphQLError(f"Date: expected YYYY-MM-DD, e.g. 2024-05-01, not {shown(value)}{why}",
                        extensions={"code": UserError.code})


# Served under the contract's name `Date` in place of strawberry's own (api/schema.py: scalar_overrides).
Date = strawberry.scalar(
    name="Date", description="A calendar day, YYYY-MM-DD (e.g. 2024-05-01).",
    serialize=isoformat, parse_value=parse_day,
)
