"""Subjects: the Node and Subject interfaces and what every subject answers alike; Organisation (an entity with
a 统一社会信用代码), Person (a natural person, shown with a masked ID number and an opaque id), and the dated
links between them, RoleHolding (法定代表人, 主要负责人, 董监高) and Shareholding (股东). One module, because
each of these types answers with the others."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

import strawberry
from strawberry.types.nodes import SelectedField

from api import views
from api.context import Info
from api.cursors import check_first, decode_record_cursor, node_id
from api.types.common import AppliedMeasure, Measure, RecordFilter, Region, Risk
from api.types.enums import Role
from api.types.lazy import (
    LazyAccountabilityConnection,
    LazyCreditRecordConnection,
    LazyListEntry,
)
from graph.access import EntryRow, HoldingRow, OrganisationRow, PersonRow, RecordQuery, RoleRow, SubjectKey
from graph.errors import UserError
from graph.identifiers import mask_id_number
from graph.risk import assess
from graph.rules import entry_active


@strawberry.interface
class Node:
    id: strawberry.ID


def record_query(info: Info, owner: SubjectKey, as_of: date, filter: RecordFilter | None, first: int | None,
                 after: str | None) -> RecordQuery:
    """The page request, with the statuses the caller's view of the owner's file shows (ACTIVE when none are
    asked)."""
    f = filter or RecordFilter()
    view = views.record_view(info.context.principal, owner)
    statuses, own_statuses = views.asked_statuses(view, [s.value for s in f.statuses] if f.statuses else None)
    return RecordQuery(
        as_of=as_of, statuses=statuses, own_statuses=own_statuses, archive_authority=view.archive_authority,
        categories=tuple(sorted(c.value for c in f.categories)) if f.categories else None,
        severities=tuple(sorted(s.value for s in f.severities)) if f.severities else None,
        decided_from=f.decided_from, decided_to=f.decided_to, first=check_first(first),
        after=decode_record_cursor(after),
    )


@strawberry.interface(description="An organisation or a person: anything that has a credit file.")
class Subject:
    id: strawberry.ID
    name: str
    key: strawberry.Private[SubjectKey]
    as_of: strawberry.Private[date]

    @strawberry.field
    async def risk_level(self, info: Info) -> Risk:
        inputs = await info.context.loaders.risk_inputs.load((self.as_of, self.key))
        return Risk.from_result(assess(inputs, self.as_of))

    @strawberry.field
    async def records(self, info: Info, filter: RecordFilter | None = None, first: int | None = 20,
                      after: str | None = None) -> LazyCreditRecordConnection:
        from api.types.pagination import CreditRecordConnection

        query = record_query(info, self.key, self.as_of, filter, first, after)
        page = await info.context.loaders.records_page.load((query, self.key))
        for record_id, people in page.people.items():  # the page query brought them: no second round trip
            info.context.loaders.record_people.prime(record_id, people)
        return CreditRecordConnection.from_page(page, query)

    @strawberry.field
    async def list_entries(self, info: Info, active_only: bool | None = True) -> list[LazyListEntry]:
        from api.types.credit_file import ListEntry

        rows = await visible_entries(info, self.key, self.as_of, active_only is not False)
        return [ListEntry.from_row(row, self.as_of) for row in rows]

    @strawberry.field(description="Joint-punishment measures that apply to the subject on the file's date, "
                                  "each with what triggered it.")
    async def measures(self, info: Info) -> list[AppliedMeasure]:
        return await applied_measures(info, self.key, self.as_of)


async def visible_entries(info: Info, key: SubjectKey, as_of: date, active_only: bool) -> list[EntryRow]:
    rows = await info.context.loaders.entries_of_subject.load(key)
    principal = info.context.principal
    return [row for row in rows
            if views.entry_visible(principal, row, as_of, active_only,
                                   entry_active(as_of, row.listed_on, row.valid_until, row.removed_on))]


async def applied_measures(info: Info, key: SubjectKey, as_of: date) -> list[AppliedMeasure]:
    from api.types.credit_file import ListEntry

    entries = await visible_entries(info, key, as_of, active_only=True)
    if not entries:
        return []
    catalogue = await info.context.loaders.measures.load("all")
    applied = []
    for measure in catalogue:
        triggers = [e for e in entries if measure.triggered_by(e)]
        if triggers:
            applied.append(AppliedMeasure(measure=Measure.from_row(measure),
                                          triggered_by=[ListEntry.from_row(e, as_of) for e in triggers]))
    return applied


def subject_object(row: OrganisationRow | PersonRow, as_of: date) -> Organisation | Person:
    """The GraphQL object of a subject row."""
    if isinstance(row, PersonRow):
        return Person.from_row(row, as_of)
    return Organisation.from_row(row, as_of)


async def load_subject(info: Info, kind: str, subject_id: str, as_of: date) -> Organisation | Person:
    """A record's, entry's, push's … subject from its stored kind and id (USCC or ID number); the graph keeps
    them together, so a missing one is a defect (LookupError)."""
    row: OrganisationRow | PersonRow | None
    if kind == "PERSON":
        row = await info.context.loaders.person_by_id_number.load(subject_id)
    else:
        row = await info.context.loaders.organisation.load(subject_id)
    if row is None:
        raise LookupError(f"the subject {kind} {subject_id} is not in the graph")
    return subject_object(row, as_of)


@strawberry.type
class Organisation(Subject, Node):
    uscc: str
    uscc_checksum_valid: bool
    legal_form: str | None
    region: Region | None
    status: str | None
    established_on: date | None
    address: str | None

    @classmethod
    def from_row(cls, row: OrganisationRow, as_of: date) -> Organisation:
        return cls(
            id=strawberry.ID(node_id("Organisation", row.uscc)), name=row.name, key=row.key, as_of=as_of,
            uscc=row.uscc, uscc_checksum_valid=bool(row.uscc_checksum_valid), legal_form=row.legal_form,
            region=Region.of(row.region_code), status=row.status, established_on=row.established_on,
            address=row.address,
        )

    @strawberry.field
    async def legal_representatives(self, info: Info, include_history: bool | None = False) -> list[RoleHolding]:
        return await self._roles(info, "LEGAL_REPRESENTATIVE", include_history)

    @strawberry.field
    async def principals(self, info: Info, include_history: bool | None = False) -> list[RoleHolding]:
        return await self._roles(info, "PRINCIPAL", include_history)

    @strawberry.field(description="Executives (董监高) in office on the file's date.")
    async def executives(self, info: Info, include_history: bool | None = False) -> list[RoleHolding]:
        return await self._roles(info, "EXECUTIVE", include_history)

    @strawberry.field
    async def shareholders(self, info: Info, include_history: bool | None = False) -> list[Shareholding]:
        return await self._holdings(info, "SHAREHOLDER", include_history)

    @strawberry.field
    async def investments(self, info: Info, include_history: bool | None = False) -> list[Shareholding]:
        return await self._holdings(info, "INVESTMENT", include_history)

    async def _roles(self, info: Info, role: str, include_history: bool | None) -> list[RoleHolding]:
        rows = await info.context.loaders.roles.load(("ORGANISATION", self.uscc))
        return [RoleHolding.from_row(r, self.as_of) for r in dated_on(rows, self.as_of, bool(include_history))
                if r.role == role]

    async def _holdings(self, info: Info, side: str, include_history: bool | None) -> list[Shareholding]:
        rows = await info.context.loaders.holdings.load(self.uscc)
        return [Shareholding.from_row(r, self.as_of) for r in dated_on(rows, self.as_of, bool(include_history))
                if r.side == side]


def prefetch(info: Info, uscc: str, as_of: date) -> None:
    """Start the loads of the organisation's selected children together with the organisation itself, so that
    a credit file takes one level of round trips less. Children asked with arguments other than `first` and
    `includeHistory` are left to their resolvers."""
    loaders, key = info.context.loaders, ("ORGANISATION", uscc)
    starters: dict[str, Callable[[dict[str, Any]], Awaitable[object]]] = {
        "legalRepresentatives": lambda a: loaders.roles.load(key), "principals": lambda a: loaders.roles.load(key),
        "executives": lambda a: loaders.roles.load(key), "shareholders": lambda a: loaders.holdings.load(uscc),
        "investments": lambda a: loaders.holdings.load(uscc),
        "listEntries": lambda a: loaders.entries_of_subject.load(key),
        "measures": lambda a: loaders.entries_of_subject.load(key),
        "riskLevel": lambda a: loaders.risk_inputs.load((as_of, key)),
        "records": lambda a: loaders.records_page.load(
            (record_query(info, key, as_of, None, _int(a.get("first", 20)), None), key)),
    }
    for field in info.selected_fields[0].selections:
        if not isinstance(field, SelectedField) or field.name not in starters:
            continue
        if set(field.arguments) - {"first", "includeHistory", "activeOnly"}:
            continue
        try:
            future = asyncio.ensure_future(starters[field.name](field.arguments))
        except (UserError, ValueError, TypeError):
            continue  # a bad argument: the field's resolver will say what is wrong
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # errors surface in the resolvers


def _int(value: object) -> int:
    """An argument as the selection gives it (literals come as text); TypeError for anything else."""
    if isinstance(value, int | str):
        return int(value)
    raise TypeError(f"not a number: {value!r}")


@strawberry.type
class Person(Subject, Node):
    id_number_masked: str = strawberry.field(description="First 6 and last 4 characters; the rest masked.")
    id_type: str = strawberry.field(description="RESIDENT_ID, PASSPORT or OTHER.")
    full_id_number: strawberry.Private[str]

    @strawberry.field(description="The full ID number: INVESTIGATOR and ADMIN only; the purpose is written to the "
                                  "access log (api/views.py, api/accesslog.py).")
    def id_number(self, purpose: str) -> str | None:
        return self.full_id_number

    @classmethod
    def from_row(cls, row: PersonRow, as_of: date) -> Person:
        return cls(id=strawberry.ID(node_id("Person", row.pid)), name=row.name, key=row.key, as_of=as_of,
                   id_number_masked=mask_id_number(row.id_number), id_type=row.id_type,
                   full_id_number=row.id_number)

    @strawberry.field
    async def roles(self, info: Info, include_history: bool | None = False) -> list[RoleHolding]:
        rows = await info.context.loaders.roles.load(("PERSON", self.key[1]))
        return [RoleHolding.from_row(r, self.as_of) for r in dated_on(rows, self.as_of, bool(include_history))]

    @strawberry.field(description="Records of organisations the person led on the decision date, and records "
                                  "naming the person as responsible (measure 八).")
    async def accountable_records(self, info: Info, filter: RecordFilter | None = None, first: int | None = 20,
                                  after: str | None = None) -> LazyAccountabilityConnection:
        from api.types.pagination import AccountabilityConnection

        query = record_query(info, self.key, self.as_of, filter, first, after)
        page = await info.context.loaders.accountable_page.load((query, self.key[1]))
        return AccountabilityConnection.from_page(page, query, self)


Dated = TypeVar("Dated", RoleRow, HoldingRow)


def dated_on(rows: list[Dated], as_of: date, include_history: bool) -> list[Dated]:
    """Roles or shareholdings in force on the date; with history, every one that had begun by then, newest
    first."""
    if include_history:
        chosen = [r for r in rows if r.start_on is None or r.start_on <= as_of]
    else:
        chosen = [r for r in rows if r.in_force(as_of)]
    return sorted(chosen, key=lambda r: (r.start_on or date.min), reverse=True)


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
                   role=Role(row.role), title=row.title, from_=row.start_on, to=row.end_on)


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
                   percent=row.percent, from_=row.start_on, to=row.end_on)
