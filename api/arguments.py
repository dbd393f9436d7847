"""Checks of the arguments several resolvers take alike: a USCC, an ID number. Each returns the value as stored
or raises `UserError` naming the argument and what is wrong with it. (The day an `asOf` defaults to is
`api.dates.today()`.)"""

from __future__ import annotations

from graph.errors import UserError
from graph.identifiers import IdentifierError, parse_id_number, parse_uscc


def valid_uscc(raw: str) -> str:
    try:
        return parse_uscc(raw).code
    except IdentifierError as exc:
        raise UserError(f"uscc: {exc}") from None


def valid_id_number(raw: str) -> str:
    try:
        return parse_id_number(raw)
    except IdentifierError as exc:
        raise UserError(f"idNumber: {exc}") from None

