"""Credit repair (信用修复) and objections (异议): the four mutations and the two lists (workflow.md sections 3-5).

Each mutation is one transaction through graph/store/writes.py (idempotent per credential). Inside it: lock the node the
request races on (the record, the application, the target, the objection), read its state, then refuse in this
order: NOT_FOUND (unknown id), FORBIDDEN (not the caller's: the role itself is checked by api/views.py), then
BAD_USER_INPUT, then CONFLICT; or write the change, its event and its effects. Effects on a day D: a granted repair
sets the record's repairedOn = D, an upheld objection its revokedOn = D (or removes the disputed entry); entries
resting on the record and active on D are removed on D and their pushes withdrawn on D (queries/entries_end).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import Any

import strawberry

from api.auth import Principal, Role
from api.context import Info
from api.cursors import check_first, parse_node_id
from api.dates import shown, today
from api.types.credit_file import (
    TARGET_KINDS,
    ApplicationStatus,
    Decision,
    Objection,
    ObjectionConnection,
    ObjectionEdge,
    ObjectionInput,
    ObjectionOutcome,
    ObjectionResolutionInput,
    ObjectionStatus,
    RepairApplication,
    RepairApplicationConnection,
    RepairApplicationEdge,
    RepairDecisionInput,
    RepairInput,
    cursor_of,
    decode_day_cursor,
    page_info,
)
from graph import repair, rules
from graph.access import RecordRow, build
from graph.errors import Conflict, Forbidden, NotFound, UserError
from graph.repair import ApplicationRow, ObjectionRow, PageQuery
from graph.store import writes
from graph.store.writes import Attempt

MAX_TEXT = 5000  # characters of a commitment, grounds or reason
MAX_EVIDENCE = 50  # items of rectification evidence


# --- Checks shared by the four mutations ---

def _text(name: str, value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise UserError(f"{name}: {what}")
    if len(value) > MAX_TEXT:
        raise UserError(f"{name}: at most {MAX_TEXT} characters, not {len(value)}")
    return value


def _not_future(name: str, day: date) -> None:
    if day > today():
        raise UserError(f"{name}: {day} is in the future (today in China is {today()}); give the day it happened")


def _credential(principal: Principal) -> str:
    return principal.credential_id or f"role:{principal.role.value}"


def _agency(principal: Principal) -> dict[str, str | None]:
    acting = principal.role is Role.AUTHORITY
    return {"agencyName": principal.agency_name if acting else None,
            "agencyUscc": principal.agency_uscc if acting else None}


def _dates(row: dict[str, Any], *names: str) -> dict[str, Any]:
    """A row stored as an idempotent result (dates as ISO text) with its dates back."""
    return {**row, **{n: date.fromisoformat(row[n]) for n in names if isinstance(row.get(n), str)}}


def _ending(entries: list[dict[str, Any]], day: date) -> list[str]:
    """The entries among these that are active on `day`: those a repair or an upheld objection ends that day."""
    return [e["entryId"] for e in entries
            if rules.entry_active(day, e["listedOn"], e.get("validUntil"), e.get("removedOn"))]


async def _end_entries(attempt: Attempt, entry_ids: list[str], day: date, by: str) -> None:
    if entry_ids:
        await attempt.rows("entries_end", entryIds=entry_ids, day=day, by=by)


# --- applyForRepair ---

def _check_application(record: RecordRow, input: RepairInput, pending: list[dict[str, Any]]) -> str:
    """BAD_USER_INPUT, then CONFLICT, for an application on a record that is the caller's; the commitment."""
    rid, day = record.record_id, input.applied_on
    _not_future("appliedOn", day)
    if record.revoked_on is not None:
        raise UserError(f"recordId: record {rid} was revoked on {record.revoked_on}; there is nothing to repair")
    if record.repaired_on is not None:
        raise UserError(f"recordId: record {rid} was already repaired on {record.repaired_on}")
    first_day = rules.repairable_from(record.category, record.severity, record.decided_on)
    if first_day is None:
        raise UserError(f"recordId: record {rid} is a {record.category} record (失信被执行人): a credit office "
                        "cannot repair it; the court that listed the defaulter decides")
    if day < first_day:
        raise UserError(f"appliedOn: record {rid} ({record.severity}, decided {record.decided_on}) may be repaired "
                        f"from {first_day}, after its minimum publication period; apply on or after {first_day}")
    status = rules.record_status(day, record.decided_on, record.public_until, record.repaired_on, record.revoked_on)
    if status not in ("ACTIVE", "EXPIRED"):
        raise UserError(f"appliedOn: record {rid} is not ACTIVE or EXPIRED on {day}")
    commitment = _text("commitment", input.commitment,
                       "every application comes with a public commitment (信用承诺); write it")
    if len(input.rectification_evidence) > MAX_EVIDENCE or any(
            not e.strip() or len(e) > MAX_TEXT for e in input.rectification_evidence):
        raise UserError(f"rectificationEvidence: at most {MAX_EVIDENCE} items, each non-empty and at most "
                        f"{MAX_TEXT} characters")
    if pending:
        other = pending[0]
        raise Conflict(f"recordId: record {rid} already has a repair application {other['applicationId']} "
                       f"(applied on {other['appliedOn']}) pending on {day} or after; wait for its decision")
    return commitment


