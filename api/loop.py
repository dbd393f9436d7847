"""The joint-punishment loop (shared spec workflow.md sections 1, 2 and 5): initiateListing (发起 → 推送),
removeListing, giveFeedback (响应/反馈), the unit's `inbox` and `ListEntry.pushes`.

Who may call a field is api/views.py's (RULES); what depends on the target ("its own entries", "a push addressed
to its agency") is checked here, on the locked target, before any other refusal (workflow.md section 5). Each
mutation is one transaction through graph/store/writes.py: refused → nothing written; a retry with the same
idempotency key → the first result.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

import settings
from api.auth import Role
from api.context import Info
from api.cursors import check_first
from api.dates import shown, today
from api.types.credit_file import (
    FeedbackInput,
    InitiateListingInput,
    ListEntry,
    ListingPayload,
    Push,
    PushConnection,
    PushStatus,
    RemoveListingInput,
    SubjectRef,
    decode_day_cursor,
)
from graph import access, loop, rules
from graph.access import EntryRow, build
from graph.errors import Conflict, Forbidden, NotFound, UserError
from graph.identifiers import IdentifierError, parse_id_number, parse_uscc
from graph.loop import InboxQuery, PushRow
from graph.store import writes
from graph.store.writes import Attempt

MAX_DOMAIN, MAX_REASON, MAX_NOTE, MAX_CASE_REFERENCE = 50, 2000, 2000, 100


def text(name: str, value: str | None, limit: int, required: bool = True) -> str | None:
    """A free-text input, trimmed: required ones must say something, none may pass `limit` characters."""
    value = (value or "").strip()
    if required and not value:
        raise UserError(f"{name}: must not be empty")
    if len(value) > limit:
        raise UserError(f"{name}: at most {limit:,} characters, not {len(value):,}")
    return value or None


def subject_of(ref: SubjectRef) -> tuple[str, str]:
    """("ORGANISATION", USCC) or ("PERSON", ID number) of a SubjectRef with exactly one of the two."""
    if (ref.uscc is None) == (ref.id_number is None):
        raise UserError("subject: give exactly one of uscc or idNumber")
    try:
        if ref.uscc is not None:
            return "ORGANISATION", parse_uscc(ref.uscc).code
        return "PERSON", parse_id_number(ref.id_number or "")
    except IdentifierError as exc:
        raise UserError(f"subject.{'uscc' if ref.uscc is not None else 'idNumber'}: {exc}") from None


def not_after_today(name: str, day: date, now: date) -> None:
    if day > now:
        raise UserError(f"{name}: {day} is after today ({now}, China Standard Time); give a day that has come")


def check_basis(found: dict[str, Any], record_id: str, subject_id: str, listed_on: date) -> None:
    """basedOnRecordId: a record of the same subject, ACTIVE on listedOn (workflow.md section 1); `found` is what
    listing_create saw of it."""
    basis = found["basis"]
    if basis is None:
        raise UserError(f"basedOnRecordId: there is no record {shown(record_id)}; give the recordId of a record "
                        "of the listed subject, or leave it out")
    if not found["basisOfSubject"]:
        raise UserError(f"basedOnRecordId: record {record_id} is not a record of {subject_id}; a listing rests on a "
                        "record of the subject it lists")
    status = rules.record_status(listed_on, basis["decidedOn"], basis["publicUntil"], basis["repairedOn"],
                                 basis["revokedOn"])
    if status != "ACTIVE":
        why = "not decided yet" if status is None else status
        raise UserError(f"basedOnRecordId: record {record_id} is {why} on listedOn {listed_on}; a listing rests on "
                        "a record that is ACTIVE on the day it is listed")


async def listing_rows(info: Info, entry_id: str, made: dict[str, Any]) -> tuple[EntryRow, list[PushRow]]:
    """The entry and pushes a mutation made (`made`, from its transaction) or, on a replay, as they are now."""
    if made:
        return build(EntryRow, made["entry"]), [loop.push_row(p) for p in made["pushes"]]
    found = (await access.entries_by_id(info.context.graph, [entry_id]))[0]
    if found is None:
        raise NotFound(f"entry {entry_id} of this idempotencyKey no longer exists")
    return found.entry, (await loop.pushes_of_entries(info.context.graph, [entry_id]))[0]


def payload(entry: EntryRow, pushes: list[PushRow], day: date) -> ListingPayload:
    return ListingPayload(entry=ListEntry.from_row(entry, day), pushes=[Push.from_row(p, day) for p in pushes])


async def initiate_listing(info: Info, input: InitiateListingInput) -> ListingPayload:
    principal, day = info.context.principal, today()
    kind, subject_id = subject_of(input.subject)
    domain, reason = text("domain", input.domain, MAX_DOMAIN), text("reason", input.reason, MAX_REASON)
    record_id = text("basedOnRecordId", input.based_on_record_id, 100, required=False)
    not_after_today("listedOn", input.listed_on, day)
    valid_until = input.valid_until or rules.default_valid_until(input.listed_on)
    if valid_until <= input.listed_on:
        raise UserError(f"validUntil: {valid_until} is not after listedOn {input.listed_on}; an entry is valid "
                        "for some time after it is listed (leave it out for 3 years)")
    values: dict[str, Any] = {
        "subject": [kind, subject_id], "listType": input.list_type, "domain": domain, "listedOn": input.listed_on,
        "validUntil": input.valid_until, "reason": reason, "recordId": record_id}
    entry_id = loop.new_id("L")
    made: dict[str, Any] = {}

    async def work(attempt: Attempt) -> dict[str, Any]:
        # One statement makes everything (and claims the idempotency key); the checks on what it found (the
        # subject, the basis record) follow, and a refusal rolls it all back. A replay reads the entry and its
        # pushes by entryId (listing_rows).
        attempt.remember({"entryId": entry_id})
        rows = await attempt.rows(
            "listing_create", entryId=entry_id, subjectKind=kind, subjectId=subject_id,
            listType=input.list_type.value, domain=domain, listedOn=input.listed_on, validUntil=valid_until,
            validUntilBasis="SOURCE" if input.valid_until else "DEFAULT_3_YEARS", reason=reason,
            authorityName=principal.agency_name, authorityUscc=principal.agency_uscc, recordId=record_id,
            pushedOn=day, dueOn=loop.due_on(day, settings.app().feedback_days))
        if not rows:
            what = "organisation with USCC" if kind == "ORGANISATION" else "person with ID number"
            raise NotFound(f"subject: no {what} {subject_id} in the credit file; check the code")
        if record_id is not None:
            check_basis(rows[0], record_id, subject_id, input.listed_on)
        made.update(rows[0])
        return {"entryId": entry_id}

    result = await writes.idempotent(info.context.graph, principal.credential_id or "", "initiateListing",
                                     input.idempotency_key, values, work)
    return payload(*await listing_rows(info, result["entryId"], made), day)


async def remove_listing(info: Info, input: RemoveListingInput) -> ListingPayload:
    principal, day = info.context.principal, today()
    entry_id = input.entry_id.strip()
    values: dict[str, Any] = {"entryId": entry_id, "removedOn": input.removed_on, "reason": input.reason.strip()}
    made: dict[str, Any] = {}

    async def work(attempt: Attempt) -> dict[str, Any]:
        attempt.remember({"entryId": entry_id})
        found = await attempt.rows("listing_lock", entryId=entry_id)
        if not found:
            raise NotFound(f"entryId: there is no list entry {shown(entry_id)}")
        entry = build(EntryRow, found[0]["entry"])
        if not entry.authority_uscc or entry.authority_uscc != principal.agency_uscc:
            raise Forbidden(f"removeListing: entry {entry_id} was listed by {entry.authority_name or 'another agency'}"
                            "; only the authority that listed an entry may remove it")
        reason = text("reason", input.reason, MAX_REASON)
        if input.removed_on < entry.listed_on:
            raise UserError(f"removedOn: {input.removed_on} is before the entry was listed ({entry.listed_on}); "
                            "an entry ends on or after its listing day")
        not_after_today("removedOn", input.removed_on, day)
        if entry.removed_on is not None:
            raise Conflict(f"entry {entry_id} was already removed on {entry.removed_on}")
        if entry.valid_until is not None and input.removed_on > entry.valid_until:
            raise UserError(f"removedOn: entry {entry_id} ended on {entry.valid_until} (validUntil); there is "
                            "nothing left to remove after that day")
        rows = await attempt.rows("listing_remove", entryId=entry_id, removedOn=input.removed_on, reason=reason,
                                  authorityUscc=principal.agency_uscc)
        made.update(rows[0])
        return {"entryId": entry_id}

    result = await writes.idempotent(info.context.graph, principal.credential_id or "", "removeListing",
                                     input.idempotency_key, values, work)
    return payload(*await listing_rows(info, result["entryId"], made), day)


async def give_feedback(info: Info, input: FeedbackInput) -> Push:
    principal, day = info.context.principal, today()
    push_id = input.push_id.strip()
    note, case = (input.note or "").strip() or None, (input.case_reference or "").strip() or None
    values: dict[str, Any] = {"pushId": push_id, "outcome": input.outcome, "actedOn": input.acted_on,
                              "note": note, "caseReference": case}
    made: dict[str, Any] = {}

    async def work(attempt: Attempt) -> dict[str, Any]:
        # The answer is written in the statement that takes the lock and claims the idempotency key (one round
        # trip in all); the checks below run on the state before it, and a refusal rolls the transaction back, the
        # answer with it.
        attempt.remember({"pushId": push_id})
        rows = await attempt.rows("push_answer", pushId=push_id, outcome=input.outcome.value,
                                  actedOn=input.acted_on, note=note, caseReference=case, unitName=principal.agency_name,
                                  unitUscc=principal.agency_uscc, reportedOn=day,
                                  details="；".join(x for x in (input.outcome.value, case and f"案号 {case}", note)
                                                   if x))
        if not rows:
            raise NotFound(f"pushId: there is no push {shown(push_id)}; take pushIds from inbox or the pushes "
                           "subscription")
        push = loop.push_row(rows[0]["before"])
        if push.unit_uscc != principal.agency_uscc:
            raise Forbidden(f"giveFeedback: push {push_id} is addressed to another unit; a unit answers the pushes "
                            "addressed to its own agency")
        text("note", note, MAX_NOTE, required=False)
        text("caseReference", case, MAX_CASE_REFERENCE, required=False)
        if input.acted_on < push.pushed_on:
            raise UserError(f"actedOn: {input.acted_on} is before the push was made ({push.pushed_on}); give the day "
                            "the unit acted on it")
        not_after_today("actedOn", input.acted_on, day)
        if push.answered_at is not None:
            raise Conflict(f"push {push_id} was already answered ({push.outcome}, acted on {push.acted_on}); a push "
                           "answers once (to repeat a call, send it with its first idempotencyKey)")
        made.update(rows[0])
        return {"pushId": push_id}

    result = await writes.idempotent(info.context.graph, principal.credential_id or "", "giveFeedback",
                                     input.idempotency_key, values, work)
    row = loop.push_row(made["push"]) if made else (await loop.pushes_by_id(info.context.graph,
                                                                              [result["pushId"]]))[0]
    if row is None:
        raise NotFound(f"push {result['pushId']} of this idempotencyKey no longer exists")
    return Push.from_row(row, day)


async def push_node(info: Info, push_id: str, as_of: date) -> Push | None:
    """node(id:) of a Push: for the unit it is addressed to, the authority that listed its entry, INVESTIGATOR and
    ADMIN; None for anyone else, as for an id that names nothing."""
    row = await info.context.loaders.push.load(push_id)
    if row is None:
        return None
    principal = info.context.principal
    if principal.role is Role.UNIT and row.unit_uscc != principal.agency_uscc:
        return None
    if principal.role is Role.AUTHORITY:
        found = await info.context.loaders.entry_by_id.load(row.entry_id)
        if found is None or found.entry.authority_uscc != principal.agency_uscc:
            return None
    elif principal.role not in (Role.UNIT, Role.INVESTIGATOR, Role.ADMIN):
        return None
    return Push.from_row(row, as_of)


async def inbox(info: Info, statuses: list[PushStatus] | None, overdue_only: bool | None, as_of: date | None,
                first: int | None, after: str | None) -> PushConnection:
    query = InboxQuery(unit_uscc=info.context.principal.agency_uscc or "", as_of=as_of or today(),
                       statuses=tuple(sorted(s.value for s in statuses)) if statuses else None,
                       overdue_only=bool(overdue_only), first=check_first(first), after=decode_day_cursor(after))
    total, rows = await loop.inbox(info.context.graph, query)
    return PushConnection.from_page(total, rows, query.first, query.as_of, after)


@strawberry.type
class LoopMutation:
    @strawberry.mutation(description="AUTHORITY (发起): list a subject; one push per applicable measure goes to its "
                                     "implementer.")
    async def initiate_listing(self, info: Info, input: InitiateListingInput) -> ListingPayload:
        return await initiate_listing(info, input)

    @strawberry.mutation(description="The AUTHORITY that listed it: end an entry early; its open pushes are "
                                     "withdrawn.")
    async def remove_listing(self, info: Info, input: RemoveListingInput) -> ListingPayload:
        return await remove_listing(info, input)

    @strawberry.mutation(description="UNIT (响应/反馈): answer a push addressed to its agency.")
    async def give_feedback(self, info: Info, input: FeedbackInput) -> Push:
        return await give_feedback(info, input)


@strawberry.type
class LoopQuery:
    @strawberry.field(description="UNIT: pushes addressed to the viewer's agency, newest first; asOf (default today, "
                                  "may be a future day) decides overdue.")
    async def inbox(self, info: Info, statuses: list[PushStatus] | None = None, overdue_only: bool | None = False,
                    as_of: date | None = None, first: int | None = 20, after: str | None = None) -> PushConnection:
        return await inbox(info, statuses, overdue_only, as_of, first, after)
