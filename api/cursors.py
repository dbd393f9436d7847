"""Opaque cursors and node ids (base64 of JSON / of 'Type:key')."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from api.dates import ISO_DAY, shown
from api.types.enums import AccountabilityBasis
from graph.access import RecordCursor
from graph.errors import UserError

MAX_FIRST = 100
# Our cursors and ids are a few dozen characters; anything far longer is not one of ours.
MAX_OPAQUE = 1000
# A search offset goes to Cypher's SKIP, a 64-bit integer: a forged one must not reach it.
MAX_OFFSET = 2**31 - 1
ACCOUNTABILITY_BASES = {basis.value for basis in AccountabilityBasis}  # the third value of an accountability cursor


def encode(values: Sequence[object]) -> str:
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, ensure_ascii=False).encode()).decode().rstrip("=")


def _not_a_cursor(cursor: str) -> UserError:
    return UserError(f"after: {shown(cursor)} is not a cursor of this list; pass an endCursor from pageInfo")


def decode_values(cursor: str) -> list[Any]:
    """The JSON list inside a cursor, its items as JSON gives them (the caller checks them); UserError for anything
    else (forged, truncated, from another API)."""
    if len(cursor) > MAX_OPAQUE:
        raise _not_a_cursor(cursor)
    try:
        # binascii.Error, UnicodeDecodeError and JSONDecodeError are all ValueErrors; RecursionError: [[[[…]]]].
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, RecursionError):
        raise _not_a_cursor(cursor) from None
    if not isinstance(values, list):
        raise _not_a_cursor(cursor)
    return values


def decode_record_cursor(cursor: str | None) -> RecordCursor | None:
    """A records cursor is [decidedOn, recordId] or [decidedOn, recordId, basis], all strings."""
    if cursor is None:
        return None
    values = decode_values(cursor)
    if not (2 <= len(values) <= 3 and all(isinstance(v, str) for v in values) and ISO_DAY.fullmatch(values[0])
            and values[1] and (len(values) == 2 or values[2] in ACCOUNTABILITY_BASES)):
        raise _not_a_cursor(cursor)
    try:
        day = date.fromisoformat(values[0])
    except ValueError:  # 2024-02-30
        raise _not_a_cursor(cursor) from None
    return (day, values[1]) if len(values) == 2 else (day, values[1], values[2])


def decode_offset(cursor: str | None) -> int:
    """A search cursor is [position]: the next page starts after it."""
    if cursor is None:
        return 0
    values = decode_values(cursor)
    # type() and not isinstance(): JSON true is a Python bool, an int; 1e400 is a float (inf).
    if len(values) != 1 or type(values[0]) is not int or not 0 <= values[0] < MAX_OFFSET:
        raise _not_a_cursor(cursor)
    return values[0] + 1


def check_first(first: int | None, default: int = 20) -> int:
    """`first` as asked (null means the default), within 0..MAX_FIRST."""
    if first is None:
        return default
    if not 0 <= first <= MAX_FIRST:
        raise UserError(f"first must be between 0 and {MAX_FIRST}, not {first}")
    return first


def node_id(type_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def parse_node_id(value: str) -> tuple[str, str]:
    """(type name, key) of an id given out by node_id(); UserError for anything else."""
    refused = UserError(f"id: {shown(value)} is not an id given out by this API")
    if len(value) > MAX_OPAQUE:
        raise refused
    try:
        type_name, key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split(":", 1)
    except ValueError:  # not base64, not UTF-8 (UnicodeDecodeError), no ':'
        raise refused from None
    if not type_name or not key:  # 'Organisation:' names nothing
        raise refused
    return type_name, key