async def apply_for_repair(info: Info, input: RepairInput) -> RepairApplication:
    principal = info.context.principal
    values: dict[str, Any] = {"recordId": input.record_id, "appliedOn": input.applied_on,
                              "commitment": input.commitment,
                              "rectificationEvidence": list(input.rectification_evidence)}

    async def work(attempt: Attempt) -> dict[str, Any]:
        found = await attempt.rows("repair_record_state", recordId=input.record_id, appliedOn=input.applied_on)
        if not found:
            raise NotFound(f"recordId: there is no record {shown(input.record_id)}; give the recordId of one of "
                           "the subject's records")
        state = found[0]
        record = build(RecordRow, state["record"])
        if principal.role is Role.SUBJECT and not principal.owns(state["subjectKind"], state["subjectKey"]):
            raise Forbidden(f"applyForRepair: record {record.record_id} is not of this credential's subject; a "
                            "SUBJECT applies for its own records")
        if principal.role is Role.AUTHORITY and record.authority_uscc != principal.agency_uscc:
            raise Forbidden(f"applyForRepair: record {record.record_id} was decided by another authority; an "
                            "AUTHORITY applies on behalf of a subject for the records it decided")
        commitment = _check_application(record, input, state["pending"])
        rows = await attempt.rows(
            "repair_application_create", recordId=record.record_id, applicationId=repair.new_id("RA"),
            eventId=repair.new_id("EV"), appliedOn=input.applied_on, commitment=commitment,
            rectificationEvidence=[e.strip() for e in input.rectification_evidence], role=principal.role.value,
            **_agency(principal))
        return {"application": rows[0]["application"]}

    result = await writes.idempotent(info.context.graph, _credential(principal), "applyForRepair",
                                     input.idempotency_key, values, work)
    return RepairApplication.from_row(build(ApplicationRow, _dates(result["application"], "appliedOn")), today())


# --- decideRepair ---

def _check_decision(application: ApplicationRow, record: RecordRow, input: RepairDecisionInput,
                    rectifications: list[dict[str, Any]]) -> str:
    aid, day = application.application_id, input.decided_on
    if application.decided_on is not None:
        raise Conflict(f"applicationId: application {aid} was already decided ({application.status} on "
                       f"{application.decided_on}); a decision is made once")
    _not_future("decidedOn", day)
    if day < application.applied_on:
        raise UserError(f"decidedOn: {day} is before the application (applied on {application.applied_on}); "
                        "decide on or after that day")
    reason = _text("reason", input.reason, "say why the application is accepted or rejected")
    if input.decision is Decision.ACCEPT:
        if record.revoked_on is not None and record.revoked_on <= day:
            raise UserError(f"decision: record {record.record_id} was revoked on {record.revoked_on}; there is "
                            "nothing to repair, REJECT the application")
        for order in rectifications:
            if order["doneOn"] is None:
                raise UserError(f"decision: ACCEPT needs the rectification of record {record.record_id} ordered on "
                                f"{order['occurredOn']} (event {order['eventId']}) done, and no RECTIFICATION_DONE "
                                f"is recorded for it by {day}; accept once it is done, or REJECT")
    return reason


async def decide_repair(info: Info, input: RepairDecisionInput) -> RepairApplication:
    principal = info.context.principal
    values: dict[str, Any] = {"applicationId": input.application_id, "decision": input.decision,
                              "decidedOn": input.decided_on, "reason": input.reason}

    async def work(attempt: Attempt) -> dict[str, Any]:
        found = await attempt.rows("repair_application_state", applicationId=input.application_id,
                                   decidedOn=input.decided_on)
        if not found:
            raise NotFound(f"applicationId: there is no repair application {shown(input.application_id)}")
        state = found[0]
        application, record = build(ApplicationRow, state["application"]), build(RecordRow, state["record"])
        if record.authority_uscc != principal.agency_uscc:
            raise Forbidden(f"decideRepair: record {record.record_id} was decided by another authority; the "
                            "authority that decided a record decides its repair (谁认定、谁修复)")
        reason = _check_decision(application, record, input, state["rectifications"])
        accepted = input.decision is Decision.ACCEPT
        rows = await attempt.rows(
            "repair_application_decide", applicationId=application.application_id, eventId=repair.new_id("EV"),
            status="ACCEPTED" if accepted else "REJECTED", decidedOn=input.decided_on, reason=reason,
            **_agency(principal))
        result = {"application": rows[0]["application"]}
        attempt.remember(result)  # stored by the statement that ends the entries, when there is one
        if accepted:
            await _end_entries(attempt, _ending(state["entries"], input.decided_on), input.decided_on,
                               application.application_id)
        return result

    result = await writes.idempotent(info.context.graph, _credential(principal), "decideRepair",
                                     input.idempotency_key, values, work)
    row = _dates(result["application"], "appliedOn", "decidedOn")
    return RepairApplication.from_row(build(ApplicationRow, row), today())


