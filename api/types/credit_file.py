"""A subject's file: credit records (CreditRecord), list entries (ListEntry), the pushes made for them to
joint-punishment units (Push), repair applications and objections (RepairApplication, Objection). One module,
because these types answer with each other: a record has objections and applications, an objection has a record
or an entry as its target, an entry has pushes and a push has its entry."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from api import views
from api.auth import Principal, Role
from api.context import Info
from api.cursors import decode_values, encode, node_id
from api.dates import ISO_DAY, shown
from api.types.common import Agency, Measure, PageInfo
from api.types.enums import AccountabilityBasis, ListType, RecordCategory, RecordStatus, Severity
from api.types.subject import Node, Organisation, Person, Subject, load_subject
from graph.access import EntryRow, MeasureRow, OrganisationRow, PersonRow, RecordRow
from graph.errors import Forbidden, UserError
from graph.loop import PushRow
from graph.repair import ApplicationRow, ObjectionRow
from graph.rules import CHINA, entry_active, repairable_from

BASIS_OF_ROLE = {"LEGAL_REPRESENTATIVE": AccountabilityBasis.LEGAL_REPRESENTATIVE_AT_THE_TIME,
                 "PRINCIPAL": AccountabilityBasis.PRINCIPAL_AT_THE_TIME}


@strawberry.type
class CreditRecord(Node):
    record_id: str
    category: RecordCategory
    severity: Severity
    status: RecordStatus
    document_no: str | None
    violation_type: str | None
    facts: str | None
    legal_basis: str | None
    penalty_types: list[str]
    content: str | None
    fine_yuan: float | None = strawberry.field(description="In yuan (the source data gives 万元).")
    confiscated_yuan: float | None
    decided_on: date
    public_until: date | None
    public_until_basis: str | None = strawberry.field(
        description="SOURCE when the source gave 公示截止期, else the publication regime it was computed under.")
    repaired_on: date | None
    revoked_on: date | None
    authority: Agency | None
    source: Agency | None
    row: strawberry.Private[RecordRow]
    as_of: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: RecordRow, as_of: date) -> CreditRecord:
        return cls(
            id=strawberry.ID(node_id("CreditRecord", row.record_id)), record_id=row.record_id,
            category=RecordCategory(row.category), severity=Severity(row.severity),
            status=RecordStatus(row.status), document_no=row.document_no, violation_type=row.violation_type,
            facts=row.facts, legal_basis=row.legal_basis, penalty_types=list(row.penalty_types or []),
            content=row.content, fine_yuan=row.fine_yuan, confiscated_yuan=row.confiscated_yuan,
            decided_on=row.decided_on, public_until=row.public_until, public_until_basis=row.public_until_basis,
            repaired_on=row.repaired_on if row.repaired_on and row.repaired_on <= as_of else None,
            revoked_on=row.revoked_on if row.revoked_on and row.revoked_on <= as_of else None,
            authority=Agency.of(row.authority_name, row.authority_uscc),
            source=Agency.of(row.source_name, row.source_uscc),
            row=row, as_of=as_of,
        )

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subject_kind, self.row.subject_id, self.as_of)

    @strawberry.field
    async def responsible_persons(self, info: Info) -> list[Person]:
        people = await info.context.loaders.record_people.load(self.record_id)
        return [Person.from_row(named.person, self.as_of) for named in people.responsible]

    @strawberry.field(description="Who answers for this record: legal representatives and principals on decidedOn, "
                                  "and the persons named on it.")
    async def accountable_persons(self, info: Info) -> list[Accountability]:
        people = await info.context.loaders.record_people.load(self.record_id)
        found = [Accountability.of(leader.person, self, people.org, BASIS_OF_ROLE[leader.role])
                 for leader in people.leaders]
        found += [Accountability.of(named.person, self, people.org, AccountabilityBasis.NAMED_RESPONSIBLE)
                  for named in people.responsible]
        return found

    # Repair and objections (api/types/repair.py): each field its own loader, so a file that does not ask for them
    # costs nothing more.
    @strawberry.field(description="True on the file's date while an objection against it is under review (shown as "
                                  "disputed, 标注).")
    async def under_objection(self, info: Info) -> bool:
        return await under_objection(info, "RECORD", self.record_id, self.as_of)

    @strawberry.field
    async def objections(self, info: Info) -> list[Objection]:
        return await record_objections(info, self.record_id, self.row.authority_uscc, self.as_of)

    @strawberry.field
    async def repair_applications(self, info: Info) -> list[RepairApplication]:
        return await record_applications(info, self.record_id, self.row.authority_uscc, self.as_of)

    @strawberry.field(description="The first day a repair may be granted; null when a credit office cannot repair it "
                                  "(court defaulters).")
    def repairable_from(self) -> date | None:
        return repairable_from(self.row.category, self.row.severity, self.row.decided_on)


@strawberry.type
class Accountability:
    person: Person
    record: CreditRecord
    organisation: Organisation | None
    basis: AccountabilityBasis

    @classmethod
    def of(cls, person: PersonRow, record: CreditRecord, org: OrganisationRow | None,
           basis: AccountabilityBasis) -> Accountability:
        return cls(person=Person.from_row(person, record.as_of), record=record,
                   organisation=Organisation.from_row(org, record.as_of) if org else None, basis=basis)


@strawberry.type
class ListEntry(Node):
    entry_id: str
    list_type: ListType
    domain: str
    listed_on: date
    valid_until: date | None
    valid_until_basis: str | None = strawberry.field(
        description="SOURCE when the source gave 有效期至, else DEFAULT_3_YEARS.")
    removed_on: date | None
    reason: str | None
    authority: Agency | None
    active: bool
    row: strawberry.Private[EntryRow]
    as_of: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: EntryRow, as_of: date) -> ListEntry:
        return cls(
            id=strawberry.ID(node_id("ListEntry", row.entry_id)), entry_id=row.entry_id,
            list_type=ListType(row.list_type),
            domain=row.domain, listed_on=row.listed_on, valid_until=row.valid_until,
            valid_until_basis=row.valid_until_basis,
            removed_on=row.removed_on if row.removed_on and row.removed_on <= as_of else None, reason=row.reason,
            authority=Agency.of(row.authority_name, row.authority_uscc),
            active=entry_active(as_of, row.listed_on, row.valid_until, row.removed_on), row=row, as_of=as_of,
        )

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subject_kind, self.row.subject_id, self.as_of)

    @strawberry.field(description="True on the file's date while an objection against it is under review.")
    async def under_objection(self, info: Info) -> bool:
        return await under_objection(info, "ENTRY", self.entry_id, self.as_of)

    @strawberry.field
    async def based_on(self, info: Info) -> CreditRecord | None:
        if not self.row.record_id:
            return None
        found = await info.context.loaders.record_by_id.load((self.as_of, self.row.record_id))
        if found is None or not views.record_view(info.context.principal, found.subject.key).shows(
                found.record.status, found.record.authority_uscc):
            return None  # not decided yet on the date, or not in the caller's view (api/views.py)
        return CreditRecord.from_row(found.record, self.as_of)

    @strawberry.field(description="The pushes made for this entry (visible to the listing authority, INVESTIGATOR "
                                  "and ADMIN).")
    async def pushes(self, info: Info) -> list[Push]:
        return await entry_pushes(info, self.row, self.as_of)


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
        assert row.answered_at is not None and row.acted_on is not None
        return cls(outcome=FeedbackOutcome(row.outcome), acted_on=row.acted_on, note=row.note,
                   case_reference=row.case_reference, answered_at=row.answered_at.astimezone(CHINA),
                   by=Agency(name=row.answered_by_name or row.answered_by_uscc or "", uscc=row.answered_by_uscc))


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
            id=strawberry.ID(node_id("Push", row.push_id)), push_id=row.push_id,
            unit=Agency(name=row.unit_name or row.unit_uscc, uscc=row.unit_uscc), pushed_on=row.pushed_on,
            due_on=row.due_on, status=PushStatus(row.status(as_of)), overdue=row.overdue(as_of),
            feedback=Feedback.from_row(row) if row.answered_by(as_of) else None,
            withdrawn_on=row.withdrawn_on if row.withdrawn_on and row.withdrawn_on <= as_of else None,
            row=row, as_of=as_of,
        )

    @strawberry.field
    async def entry(self, info: Info) -> ListEntry:
        found = await info.context.loaders.entry_by_id.load(self.row.entry_id)
        assert found is not None, f"push {self.row.push_id} without its entry"
        return ListEntry.from_row(found.entry, self.as_of)

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subject_kind, self.row.subject_id, self.as_of)

    @strawberry.field
    async def measure(self, info: Info) -> Measure:
        catalogue: list[MeasureRow] = await info.context.loaders.measures.load("all")
        found = next((m for m in catalogue if m.code == self.row.measure_code), None)
        if found is None:  # taken out of the catalogue since: the push still names it
            found = MeasureRow(code=self.row.measure_code, name=self.row.measure_code, list_type="",
                               implementer_name=self.row.unit_name, implementer_uscc=self.row.unit_uscc)
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
        edges = [PushEdge(cursor=encode([r.pushed_on, r.push_id]), node=Push.from_row(r, as_of)) for r in rows[:first]]
        return cls(total_count=total, edges=edges, page_info=PageInfo(
            has_next_page=len(rows) > first, has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


async def entry_pushes(info: Info, entry: EntryRow, as_of: date) -> list[Push]:
    """ListEntry.pushes: for the authority that listed the entry, INVESTIGATOR and ADMIN (the roles: views.RULES);
    the pushes made by the file's date."""
    principal = info.context.principal
    if principal.role is Role.AUTHORITY and entry.authority_uscc != principal.agency_uscc:
        raise Forbidden(f"pushes of entry {entry.entry_id} are for the authority that listed it, INVESTIGATOR or "
                        "ADMIN")
    rows = await info.context.loaders.pushes_of_entry.load(entry.entry_id)
    return [Push.from_row(r, as_of) for r in rows if r.pushed_on <= as_of]


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
        return cls(id=strawberry.ID(node_id("RepairApplication", row.application_id)),
                   application_id=row.application_id, applied_on=row.applied_on, commitment=row.commitment,
                   rectification_evidence=list(row.rectification_evidence or []),
                   status=ApplicationStatus(row.status_on(as_of)), decided_on=row.decided_on if decided else None,
                   reason=row.reason if decided else None, row=row, as_of=as_of)

    @strawberry.field
    async def record(self, info: Info) -> CreditRecord:
        return await _record(info, self.row.record_id, self.as_of)

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subject_kind, self.row.subject_id, self.as_of)


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
        return cls(id=strawberry.ID(node_id("Objection", row.objection_id)), objection_id=row.objection_id,
                   filed_on=row.filed_on, grounds=row.grounds, status=ObjectionStatus(row.status_on(as_of)),
                   resolved_on=row.resolved_on if resolved else None, reason=row.reason if resolved else None,
                   row=row, as_of=as_of)

    @strawberry.field(description="The disputed CreditRecord or ListEntry.")
    async def target(self, info: Info) -> Node:
        if self.row.target_kind == "RECORD":
            return await _record(info, self.row.target_id, self.as_of)
        found = await info.context.loaders.entry_by_id.load(self.row.target_id)
        if found is None:
            raise LookupError(f"objection {self.objection_id} without its entry {self.row.target_id}")
        return ListEntry.from_row(found.entry, self.as_of)

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subject_kind, self.row.subject_id, self.as_of)


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
    return [Objection.from_row(row, as_of) for row in rows if row.filed_on <= as_of]


async def record_applications(info: Info, record_id: str, authority_uscc: str | None,
                              as_of: date) -> list[RepairApplication]:
    check_deciding_authority(info.context.principal, authority_uscc, "repairApplications")
    rows = await info.context.loaders.repair_applications.load(record_id)
    return [RepairApplication.from_row(row, as_of) for row in rows if row.applied_on <= as_of]


def visible(principal: Principal, row: ApplicationRow | ObjectionRow) -> bool:
    """Who may see one application or objection (node(id:)): its subject, the authority that decides it,
    INVESTIGATOR and ADMIN."""
    if principal.role in (Role.ADMIN, Role.INVESTIGATOR):
        return True
    if principal.role is Role.AUTHORITY:
        return row.authority_uscc is not None and row.authority_uscc == principal.agency_uscc
    return principal.owns(row.subject_kind, row.subject_id)


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


def decode_day_cursor(cursor: str | None) -> tuple[date, str] | None:
    """A cursor of the inbox, repair applications and objections: [day, id] — pushedOn and pushId, appliedOn and
    applicationId, or filedOn and objectionId."""
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
