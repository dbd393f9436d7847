"""Push (定向推送) and Feedback (响应/反馈), the inbox's connection, and the loop's inputs and payload."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from api.auth import Role
from api.context import Info
from api.cursors import decode_values, encode, node_id
from api.dates import ISO_DAY, shown
from api.errors import Forbidden, UserError
from api.types.common import Agency, Measure, PageInfo
from api.types.enums import ListType
from api.types.list_entry import ListEntry
from api.types.subject import Node, Subject, load_subject
from graph.access import EntryRow, MeasureRow
from graph.loop import PushRow
from graph.rules import CHINA


@strawberry.enum
class PushStatus(Enum):
    PENDING = "PENDING"
    ANSWERED = "ANSWERED"
    WITHDRAWN = "WITHDRAWN"


@strawberry.enum
class FeedbackOutcome(Enum):
    APPLIED = "APPLIED"
    NOT_APPLICABLE = "NOT_APPLICABLE"


@strawberry.type
class Feedback:
    outcome: FeedbackOutcome
    acted_on: date = strawberry.field(description="The day the unit acted (applied the measure, or found it not "
                                                  "applicable).")
    note: str | None
    case_reference: str | None = strawberry.field(description="The unit's own case number (归集上报的惩戒案例).")
    answered_at: datetime
    by: Agency

    @classmethod
    def from_row(cls, row: PushRow) -> Feedback:
        assert row.answeredAt is not None and row.actedOn is not None
        return cls(outcome=FeedbackOutcome(row.outcome), acted_on=row.actedOn, note=row.note,
                   case_reference=row.caseReference, answered_at=row.answeredAt.astimezone(CHINA),
                   by=Agency(name=row.answeredByName or row.answeredByUscc or "", uscc=row.answeredByUscc))


@strawberry.type(description="One listed subject pushed to one implementing unit for one measure (定向推送, "
                             "measure 六).")
class Push(Node):
    push_id: str
    unit: Agency
    pushed_on: date
    due_on: date = strawberry.field(description="Feedback is due by this day (pushedOn + the feedback period, "
                                                "workflow.md).")
    status: PushStatus
    overdue: bool = strawberry.field(description="PENDING and past dueOn on the file's date.")
    feedback: Feedback | None
    withdrawn_on: date | None = strawberry.field(
        description="Set when the entry ends early (removal, repair, upheld objection): the unit should lift the "
                    "measure.")
    row: strawberry.Private[PushRow]
    as_of: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: PushRow, as_of: date) -> Push:
        """The push as it stood on `as_of` (status, overdue, feedback and withdrawal as of that day)."""
        return cls(
            id=strawberry.ID(node_id("Push", row.pushId)), push_id=row.pushId,
            unit=Agency(name=row.unitName or row.unitUscc, uscc=row.unitUscc), pushed_on=row.pushedOn,
            due_on=row.dueOn, status=PushStatus(row.status(as_of)), overdue=row.overdue(as_of),
            feedback=Feedback.from_row(row) if row.answered_by(as_of) else None,
            withdrawn_on=row.withdrawnOn if row.withdrawnOn and row.withdrawnOn <= as_of else None,
            row=row, as_of=as_of,
        )

    @strawberry.field
    async def entry(self, info: Info) -> ListEntry:
        found = await info.context.loaders.entry_by_id.load(self.row.entryId)
        assert found is not None, f"push {self.row.pushId} without its entry"
        return ListEntry.from_row(found.entry, self.as_of)

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subjectKind, self.row.subjectId, self.as_of)

    @strawberry.field
    async def measure(self, info: Info) -> Measure:
        catalogue: list[MeasureRow] = await info.context.loaders.measures.load("all")
        found = next((m for m in catalogue if m.code == self.row.measureCode), None)
        if found is None:  # taken out of the catalogue since: the push still names it
            found = MeasureRow(code=self.row.measureCode, name=self.row.measureCode, listType="",
                               implementerName=self.row.unitName, implementerUscc=self.row.unitUscc)
        return Measure.from_row(found)


@strawberry.type
class PushEdge:
    cursor: str
    node: Push


@strawberry.type
class PushConnection:
    total_count: int
    page_info: PageInfo
    edges: list[PushEdge]

    @classmethod
    def from_page(cls, total: int, rows: list[PushRow], first: int, as_of: date, after: object) -> PushConnection:
        edges = [PushEdge(cursor=encode([r.pushedOn, r.pushId]), node=Push.from_row(r, as_of)) for r in rows[:first]]
        return cls(total_count=total, edges=edges, page_info=PageInfo(
            has_next_page=len(rows) > first, has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


async def entry_pushes(info: Info, entry: EntryRow, as_of: date) -> list[Push]:
    """ListEntry.pushes: for the authority that listed the entry, INVESTIGATOR and ADMIN (the roles: views.RULES);
    the pushes made by the file's date."""
    principal = info.context.principal
    if principal.role is Role.AUTHORITY and entry.authorityUscc != principal.agency_uscc:
        raise Forbidden(f"pushes of entry {entry.entryId} are for the authority that listed it, INVESTIGATOR or "
                        "ADMIN")
    rows = await info.context.loaders.pushes_of_entry.load(entry.entryId)
    return [Push.from_row(r, as_of) for r in rows if r.pushedOn <= as_of]


def decode_push_cursor(cursor: str | None) -> tuple[date, str] | None:
    """An inbox cursor is [pushedOn, pushId]."""
    if cursor is None:
        return None
    values = decode_values(cursor)
    if len(values) == 2 and all(isinstance(v, str) for v in values) and ISO_DAY.fullmatch(values[0]) and values[1]:
        try:
            return date.fromisoformat(values[0]), values[1]
        except ValueError:
            pass
    raise UserError(f"after: {shown(cursor)} is not a cursor of this list; pass an endCursor from pageInfo")


# --- The loop's inputs and payload (contract-next.graphql) ---

@strawberry.input(description="Exactly one of the two.")
class SubjectRef:
    uscc: str | None = None
    id_number: str | None = None


@strawberry.input
class InitiateListingInput:
    idempotency_key: str = strawberry.field(description="Unique per credential: a retry with the same key and input "
                                                        "returns the first result and changes nothing.")
    subject: SubjectRef
    list_type: ListType
    domain: str
    listed_on: date
    valid_until: date | None = strawberry.field(default=None, description="Default: listedOn + 3 years.")
    reason: str
    based_on_record_id: str | None = strawberry.field(default=None,
                                                      description="A record of the same subject, ACTIVE on listedOn.")


@strawberry.input
class RemoveListingInput:
    idempotency_key: str
    entry_id: str
    removed_on: date
    reason: str


@strawberry.input
class FeedbackInput:
    idempotency_key: str
    push_id: str
    outcome: FeedbackOutcome
    acted_on: date
    note: str | None = None
    case_reference: str | None = None


@strawberry.type
class ListingPayload:
    entry: ListEntry
    pushes: list[Push]