# --- fileObjection ---

def _target(target_id: str) -> tuple[str, str]:
    type_name, key = parse_node_id(target_id)
    if type_name not in TARGET_KINDS:
        raise UserError(f"targetId: {shown(target_id)} is the id of a {type_name}; an objection disputes a "
                        "CreditRecord or a ListEntry")
    return TARGET_KINDS[type_name], key


def _check_objection(kind: str, target: dict[str, Any], input: ObjectionInput, open_: list[dict[str, Any]]) -> str:
    day = input.filed_on
    _not_future("filedOn", day)
    if kind == "RECORD":
        what, start = f"record {target['recordId']}", target["decidedOn"]
        if target.get("revokedOn") is not None and target["revokedOn"] <= day:
            raise UserError(f"targetId: {what} was revoked on {target['revokedOn']}; there is nothing to dispute")
    else:
        what, start = f"list entry {target['entryId']}", target["listedOn"]
        if target.get("removedOn") is not None and target["removedOn"] <= day:
            raise UserError(f"targetId: {what} was removed on {target['removedOn']}; there is nothing to dispute")
    if day < start:
        raise UserError(f"filedOn: {day} is before {what} existed ({start}); file on or after that day")
    grounds = _text("grounds", input.grounds, "say what is wrong with the record or entry")
    if open_:
        other = open_[0]
        raise Conflict(f"targetId: objection {other['objectionId']} (filed on {other['filedOn']}) against {what} "
                       f"is under review on {day} or after; wait for its resolution")
    return grounds


async def file_objection(info: Info, input: ObjectionInput) -> Objection:
    principal = info.context.principal
    kind, key = _target(input.target_id)
    values: dict[str, Any] = {"targetId": input.target_id, "filedOn": input.filed_on, "grounds": input.grounds}

    async def work(attempt: Attempt) -> dict[str, Any]:
        found = await attempt.rows("objection_target_state", targetKind=kind, targetId=key, filedOn=input.filed_on)
        if not found:
            raise NotFound(f"targetId: there is no {'record' if kind == 'RECORD' else 'list entry'} "
                           f"{shown(key)}")
        state = found[0]
        if not principal.owns(state["subjectKind"], state["subjectKey"]):
            raise Forbidden("fileObjection: the target is not of this credential's subject; a SUBJECT disputes "
                            "its own records and list entries")
        grounds = _check_objection(kind, state["target"], input, state["open"])
        rows = await attempt.rows("objection_create", targetKind=kind, targetId=key,
                                  objectionId=repair.new_id("OB"), eventId=repair.new_id("EV"),
                                  filedOn=input.filed_on, grounds=grounds)
        return {"objection": rows[0]["objection"]}

    result = await writes.idempotent(info.context.graph, _credential(principal), "fileObjection",
                                     input.idempotency_key, values, work)
    return Objection.from_row(build(ObjectionRow, _dates(result["objection"], "filedOn")), today())


# --- resolveObjection ---

def _check_resolution(objection: ObjectionRow, input: ObjectionResolutionInput) -> str:
    oid, day = objection.objection_id, input.resolved_on
    if objection.resolved_on is not None:
        raise Conflict(f"objectionId: objection {oid} was already resolved ({objection.status} on "
                       f"{objection.resolved_on}); it is resolved once")
    _not_future("resolvedOn", day)
    if day < objection.filed_on:
        raise UserError(f"resolvedOn: {day} is before the objection (filed on {objection.filed_on}); resolve on "
                        "or after that day")
    return _text("reason", input.reason, "say why the objection is upheld or dismissed")


