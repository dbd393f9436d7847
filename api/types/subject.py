"""The Node and Subject interfaces, and what every subject (organisation or person) answers alike."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import strawberry

from api import views
from api.context import Info
from api.cursors import check_first, decode_record_cursor
from api.types.common import AppliedMeasure, Measure, RecordFilter, Risk
from api.types.lazy import LazyCreditRecordConnection, LazyListEntry
from graph.access import EntryRow, OrganisationRow, PersonRow, RecordQuery, SubjectKey
from graph.risk import assess
from graph.rules import entry_active

if TYPE_CHECKING:
    from api.types.organisation import Organisation
    from api.types.person import Person


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
        from api.types.list_entry import ListEntry

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
                                   entry_active(as_of, row.listedOn, row.validUntil, row.removedOn))]


async def applied_measures(info: Info, key: SubjectKey, as_of: date) -> list[AppliedMeasure]:
    from api.types.list_entry import ListEntry

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
    from api.types.organisation import Organisation
    from api.types.person import Person

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
