"""Opaque cursors and node ids (base64 of JSON / of 'Type:key')."""

from __future__ import annotations

import base64
import json
from datetime import date

from api.errors import UserError

MAX_FIRST = 100


def encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, ensure_ascii=False).encode()).decode().rstrip("=")


def decode_record_cursor(cursor: str | None) -> tuple | None:
    """A records cursor is [decidedOn, recordId] or [decidedOn, recordId, basis]."""
    if cursor is None:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return (date.fromisoformat(values[0]), str(values[1]), *(str(v) for v in values[2:3]))
    except (ValueError, TypeError, IndexError, json.JSONDecodeError):
        raise UserError(f"after: {cursor!r} is not a cursor of this list; pass an endCursor from pageInfo") from None


def decode_offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return int(values[0]) + 1
    except (ValueError, TypeError, IndexError, json.JSONDecodeError):
        raise UserError(f"after: {cursor!r} is not a cursor of this list; pass an endCursor from pageInfo") from None


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
    try:
        type_name, key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split(":", 1)
        return type_name, key
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"id: {value!r} is not an id given out by this API") from None