async def resolve_objection(info: Info, input: ObjectionResolutionInput) -> Objection:
    principal = info.context.principal
    values: dict[str, Any] = {"objectionId": input.objection_id, "outcome": input.outcome,
                              "resolvedOn": input.resolved_on, "reason": input.reason}

    async def work(attempt: Attempt) -> dict[str, Any]:
        found = await attempt.rows("objection_state", objectionId=input.objection_id)
        if not found:
            raise NotFound(f"objectionId: there is no objection {shown(input.objection_id)}")
        state = found[0]
        objection, target = build(ObjectionRow, state["objection"]), state["target"]
        if target.get("authorityUscc") != principal.agency_uscc:
            raise Forbidden("resolveObjection: the disputed record or entry was decided by another authority; the "
                            "authority that decided the record or listed the entry resolves the objection")
        reason = _check_resolution(objection, input)
        upheld, day = input.outcome is ObjectionOutcome.UPHOLD, input.resolved_on
        rows = await attempt.rows("objection_resolve", objectionId=objection.objection_id,
                                  eventId=repair.new_id("EV"), status="UPHELD" if upheld else "DISMISSED",
                                  resolvedOn=day, reason=reason, **_agency(principal))
        result = {"objection": rows[0]["objection"]}
        attempt.remember(result)  # stored by the statement that ends the entries, when there is one
        if upheld:
            entries = state["entries"] if objection.target_kind == "RECORD" else [target]
            await _end_entries(attempt, _ending(entries, day), day, objection.objection_id)
        return result

    result = await writes.idempotent(info.context.graph, _credential(principal), "resolveObjection",
                                     input.idempotency_key, values, work)
    row = _dates(result["objection"], "filedOn", "resolvedOn")
    return Objection.from_row(build(ObjectionRow, row), today())


@strawberry.type
class RepairMutation:
    @strawberry.mutation(description="SUBJECT (its own records) or the record's AUTHORITY on its behalf: apply for "
                                      "repair (信用修复).")
    async def apply_for_repair(self, info: Info, input: RepairInput) -> RepairApplication:
        return await apply_for_repair(info, input)

    @strawberry.mutation(description="The AUTHORITY that decided the record (谁认定、谁修复).")
    async def decide_repair(self, info: Info, input: RepairDecisionInput) -> RepairApplication:
        return await decide_repair(info, input)

    @strawberry.mutation(description="SUBJECT: dispute one of its own records or list entries (异议).")
    async def file_objection(self, info: Info, input: ObjectionInput) -> Objection:
        return await file_objection(info, input)

    @strawberry.mutation(description="The AUTHORITY that decided the disputed record or listed the disputed entry.")
    async def resolve_objection(self, info: Info, input: ObjectionResolutionInput) -> Objection:
        return await resolve_objection(info, input)


# --- The two lists ---

def _scope(principal: Principal, statuses: Sequence[Enum] | None, first: int | None,
           after: str | None) -> PageQuery:
    """SUBJECT: its own; AUTHORITY: on what it decided; ADMIN: all (the roles are checked by api/views.py)."""
    return PageQuery(
        as_of=today(),
        subject_kind=principal.subject_kind if principal.role is Role.SUBJECT else None,
        subject_key=principal.subject_key if principal.role is Role.SUBJECT else None,
        authority_uscc=principal.agency_uscc if principal.role is Role.AUTHORITY else None,
        statuses=tuple(sorted(s.value for s in statuses)) if statuses else None,
        first=check_first(first), after=decode_day_cursor(after))


@strawberry.type
class RepairQuery:
    @strawberry.field(description="SUBJECT: its own applications; AUTHORITY: those on records it decided; ADMIN: "
                                  "all. Newest first.")
    async def repair_applications(self, info: Info, statuses: list[ApplicationStatus] | None = None,
                                  first: int | None = 20, after: str | None = None) -> RepairApplicationConnection:
        query = _scope(info.context.principal, statuses, first, after)
        total, rows = await repair.applications_page(info.context.graph, query)
        edges = [RepairApplicationEdge(cursor=cursor_of(r.applied_on, r.application_id),
                                       node=RepairApplication.from_row(r, query.as_of)) for r in rows[:query.first]]
        return RepairApplicationConnection(total_count=total, edges=edges, page_info=page_info(
            [e.cursor for e in edges], len(rows) > query.first, after))

    @strawberry.field(description="SUBJECT: its own objections; AUTHORITY: those against what it decided; ADMIN: "
                                  "all. Newest first.")
    async def objections(self, info: Info, statuses: list[ObjectionStatus] | None = None, first: int | None = 20,
                         after: str | None = None) -> ObjectionConnection:
        query = _scope(info.context.principal, statuses, first, after)
        total, rows = await repair.objections_page(info.context.graph, query)
        edges = [ObjectionEdge(cursor=cursor_of(r.filed_on, r.objection_id), node=Objection.from_row(r, query.as_of))
                 for r in rows[:query.first]]
        return ObjectionConnection(total_count=total, edges=edges, page_info=page_info(
            [e.cursor for e in edges], len(rows) > query.first, after))
