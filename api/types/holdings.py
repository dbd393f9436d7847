"""Dated links: RoleHolding (法定代表人, 主要负责人, 董监高) and Shareholding (股东)."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import strawberry

from api.types.enums import Role
from api.types.organisation import Organisation
from api.types.person import Person
from api.types.subject import Subject, subject_object
from graph.access import HoldingRow, RoleRow

Dated = TypeVar("Dated", RoleRow, HoldingRow)


def dated_on(rows: list[Dated], as_of: date, include_history: bool) -> list[Dated]:
    """Roles or shareholdings in force on the date; with history, every one that had begun by then, newest
    first."""
    if include_history:
        chosen = [r for r in rows if r.startOn is None or r.startOn <= as_of]
    else:
        chosen = [r for r in rows if r.in_force(as_of)]
    return sorted(chosen, key=lambda r: (r.startOn or date.min), reverse=True)


@strawberry.type
class RoleHolding:
    person: Person
    organisation: Organisation
    role: Role
    title: str | None
    from_: date | None = strawberry.field(name="from")
    to: date | None = None

    @classmethod
    def from_row(cls, row: RoleRow, as_of: date) -> RoleHolding:
        return cls(person=Person.from_row(row.person, as_of), organisation=Organisation.from_row(row.org, as_of),
                   role=Role(row.role), title=row.title, from_=row.startOn, to=row.endOn)


@strawberry.type
class Shareholding:
    holder: Subject
    organisation: Organisation
    percent: float | None
    from_: date | None = strawberry.field(name="from")
    to: date | None = None

    @classmethod
    def from_row(cls, row: HoldingRow, as_of: date) -> Shareholding:
        return cls(holder=subject_object(row.holder, as_of), organisation=Organisation.from_row(row.org, as_of),
                   percent=row.percent, from_=row.startOn, to=row.endOn)
