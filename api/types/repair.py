"""RepairApplication (信用修复) and Objection (异议), their connections and inputs, and what records and list entries
answer about them (underObjection, objections, repairApplications). The mutations are in api/repair.py.

Everything is read as of a day: an application is PENDING until its decidedOn, an objection UNDER_REVIEW from its
filedOn until its resolvedOn (graph/repair.py), so a file as of an earlier day reads as it did then.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from api.auth import Principal, Role
from api.context import Info
from api.cursors import decode_values, encode, node_id
from api.dates import ISO_DAY, shown
from api.errors import Forbidden, UserError
from api.types.common import PageInfo
from api.types.list_entry import ListEntry
from api.types.record import CreditRecord
from api.types.subject import Node, Subject, load_subject
from graph.repair import ApplicationRow, ObjectionRow


@strawberry.enum
class ApplicationStatus(Enum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


@strawberry.enum
class Decision(Enum):
    ACCEPT = "ACCEPT"
    REJECT = "REJECT"


@strawberry.enum
class ObjectionStatus(Enum):
    UNDER_REVIEW = "UNDER_REVIEW"
    UPHELD = "UPHELD"
    DISMISSED = "DISMISSED"


@strawberry.enum
class ObjectionOutcome(Enum):
    UPHOLD = "UPHOLD"
    DISMISS = "DISMISS"


# The stored target kinds of an objection, by the GraphQL type of the disputed node.
TARGET_KINDS = {"CreditRecord": "RECORD", "ListEntry": "ENTRY"}


@strawberry.type(description="An application for credit repair (信用修复) of one record.")
class RepairApplication(Node):
    application_id: str
    applied_on: date
    commitment: str = strawberry.field(description="The public commitment (信用承诺) that came with it.")
    rectification_evidence: list[str]
    status: ApplicationStatus
    decided_on: date | None
    reason: str | None
    row: strawberry.Private[ApplicationRow]
    as_of: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: ApplicationRow, as_of: date) -> RepairApplication:
        decided = row.decided_by(as_of)
        return cls(id=strawberry.ID(node_id("RepairApplication", row.applicationId)),
                   application_id=row.applicationId, applied_on=row.appliedOn, commitment=row.commitment,
                   rectification_evidence=list(row.rectificationEvidence or []),
                   status=ApplicationStatus(row.status_on(as_of)), decided_on=row.decidedOn if decided else None,
                   reason=row.reason if decided else None, row=row, as_of=as_of)

    @strawberry.field
    async def record(self, info: Info) -> CreditRecord:
        return await _record(info, self.row.recordId, self.as_of)

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subjectKind, self.row.subjectId, self.as_of)


@strawberry.type(description="A subject's dispute of a record or list entry (异议).")
class Objection(Node):
    objection_id: str
    filed_on: date
    grounds: str
    status: ObjectionStatus
    resolved_on: date | None
    reason: str | None
    row: strawberry.Private[ObjectionRow]
    as_of: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: ObjectionRow, as_of: date) -> Objection:
        resolved = row.resolved_by(as_of)
        return cls(id=strawberry.ID(node_id("Objection", row.objectionId)), objection_id=row.objectionId,
                   filed_on=row.filedOn, grounds=row.grounds, status=ObjectionStatus(row.status_on(as_of)),
                   resolved_on=row.resolvedOn if resolved else None, reason=row.reason if resolved else None,
                   row=row, as_of=as_of)

    @strawberry.field(description="The disputed CreditRecord or ListEntry.")
    async def target(self, info: Info) -> Node:
        if self.row.targetKind == "RECORD":
            return await _record(info, self.row.targetId, self.as_of)
        found = await info.context.loaders.entry_by_id.load(self.row.targetId)
        if found is None:
            raise LookupError(f"objection {self.objection_id} without its entry {self.row.targetId}")
        return ListEntry.from_row(found.entry, self.as_of)

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subjectKind, self.row.subjectId, self.as_of)


async def _record(info: Info, record_id: str, as_of: date) -> CreditRecord:
    found = await info.context.loaders.record_by_id.load((as_of, record_id))
    if found is None:  # an application or objection is filed on or after the record's decision
        raise LookupError(f"record {record_id} is not in the graph on {as_of}")
    return CreditRecord.from_row(found.record, as_of)


# --- What records and list entries answer (resolvers of CreditRecord and ListEntry fields) ---

async def under_objection(info: Info, target_kind: str, target_id: str, as_of: date) -> bool:
    rows = await info.context.loaders.objections.load((target_kind, target_id))
    return any(row.under_review(as_of) for row in rows)


def check_deciding_authority(principal: Principal, authority_uscc: str | None, field: str) -> None:
    """An AUTHORITY sees the applications and objections of what it decided only (the others, in views.RULES)."""
    if principal.role is Role.AUTHORITY and authority_uscc != principal.agency_uscc:
        raise Forbidden(f"{field} of a record are for the authority that decided it, the subject itself, "
                        "INVESTIGATOR or ADMIN; this record was decided by another authority")


async def record_objections(info: Info, record_id: str, authority_uscc: str | None, as_of: date) -> list[Objection]:
    check_deciding_authority(info.context.principal, authority_uscc, "objections")
    rows = await info.context.loaders.objections.load(("RECORD", record_id))
    return [Objection.from_row(row, as_of) for row in rows if row.filedOn <= as_of]


async def record_applications(info: Info, record_id: str, authority_uscc: str | None,
                              as_of: date) -> list[RepairApplication]:
    check_deciding_authority(info.context.principal, authority_uscc, "repairApplications")
    rows = await info.context.loaders.repair_applications.load(record_id)
    return [RepairApplication.from_row(row, as_of) for row in rows if row.appliedOn <= as_of]


def visible(principal: Principal, row: ApplicationRow | ObjectionRow) -> bool:
    """Who may see one application or objection (node(id:)): its subject, the authority that decides it,
    INVESTIGATOR and ADMIN."""
    if principal.role in (Role.ADMIN, Role.INVESTIGATOR):
        return True
    if principal.role is Role.AUTHORITY:
        return row.authorityUscc is not None and row.authorityUscc == principal.agency_uscc
    return principal.owns(row.subjectKind, row.subjectId)


# --- Connections ---

@strawberry.type
class RepairApplicationEdge:
    cursor: str
    node: RepairApplication


@strawberry.type
class RepairApplicationConnection:
    total_count: int
    page_info: PageInfo
    edges: list[RepairApplicationEdge]


@strawberry.type
class ObjectionEdge:
    cursor: str
    node: Objection


@strawberry.type
class ObjectionConnection:
    total_count: int
    page_info: PageInfo
    edges: list[ObjectionEdge]


def page_info(cursors: list[str], has_next: bool, after: str | None) -> PageInfo:
    return PageInfo(has_next_page=has_next, has_previous_page=after is not None,
                    start_cursor=cursors[0] if cursors else None, end_cursor=cursors[-1] if cursors else None)


def decode_cursor(cursor: str | None) -> tuple[date, str] | None:
    """A cursor of these lists is [day, id]: appliedOn and applicationId, or filedOn and objectionId."""
    if cursor is None:
        return None
    values = decode_values(cursor)
    if len(values) == 2 and all(isinstance(v, str) for v in values) and ISO_DAY.fullmatch(values[0]) and values[1]:
        try:
            return date.fromisoformat(values[0]), values[1]
        except ValueError:
            pass
    raise UserError(f"after: {shown(cursor)} is not a cursor of this list; pass an endCursor from pageInfo")


def cursor_of(day: date, key: str) -> str:
    return encode([day, key])


# --- Inputs ---

@strawberry.input
class RepairInput:
    idempotency_key: str = strawberry.field(
        description="Unique per credential: a retry with the same key and input returns the first result and "
                    "changes nothing.")
    record_id: str
    applied_on: date
    commitment: str = strawberry.field(description="The public commitment (信用承诺) that comes with every "
                                                   "application.")
    rectification_evidence: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class RepairDecisionInput:
    idempotency_key: str
    application_id: str
    decision: Decision
    decided_on: date
    reason: str


@strawberry.input
class ObjectionInput:
    idempotency_key: str
    target_id: strawberry.ID = strawberry.field(description="The global id of the disputed CreditRecord or "
                                                            "ListEntry.")
    filed_on: date
    grounds: str


@strawberry.input
class ObjectionResolutionInput:
    idempotency_key: str
    objection_id: str
    outcome: ObjectionOutcome
    resolved_on: date
    reason: str


async def repair_node(info: Info, type_name: str, key: str, as_of: date) -> RepairApplication | Objection | None:
    """node(id:) of an application or objection: null for an unknown id and for a caller who may not see it."""
    loaders = info.context.loaders
    if type_name == "RepairApplication":
        row = await loaders.repair_application.load(key)
        return RepairApplication.from_row(row, as_of) if row and visible(info.context.principal, row) else None
    row = await loaders.objection.load(key)
    return Objection.from_row(row, as_of) if row and visible(info.context.principal, row) else None
