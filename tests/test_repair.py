"""Credit repair (信用修复) and objections (异议): the four mutations, their refusals and races, the two lists, the
fields of records and entries, and the effects across the file as of dates (workflow.md sections 3-5).

On top of tests/scenario.py: records of A decided by AUTH (G1 GENERAL 2026-01-10 with the BLACKLIST entry LG1 and
a push, S1 SERIOUS 2025-06-01 with a rectification ordered, CD1 a court defaulter, M1 MINOR) and X1 by OTHER; B's
SERIOUS record WB1, decided 13 months before today, for the walk-through (listed and pushed there through the loop's
mutations, to the bank whose measure M-WAGE-BANK applies); P1 (B's legal representative) also leads E.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from api.auth import Principal, Role
from api.cursors import node_id
from api.dates import today
from graph import loop, rules
from tests import scenario
from tests.gql import ADMIN, execute
from tests.scenario import P1, A, B, E

AUTH_USCC, OTHER_USCC, BANK_USCC = "11440300MB2C00013H", "11110000MB2C00021C", "91110000MA0BANK1X1"
AUTH = Principal(Role.AUTHORITY, credential_id="test-auth", agency_name="深圳市市场监督管理局", agency_uscc=AUTH_USCC)
OTHER = Principal(Role.AUTHORITY, credential_id="test-other", agency_name="北京市税务局", agency_uscc=OTHER_USCC)
SUBJECT_A = Principal(Role.SUBJECT, credential_id="test-subject-a", subject_kind="ORGANISATION", subject_id=A,
                      subject_key=A)
SUBJECT_B = Principal(Role.SUBJECT, credential_id="test-subject-b", subject_kind="ORGANISATION", subject_id=B,
                      subject_key=B)
UNIT = Principal(Role.UNIT, credential_id="test-unit", agency_name="测试银行", agency_uscc=BANK_USCC)
INVESTIGATOR = Principal(Role.INVESTIGATOR, credential_id="test-inv", agency_name="测试调查", agency_uscc=BANK_USCC)
PUBLIC = Principal(Role.PUBLIC)
NAMES = {org["uscc"]: org["name"] for org in scenario.FILES["organisations.csv"]}


TODAY = today()
WB1_DECIDED = rules.add_months(TODAY, -13)
WB1_REPAIRABLE = rules.repairable_from("ADMIN_PENALTY", "SERIOUS", WB1_DECIDED)


def rec(record_id: str, severity: str, decided: str, subject: str = A, authority: str = AUTH_USCC, **extra) -> dict:
    return scenario.rec(record_id, severity, decided, subject, authority_uscc=authority, **extra)


EXTRA = {
    "records.csv": [rec("G1", "GENERAL", "2026-01-10"), rec("S1", "SERIOUS", "2025-06-01"),
                    rec("CD1", "GENERAL", "2025-01-01", category="COURT_DEFAULTER"), rec("M1", "MINOR", "2026-09-01"),
                    rec("X1", "GENERAL", "2026-01-10", authority=OTHER_USCC),
                    rec("WB1", "SERIOUS", WB1_DECIDED.isoformat(), subject=B)],
    "list_entries.csv": [
        {"entry_id": "LG1", "list_type": "BLACKLIST", "domain": "税收", "subject_kind": "ORGANISATION", "subject_id": A,
         "listed_on": "2026-02-01", "record_id": "G1", "authority_uscc": AUTH_USCC}],
    "measures.csv": [{"measure_code": "M-WAGE-BANK", "name": "限制贷款", "list_type": "BLACKLIST",
                      "domain": "拖欠农民工工资", "implementer_name": "测试银行", "implementer_uscc": BANK_USCC}],
    "events.csv": [{"event_id": "ES1", "event_type": "RECTIFICATION_ORDERED", "subject_kind": "ORGANISATION",
                    "subject_id": A, "occurred_on": "2025-07-01", "due_on": "2025-08-01", "record_id": "S1"}],
    "roles.csv": [{"id_number": P1, "uscc": E, "role": "LEGAL_REPRESENTATIVE", "start_on": "2016-01-01"}],
}


@pytest.fixture
async def world(graph, tmp_path):
    await scenario.load(graph, tmp_path, EXTRA)
    await push(graph, "LG1", "PU-G1", "2026-02-01")
    return graph


async def push(graph, entry_id: str, push_id: str, pushed_on: str) -> None:
    """A push of an imported entry to the bank, made directly (no measure of the scenario has an implementer)."""
    await graph.driver.execute_query(
        "MATCH (e:ListEntry {entryId: $entry}) CREATE (e)-[:PUSH]->(:Push {pushId: $id, entryId: e.entryId, "
        "measureCode: 'M-BID-BAN', unitName: '测试银行', unitUscc: $unit, subjectKind: e.subjectKind, "
        "subjectId: e.subjectId, pushedOn: date($on), dueOn: date($on) + duration('P15D'), changedAt: datetime()})",
        entry=entry_id, id=push_id, unit=BANK_USCC, on=pushed_on)


APPLY = """mutation($input: RepairInput!) { applyForRepair(input: $input) {
  id applicationId status appliedOn decidedOn reason commitment rectificationEvidence
  record { recordId status } subject { name } } }"""
DECIDE = """mutation($input: RepairDecisionInput!) { decideRepair(input: $input) {
  applicationId status appliedOn decidedOn reason record { recordId status repairedOn } } }"""
FILE = """mutation($input: ObjectionInput!) { fileObjection(input: $input) {
  id objectionId status filedOn grounds resolvedOn subject { name }
  target { id ... on CreditRecord { recordId underObjection } ... on ListEntry { entryId underObjection } } } }"""
RESOLVE = """mutation($input: ObjectionResolutionInput!) { resolveObjection(input: $input) {
  objectionId status filedOn resolvedOn reason
  target { ... on CreditRecord { recordId status } ... on ListEntry { entryId active } } } }"""


async def mutate(graph, doc: str, as_: Principal, key: str, **input) -> tuple[dict | None, list[tuple[str, str]]]:
    """(the payload, [(code, message)]) of one mutation."""
    result, _ = await execute(graph, doc, as_, input={"idempotencyKey": key, **input})
    errors = [(e.extensions["code"], e.message) for e in result.errors or []]
    payload = next(iter(result.data.values())) if result.data else None
    return payload, errors


async def ok(graph, doc: str, as_: Principal, key: str, **input) -> dict:
    payload, errors = await mutate(graph, doc, as_, key, **input)
    assert errors == [], errors
    return payload


async def refused(graph, doc: str, as_: Principal, **input) -> tuple[str, str]:
    payload, errors = await mutate(graph, doc, as_, "k-refused", **input)
    assert payload is None and len(errors) == 1, (payload, errors)
    return errors[0]


async def count(graph, cypher: str, **params) -> int:
    records, _, _ = await graph.driver.execute_query(f"{cypher} RETURN count(*) AS n", **params)
    return records[0]["n"]


async def events(graph, subject: str) -> list[tuple]:
    records, _, _ = await graph.driver.execute_query(
        "MATCH (:Organisation {uscc: $s})-[:EVENT]->(e:Event) WHERE e.eventType STARTS WITH 'REPAIR' "
        "OR e.eventType STARTS WITH 'OBJECTION' RETURN e.eventType AS t, toString(e.occurredOn) AS on, "
        "coalesce(e.recordId, e.entryId) AS about ORDER BY e.createdAt", s=subject)
    return [(r["t"], r["on"], r["about"]) for r in records]


def application(record_id: str, applied_on: str, commitment: str = "本公司承诺依法诚信经营") -> dict:
    return {"recordId": record_id, "appliedOn": applied_on, "commitment": commitment}


def decision(application_id: str, decided_on: str, decision_: str = "ACCEPT", reason: str = "已整改到位") -> dict:
    return {"applicationId": application_id, "decision": decision_, "decidedOn": decided_on, "reason": reason}


def objection(target_id: str, filed_on: str, grounds: str = "处罚认定的事实有误") -> dict:
    return {"targetId": target_id, "filedOn": filed_on, "grounds": grounds}


def resolution(objection_id: str, resolved_on: str, outcome: str = "UPHOLD", reason: str = "经复核，异议成立") -> dict:
    return {"objectionId": objection_id, "outcome": outcome, "resolvedOn": resolved_on, "reason": reason}


RECORD_ID = node_id("CreditRecord", "G1")
ENTRY_ID = node_id("ListEntry", "LG1")


# --- repairableFrom: the rule table ---

def test_repairable_from_is_a_row_of_the_rule_table() -> None:
    assert rules.repairable_from("ADMIN_PENALTY", "MINOR", date(2026, 9, 1)) == date(2026, 9, 1)
    assert rules.repairable_from("ADMIN_PENALTY", "GENERAL", date(2025, 11, 30)) == date(2026, 2, 28)
    assert rules.repairable_from("ADMIN_PENALTY", "SERIOUS", date(2024, 2, 29)) == date(2025, 2, 28)
    assert rules.repairable_from("COURT_DEFAULTER", "SERIOUS", date(2025, 1, 1)) is None


async def test_records_say_when_they_may_be_repaired(world) -> None:
    query = """{ organisation(uscc: "%s", asOf: "2026-10-01") { records(first: 50, filter: {statuses: [ACTIVE,
        EXPIRED]}) { edges { node { recordId repairableFrom } } } } }""" % A
    result, _ = await execute(world, query)
    edges = result.data["organisation"]["records"]["edges"]
    found = {e["node"]["recordId"]: e["node"]["repairableFrom"] for e in edges}
    assert found == {"G1": "2026-04-10", "S1": "2026-06-01", "CD1": None, "M1": "2026-09-01", "X1": "2026-04-10",
                     "R1": "2023-06-01", "R2": "2024-06-01", "R4": "2020-04-01"}


# --- applyForRepair and decideRepair ---

async def test_apply_then_accept_repairs_the_record_and_ends_its_entry_and_push(world) -> None:
    applied = await ok(world, APPLY, SUBJECT_A, "a1", **application("G1", "2026-04-10"),
                       rectificationEvidence=["整改报告.pdf"])
    assert applied["status"] == "PENDING" and applied["decidedOn"] is None
    assert applied["record"] == {"recordId": "G1", "status": "ACTIVE"} and applied["subject"]["name"] == NAMES[A]
    assert applied["rectificationEvidence"] == ["整改报告.pdf"] and applied["applicationId"].startswith("RA-")
    decided = await ok(world, DECIDE, AUTH, "d1", **decision(applied["applicationId"], "2026-05-01"))
    assert (decided["status"], decided["decidedOn"], decided["reason"]) == ("ACCEPTED", "2026-05-01", "已整改到位")
    assert decided["record"] == {"recordId": "G1", "status": "REPAIRED", "repairedOn": "2026-05-01"}
    entry = (await world.driver.execute_query(
        "MATCH (e:ListEntry {entryId: 'LG1'})-[:PUSH]->(p) RETURN toString(e.removedOn) AS removed, "
        "toString(p.withdrawnOn) AS withdrawn, p.changedAt IS NOT NULL AS changed")).records[0]
    assert (entry["removed"], entry["withdrawn"], entry["changed"]) == ("2026-05-01", "2026-05-01", True)
    assert await events(world, A) == [("REPAIR_APPLIED", "2026-04-10", "G1"), ("REPAIR_GRANTED", "2026-05-01", "G1")]
    assert await count(world, "MATCH (n) WHERE n._lock IS NOT NULL") == 0  # the locks leave no trace
    # The application as of a day: PENDING before the decision, ACCEPTED from it; nothing before it was filed.
    query = """query($asOf: Date) { organisation(uscc: "%s", asOf: $asOf) { records(first: 50, filter: {statuses:
        [ACTIVE, REPAIRED]}) { edges { node { recordId status repairApplications { status decidedOn } } } } } }""" % A
    for as_of, status, apps in (("2026-04-09", "ACTIVE", []), ("2026-04-30", "ACTIVE", [{"status": "PENDING",
                                "decidedOn": None}]), ("2026-05-01", "REPAIRED", [{"status": "ACCEPTED",
                                                                                   "decidedOn": "2026-05-01"}])):
        result, _ = await execute(world, query, SUBJECT_A, asOf=as_of)
        g1 = [e["node"] for e in result.data["organisation"]["records"]["edges"] if e["node"]["recordId"] == "G1"]
        assert g1 == [{"recordId": "G1", "status": status, "repairApplications": apps}], as_of


async def test_a_retry_returns_the_first_result_and_other_input_under_the_key_is_a_conflict(world) -> None:
    first = await ok(world, APPLY, SUBJECT_A, "same", **application("G1", "2026-04-10"))
    again = await ok(world, APPLY, SUBJECT_A, "same", **application("G1", "2026-04-10"))
    assert again == first
    assert await count(world, "MATCH (a:RepairApplication)") == 1
    assert await count(world, "MATCH (e:Event {eventType: 'REPAIR_APPLIED'})") == 1
    code, message = (await mutate(world, APPLY, SUBJECT_A, "same", **application("G1", "2026-04-11")))[1][0]
    assert code == "CONFLICT" and "already used with other input" in message


async def test_an_authority_applies_on_behalf_of_the_subject_for_its_own_records_only(world) -> None:
    applied = await ok(world, APPLY, AUTH, "a1", **application("G1", "2026-04-10"))
    assert applied["status"] == "PENDING"
    agency = (await world.driver.execute_query(
        "MATCH (e:Event {eventType: 'REPAIR_APPLIED'}) RETURN e.agencyUscc AS u")).records[0]["u"]
    assert agency == AUTH_USCC
    code, message = await refused(world, APPLY, OTHER, **application("G1", "2026-04-10"))
    assert code == "FORBIDDEN" and "decided by another authority" in message


@pytest.mark.parametrize("who, input, code, words", [
    (SUBJECT_A, application("G1", "2026-04-09"), "BAD_USER_INPUT",
     "may be repaired from 2026-04-10, after its minimum publication period; apply on or after 2026-04-10"),
    (SUBJECT_A, application("S1", "2026-05-31"), "BAD_USER_INPUT", "from 2026-06-01"),
    (SUBJECT_A, application("CD1", "2026-01-01"), "BAD_USER_INPUT", "the court that listed the defaulter decides"),
    (SUBJECT_A, application("R3", "2026-01-01"), "BAD_USER_INPUT", "record R3 was already repaired on 2025-02-01"),
    (SUBJECT_A, application("R5", "2026-01-01"), "BAD_USER_INPUT", "record R5 was revoked on 2024-06-01"),
    (SUBJECT_A, application("G1", "2026-04-10", "  "), "BAD_USER_INPUT", "commitment: every application comes with"),
    (SUBJECT_A, application("G1", "2099-01-01"), "BAD_USER_INPUT", "appliedOn: 2099-01-01 is in the future"),
    (SUBJECT_A, application("NOPE", "2026-04-10"), "NOT_FOUND", "there is no record 'NOPE'"),
    # Another subject's record: FORBIDDEN, whatever else is wrong with the input.
    (SUBJECT_B, application("CD1", "2020-01-01", ""), "FORBIDDEN", "not of this credential's subject"),
    (OTHER, application("CD1", "2020-01-01", ""), "FORBIDDEN", "decided by another authority"),
    (UNIT, application("G1", "2026-04-10"), "FORBIDDEN", "applyForRepair is for AUTHORITY or SUBJECT"),
    (ADMIN, application("G1", "2026-04-10"), "FORBIDDEN", "this request is ADMIN"),
])
async def test_applications_refused_store_nothing(world, who, input, code, words) -> None:
    got_code, message = await refused(world, APPLY, who, **input)
    assert (got_code, words in message) == (code, True), message
    assert await count(world, "MATCH (a:RepairApplication)") == 0
    assert await count(world, "MATCH (e:Event) WHERE e.eventType STARTS WITH 'REPAIR'") == 0


async def test_a_second_pending_application_is_a_conflict(world) -> None:
    first = await ok(world, APPLY, SUBJECT_A, "a1", **application("G1", "2026-04-10"))
    code, message = await refused(world, APPLY, SUBJECT_A, **application("G1", "2026-04-20"))
    assert code == "CONFLICT" and first["applicationId"] in message and "wait for its decision" in message
    await ok(world, DECIDE, AUTH, "d1", **decision(first["applicationId"], "2026-05-01", "REJECT", "整改未完成"))
    # Pending until 2026-05-01: an application for a day before that overlaps it; after it, a new one may be made.
    assert (await refused(world, APPLY, SUBJECT_A, **application("G1", "2026-04-30")))[0] == "CONFLICT"
    second = await ok(world, APPLY, SUBJECT_A, "a2", **application("G1", "2026-05-01"))
    assert second["status"] == "PENDING"
    assert await events(world, A) == [("REPAIR_APPLIED", "2026-04-10", "G1"), ("REPAIR_REFUSED", "2026-05-01", "G1"),
                                      ("REPAIR_APPLIED", "2026-05-01", "G1")]


async def test_decisions_refused(world) -> None:
    app_id = (await ok(world, APPLY, SUBJECT_A, "a1", **application("G1", "2026-04-10")))["applicationId"]
    cases = [
        (OTHER, decision(app_id, "2026-04-01"), "FORBIDDEN", "谁认定、谁修复"),  # before anything else
        (SUBJECT_A, decision(app_id, "2026-05-01"), "FORBIDDEN", "decideRepair is for AUTHORITY"),
        (AUTH, decision("RA-NOPE", "2026-05-01"), "NOT_FOUND", "there is no repair application 'RA-NOPE'"),
        (AUTH, decision(app_id, "2026-04-09"), "BAD_USER_INPUT",
         "decidedOn: 2026-04-09 is before the application (applied on 2026-04-10)"),
        (AUTH, decision(app_id, "2099-01-01"), "BAD_USER_INPUT", "is in the future"),
        (AUTH, decision(app_id, "2026-05-01", reason=" "), "BAD_USER_INPUT", "reason: say why"),
    ]
    for who, input, code, words in cases:
        got, message = await refused(world, DECIDE, who, **input)
        assert (got, words in message) == (code, True), message
    assert await count(world, "MATCH (r:Record {recordId: 'G1'}) WHERE r.repairedOn IS NULL") == 1
    await ok(world, DECIDE, AUTH, "d1", **decision(app_id, "2026-05-01"))
    code, message = await refused(world, DECIDE, AUTH, **decision(app_id, "2026-05-02", "REJECT"))
    assert code == "CONFLICT" and "already decided (ACCEPTED on 2026-05-01)" in message


async def test_accept_waits_for_the_ordered_rectification(world, tmp_path) -> None:
    app_id = (await ok(world, APPLY, SUBJECT_A, "a1", **application("S1", "2026-06-01")))["applicationId"]
    code, message = await refused(world, DECIDE, AUTH, **decision(app_id, "2026-06-15"))
    assert code == "BAD_USER_INPUT"
    assert "rectification of record S1 ordered on 2025-07-01 (event ES1)" in message and "or REJECT" in message
    done = {"event_id": "ES2", "event_type": "RECTIFICATION_DONE", "subject_kind": "ORGANISATION", "subject_id": A,
            "occurred_on": "2026-07-01", "record_id": "S1"}
    await scenario.load(world, tmp_path / "done", {**EXTRA, "events.csv": EXTRA["events.csv"] + [done]})
    # Done after the decision day does not count for it; on or before it does.
    assert (await refused(world, DECIDE, AUTH, **decision(app_id, "2026-06-30")))[0] == "BAD_USER_INPUT"
    decided = await ok(world, DECIDE, AUTH, "d1", **decision(app_id, "2026-07-01"))
    assert decided["record"]["status"] == "REPAIRED"


async def test_reject_needs_no_rectification_and_changes_nothing_else(world) -> None:
    app_id = (await ok(world, APPLY, SUBJECT_A, "a1", **application("S1", "2026-06-01")))["applicationId"]
    decided = await ok(world, DECIDE, AUTH, "d1", **decision(app_id, "2026-06-15", "REJECT", "整改未完成"))
    assert decided["status"] == "REJECTED" and decided["record"]["status"] == "ACTIVE"
    assert await count(world, "MATCH (r:Record {recordId: 'S1'}) WHERE r.repairedOn IS NULL") == 1


# --- fileObjection and resolveObjection ---

UNDER_OBJECTION = """query($asOf: Date) { organisation(uscc: "%s", asOf: $asOf) {
  records(first: 50) { edges { node { recordId underObjection } } }
  listEntries { entryId underObjection } } }""" % A


async def disputed(graph, as_: Principal, as_of: str) -> tuple[set, set]:
    result, _ = await execute(graph, UNDER_OBJECTION, as_, asOf=as_of)
    assert result.errors is None, result.errors
    org = result.data["organisation"]
    return ({e["node"]["recordId"] for e in org["records"]["edges"] if e["node"]["underObjection"]},
            {e["entryId"] for e in org["listEntries"] if e["underObjection"]})


async def test_an_objection_marks_its_target_in_every_view_until_resolved(world) -> None:
    filed = await ok(world, FILE, SUBJECT_A, "o1", **objection(RECORD_ID, "2026-03-01"))
    assert filed["status"] == "UNDER_REVIEW" and filed["target"] == {"id": RECORD_ID, "recordId": "G1",
                                                                      "underObjection": True}
    for who in (PUBLIC, UNIT, AUTH, SUBJECT_A, SUBJECT_B, ADMIN):
        assert await disputed(world, who, "2026-03-01") == ({"G1"}, set()), who.role
        assert await disputed(world, who, "2026-02-28") == (set(), set()), who.role
    code, message = await refused(world, FILE, SUBJECT_A, **objection(RECORD_ID, "2026-03-05"))
    assert code == "CONFLICT" and filed["objectionId"] in message
    dismissed = await ok(world, RESOLVE, AUTH, "r1", **resolution(filed["objectionId"], "2026-03-10", "DISMISS"))
    assert dismissed["status"] == "DISMISSED" and dismissed["target"] == {"recordId": "G1", "status": "ACTIVE"}
    assert await disputed(world, PUBLIC, "2026-03-09") == ({"G1"}, set())
    assert await disputed(world, PUBLIC, "2026-03-10") == (set(), set())
    # Resolved: the target may be disputed again.
    assert (await ok(world, FILE, SUBJECT_A, "o2", **objection(RECORD_ID, "2026-03-10")))["status"] == "UNDER_REVIEW"
    assert await events(world, A) == [("OBJECTION_FILED", "2026-03-01", "G1"),
                                      ("OBJECTION_REJECTED", "2026-03-10", "G1"),
                                      ("OBJECTION_FILED", "2026-03-10", "G1")]


async def test_an_upheld_objection_revokes_the_record_and_ends_the_entries_resting_on_it(world) -> None:
    filed = await ok(world, FILE, SUBJECT_A, "o1", **objection(RECORD_ID, "2026-03-01"))
    upheld = await ok(world, RESOLVE, AUTH, "r1", **resolution(filed["objectionId"], "2026-03-20"))
    assert upheld["status"] == "UPHELD" and upheld["target"] == {"recordId": "G1", "status": "REVOKED"}
    state = (await world.driver.execute_query(
        "MATCH (r:Record {recordId: 'G1'})<-[:BASED_ON]-(e)-[:PUSH]->(p) RETURN toString(r.revokedOn) AS revoked, "
        "toString(e.removedOn) AS removed, toString(p.withdrawnOn) AS withdrawn")).records[0]
    assert dict(state) == {"revoked": "2026-03-20", "removed": "2026-03-20", "withdrawn": "2026-03-20"}
    query = """query($asOf: Date) { organisation(uscc: "%s", asOf: $asOf) { listEntries { entryId }
        records(first: 50, filter: {statuses: [ACTIVE, REVOKED]}) { edges { node { recordId status } } } } }""" % A
    for as_of, status, entries in (("2026-03-19", "ACTIVE", ["LG1"]), ("2026-03-20", "REVOKED", [])):
        org = (await execute(world, query, asOf=as_of))[0].data["organisation"]
        assert {e["node"]["recordId"]: e["node"]["status"] for e in org["records"]["edges"]}["G1"] == status
        assert [e["entryId"] for e in org["listEntries"]] == entries
    assert await events(world, A) == [("OBJECTION_FILED", "2026-03-01", "G1"), ("OBJECTION_UPHELD", "2026-03-20", "G1")]


async def test_an_upheld_objection_against_an_entry_removes_it(world) -> None:
    filed = await ok(world, FILE, SUBJECT_A, "o1", **objection(ENTRY_ID, "2026-02-10"))
    assert filed["target"] == {"id": ENTRY_ID, "entryId": "LG1", "underObjection": True}
    assert await disputed(world, PUBLIC, "2026-02-10") == (set(), {"LG1"})
    upheld = await ok(world, RESOLVE, AUTH, "r1", **resolution(filed["objectionId"], "2026-02-20"))
    assert upheld["target"] == {"entryId": "LG1", "active": False}
    state = (await world.driver.execute_query(
        "MATCH (r:Record {recordId: 'G1'})<-[:BASED_ON]-(e)-[:PUSH]->(p) RETURN r.revokedOn IS NULL AS kept, "
        "toString(e.removedOn) AS removed, toString(p.withdrawnOn) AS withdrawn")).records[0]
    assert dict(state) == {"kept": True, "removed": "2026-02-20", "withdrawn": "2026-02-20"}
    assert await events(world, A) == [("OBJECTION_FILED", "2026-02-10", "LG1"),
                                      ("OBJECTION_UPHELD", "2026-02-20", "LG1")]


async def test_objections_refused(world) -> None:
    b_record = node_id("CreditRecord", "WB1")
    cases = [
        (SUBJECT_B, objection(RECORD_ID, "2020-01-01", ""), "FORBIDDEN", "not of this credential's subject"),
        (AUTH, objection(RECORD_ID, "2026-03-01"), "FORBIDDEN", "fileObjection is for SUBJECT"),
        (SUBJECT_A, objection(b_record, "2026-03-01"), "FORBIDDEN", "disputes its own records"),
        (SUBJECT_A, objection(node_id("CreditRecord", "NOPE"), "2026-03-01"), "NOT_FOUND", "no record 'NOPE'"),
        (SUBJECT_A, objection(node_id("Organisation", A), "2026-03-01"), "BAD_USER_INPUT",
         "is the id of a Organisation; an objection disputes a CreditRecord or a ListEntry"),
        (SUBJECT_A, objection("garbage!", "2026-03-01"), "BAD_USER_INPUT", "not an id given out by this API"),
        (SUBJECT_A, objection(RECORD_ID, "2026-01-09"), "BAD_USER_INPUT", "before record G1 existed (2026-01-10)"),
        (SUBJECT_A, objection(RECORD_ID, "2099-01-01"), "BAD_USER_INPUT", "is in the future"),
        (SUBJECT_A, objection(RECORD_ID, "2026-03-01", "\n"), "BAD_USER_INPUT", "grounds: say what is wrong"),
        (SUBJECT_A, objection(node_id("CreditRecord", "R5"), "2026-03-01"), "BAD_USER_INPUT",
         "was revoked on 2024-06-01"),
    ]
    for who, input, code, words in cases:
        got, message = await refused(world, FILE, who, **input)
        assert (got, words in message) == (code, True), (input, message)
    assert await count(world, "MATCH (o:Objection)") == 0
    filed = await ok(world, FILE, SUBJECT_A, "o1", **objection(RECORD_ID, "2026-03-01"))
    oid = filed["objectionId"]
    cases = [
        (OTHER, resolution(oid, "2020-01-01"), "FORBIDDEN", "decided by another authority"),
        (SUBJECT_A, resolution(oid, "2026-03-02"), "FORBIDDEN", "resolveObjection is for AUTHORITY"),
        (AUTH, resolution("OB-NOPE", "2026-03-02"), "NOT_FOUND", "there is no objection 'OB-NOPE'"),
        (AUTH, resolution(oid, "2026-02-28"), "BAD_USER_INPUT", "before the objection (filed on 2026-03-01)"),
        (AUTH, resolution(oid, "2026-03-02", reason=""), "BAD_USER_INPUT", "reason: say why"),
    ]
    for who, input, code, words in cases:
        got, message = await refused(world, RESOLVE, who, **input)
        assert (got, words in message) == (code, True), (input, message)
    await ok(world, RESOLVE, AUTH, "r1", **resolution(oid, "2026-03-02", "DISMISS"))
    code, message = await refused(world, RESOLVE, AUTH, **resolution(oid, "2026-03-03"))
    assert code == "CONFLICT" and "already resolved (DISMISSED on 2026-03-02)" in message


# --- Races: one winner, one CONFLICT each ---

async def test_racing_requests_end_with_one_winner(world) -> None:
    results = await asyncio.gather(*(mutate(world, APPLY, SUBJECT_A, f"race-a{i}", **application("G1", "2026-04-10"))
                                     for i in range(6)))
    assert sorted(codes for _, e in results for codes, _ in e) == ["CONFLICT"] * 5
    app_id = next(p for p, _ in results if p)["applicationId"]
    results = await asyncio.gather(*(mutate(world, DECIDE, AUTH, f"race-d{i}",
                                            **decision(app_id, "2026-05-01", ["ACCEPT", "REJECT"][i % 2]))
                                     for i in range(8)))
    assert sorted(codes for _, e in results for codes, _ in e) == ["CONFLICT"] * 7
    winner = next(p for p, _ in results if p)
    assert await count(world, "MATCH (e:Event) WHERE e.eventType IN ['REPAIR_GRANTED', 'REPAIR_REFUSED']") == 1
    stored = (await world.driver.execute_query("MATCH (a:RepairApplication) RETURN a.status AS s")).records
    assert [r["s"] for r in stored] == [winner["status"]]
    results = await asyncio.gather(*(mutate(world, FILE, SUBJECT_A, f"race-o{i}", **objection(ENTRY_ID, "2026-02-10"))
                                     for i in range(6)))
    assert sorted(codes for _, e in results for codes, _ in e) == ["CONFLICT"] * 5
    assert await count(world, "MATCH (o:Objection)") == 1


async def test_the_same_key_racing_writes_once(world) -> None:
    results = await asyncio.gather(*(mutate(world, APPLY, SUBJECT_A, "one-key", **application("G1", "2026-04-10"))
                                     for _ in range(5)))
    assert all(e == [] for _, e in results) and len({p["applicationId"] for p, _ in results}) == 1
    assert await count(world, "MATCH (a:RepairApplication)") == 1


# --- The two lists, and who sees what ---

APPLICATIONS = """query($statuses: [ApplicationStatus!], $first: Int, $after: String) {
  repairApplications(statuses: $statuses, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { record { recordId } status } } } }"""
OBJECTIONS = """query($statuses: [ObjectionStatus!]) { objections(statuses: $statuses) {
  totalCount edges { node { status target { id } } } } }"""


async def listed(graph, query: str, as_: Principal, **variables) -> list:
    result, _ = await execute(graph, query, as_, **variables)
    assert result.errors is None, result.errors
    return next(iter(result.data.values()))


async def test_lists_show_each_caller_its_own_newest_first_in_pages(world) -> None:
    wb1_day = WB1_REPAIRABLE.isoformat()  # a month before today: after M1's
    for i, (record, day) in enumerate((("G1", "2026-04-10"), ("M1", "2026-09-01"), ("WB1", wb1_day))):
        await ok(world, APPLY, SUBJECT_B if record == "WB1" else SUBJECT_A, f"a{i}", **application(record, day))
    await ok(world, APPLY, OTHER, "a-x1", **application("X1", "2026-04-10"))
    m1 = [e for e in (await listed(world, APPLICATIONS, SUBJECT_A))["edges"] if e["node"]["record"]["recordId"] == "M1"]
    assert m1 and m1[0]["node"]["status"] == "PENDING"

    def ids(conn: dict) -> list[str]:
        return [e["node"]["record"]["recordId"] for e in conn["edges"]]

    assert ids(await listed(world, APPLICATIONS, SUBJECT_A)) == ["M1", "X1", "G1"]  # same day: the later first
    assert ids(await listed(world, APPLICATIONS, SUBJECT_B)) == ["WB1"]
    assert ids(await listed(world, APPLICATIONS, AUTH)) == ["WB1", "M1", "G1"]
    assert ids(await listed(world, APPLICATIONS, OTHER)) == ["X1"]
    everything = await listed(world, APPLICATIONS, ADMIN, first=2)
    assert everything["totalCount"] == 4 and ids(everything) == ["WB1", "M1"]
    assert everything["pageInfo"]["hasNextPage"] is True
    rest = await listed(world, APPLICATIONS, ADMIN, first=2, after=everything["pageInfo"]["endCursor"])
    assert ids(rest) == ["X1", "G1"] and rest["pageInfo"]["hasNextPage"] is False
    assert (await listed(world, APPLICATIONS, ADMIN, statuses=["ACCEPTED"]))["totalCount"] == 0
    assert (await listed(world, APPLICATIONS, ADMIN, statuses=["PENDING"]))["totalCount"] == 4
    for who in (UNIT, INVESTIGATOR, PUBLIC):
        result, _ = await execute(world, APPLICATIONS, who)
        assert result.errors[0].extensions["code"] == "FORBIDDEN"
    result, _ = await execute(world, APPLICATIONS, ADMIN, after="bogus")
    assert "is not a cursor of this list" in result.errors[0].message

    filed = await ok(world, FILE, SUBJECT_A, "o1", **objection(ENTRY_ID, "2026-02-10"))
    await ok(world, RESOLVE, AUTH, "r1", **resolution(filed["objectionId"], "2026-02-11", "DISMISS"))
    await ok(world, FILE, SUBJECT_A, "o2", **objection(RECORD_ID, "2026-03-01"))
    assert [e["node"]["target"]["id"] for e in (await listed(world, OBJECTIONS, SUBJECT_A))["edges"]] == [
        RECORD_ID, ENTRY_ID]
    assert (await listed(world, OBJECTIONS, AUTH, statuses=["DISMISSED"]))["totalCount"] == 1
    assert (await listed(world, OBJECTIONS, OTHER))["totalCount"] == 0
    assert (await listed(world, OBJECTIONS, SUBJECT_B))["totalCount"] == 0
    assert (await listed(world, OBJECTIONS, ADMIN, statuses=["UNDER_REVIEW"]))["totalCount"] == 1


RECORD_DETAIL = """query($id: ID!) { node(id: $id) { ... on CreditRecord { recordId underObjection
  objections { grounds status } repairApplications { status } } } }"""


async def test_who_sees_the_applications_and_objections_of_a_record(world) -> None:
    app = await ok(world, APPLY, SUBJECT_A, "a1", **application("G1", "2026-04-10"))
    await ok(world, FILE, SUBJECT_A, "o1", **objection(RECORD_ID, "2026-04-11"))
    for who in (SUBJECT_A, AUTH, INVESTIGATOR, ADMIN):
        result, _ = await execute(world, RECORD_DETAIL, who, id=RECORD_ID)
        assert result.errors is None, (who.role, result.errors)
        assert result.data["node"]["objections"] == [{"grounds": "处罚认定的事实有误", "status": "UNDER_REVIEW"}]
        assert result.data["node"]["repairApplications"] == [{"status": "PENDING"}]
    for who, words in ((PUBLIC, "this request is PUBLIC"), (UNIT, "this request is UNIT"),
                       (SUBJECT_B, "on another subject's file"), (OTHER, "decided by another authority")):
        result, _ = await execute(world, RECORD_DETAIL, who, id=RECORD_ID)
        assert {e.extensions["code"] for e in result.errors} == {"FORBIDDEN"}  # non-null lists: node is null
        assert all(words in e.message for e in result.errors), [e.message for e in result.errors]
        assert await disputed(world, who, "2026-04-11") == ({"G1"}, set())  # underObjection: everyone
    node = 'query($id: ID!) { node(id: $id) { id ... on RepairApplication { applicationId } } }'
    for who, seen in ((SUBJECT_A, True), (AUTH, True), (ADMIN, True), (OTHER, False), (SUBJECT_B, False),
                      (PUBLIC, False)):
        result, _ = await execute(world, node, who, id=app["id"])
        assert (result.data["node"] is not None) is seen, who.role


# --- The effects across the file: one subject walked through listing → push → feedback → repair → withdrawal ---

WALK = """query($asOf: Date, $statuses: [RecordStatus!]) {
  organisation(uscc: "%s", asOf: $asOf) {
    records(first: 20, filter: {statuses: $statuses}) { edges { node { recordId status } } }
    listEntries { entryId }
    measures { measure { code } }
    riskLevel { level }
  }
  screen(usccs: ["%s", "%s"], asOf: $asOf) { query risk { level } activeListEntries { entryId } flags }
  person(idNumber: "%s", asOf: $asOf) { riskLevel { level } }
}""" % (B, B, E, P1)
TRACE = """query($asOf: Date) { liabilityTrace(uscc: "%s", asOf: $asOf) {
  accountable { person { name } record { recordId } }
  graph { nodes { label riskLevel } } } }""" % B
ALL = ["ACTIVE", "EXPIRED", "REPAIRED", "REVOKED"]


async def surfaces(graph, as_: Principal, as_of: str | date) -> dict:
    result, _ = await execute(graph, WALK, as_, asOf=str(as_of), statuses=ALL)
    assert result.errors is None, result.errors
    org, screened = result.data["organisation"], {s["query"]: s for s in result.data["screen"]}
    return {"records": {e["node"]["recordId"]: e["node"]["status"] for e in org["records"]["edges"]},
            "entries": [e["entryId"] for e in org["listEntries"]],
            "measures": sorted(m["measure"]["code"] for m in org["measures"]), "risk": org["riskLevel"]["level"],
            "screen": (screened[B]["risk"]["level"], [e["entryId"] for e in screened[B]["activeListEntries"]]),
            "flags": [f for f in screened[E]["flags"] if B in f],
            "person": result.data["person"]["riskLevel"]["level"]}


async def trace(graph, as_of: str) -> tuple[set, dict]:
    """Who answers for B's records (measure 八), and the risk colour of each node of its trace."""
    result, _ = await execute(graph, TRACE, INVESTIGATOR, asOf=as_of)
    assert result.errors is None, result.errors
    t = result.data["liabilityTrace"]
    return ({(a["person"]["name"], a["record"]["recordId"]) for a in t["accountable"]},
            {n["label"]: n["riskLevel"] for n in t["graph"]["nodes"]})


LIST = """mutation($input: InitiateListingInput!) { initiateListing(input: $input) {
  entry { entryId } pushes { pushId unit { uscc } } } }"""
FEEDBACK = """mutation($input: FeedbackInput!) { giveFeedback(input: $input) { pushId status } }"""
INBOX = """{ inbox { edges { node { pushId status withdrawnOn feedback { outcome } entry { entryId } } } } }"""


async def test_walk_through_listing_push_feedback_repair_withdrawal(world) -> None:
    yesterday = TODAY.fromordinal(TODAY.toordinal() - 1).isoformat()
    # 发起 → 推送: the authority lists B on WB1; the bank's measure applies, so the bank gets a push today.
    listed_on = WB1_DECIDED.fromordinal(WB1_DECIDED.toordinal() + 14).isoformat()
    listing = await ok(world, LIST, AUTH, "walk-l", subject={"uscc": B}, listType="BLACKLIST", domain="拖欠农民工工资",
                       listedOn=listed_on, reason="拖欠农民工工资，情节严重", basedOnRecordId="WB1")
    entry_id, [pushed] = listing["entry"]["entryId"], listing["pushes"]
    assert pushed["unit"]["uscc"] == BANK_USCC
    # 响应/反馈: the bank applies the measure and says so.
    answered = await ok(world, FEEDBACK, UNIT, "walk-f", pushId=pushed["pushId"], outcome="APPLIED",
                        actedOn=TODAY.isoformat())
    assert answered["status"] == "ANSWERED"
    listed_ = {"records": {"WB1": "ACTIVE"}, "entries": [entry_id], "measures": ["M-BID-BAN", "M-WAGE", "M-WAGE-BANK"],
               "risk": "RED", "screen": ("RED", [entry_id]), "person": "RED"}
    before = {(who.role, day): await surfaces(world, who, day) for who in (UNIT, ADMIN) for day in (yesterday, TODAY)}
    for seen in before.values():
        assert {k: v for k, v in seen.items() if k != "flags"} == listed_
        assert [("张三" in f, f.split(": ")[-1]) for f in seen["flags"]] == [(True, entry_id), (True, "WB1")]
    trace_before = await trace(world, TODAY.isoformat())
    assert trace_before[0] == {("张三", "WB1")}, trace_before
    assert (trace_before[1][NAMES[B]], trace_before[1]["张三"], trace_before[1][NAMES[E]]) == ("RED", "RED", "GREEN")

    # 信用修复: B applies, the authority that decided WB1 accepts today.
    since = await loop.clock(world)
    app_id = (await ok(world, APPLY, SUBJECT_B, "walk-a", **application("WB1", TODAY.isoformat())))["applicationId"]
    await ok(world, DECIDE, AUTH, "walk-d", **decision(app_id, TODAY.isoformat()))

    # From the decision day: UNIT (shared view) no longer sees the record, ADMIN (archive) sees it REPAIRED; the entry
    # has ended, so no measure applies, the risk falls, screening flags nothing, the trace holds nothing.
    after_unit, after_admin = await surfaces(world, UNIT, TODAY), await surfaces(world, ADMIN, TODAY)
    assert after_unit["records"] == {} and after_admin["records"] == {"WB1": "REPAIRED"}
    for seen in (after_unit, after_admin):
        assert {k: v for k, v in seen.items() if k != "records"} == {
            "entries": [], "measures": [], "risk": "GREEN", "screen": ("GREEN", []), "flags": [], "person": "GREEN"}
    trace_after = await trace(world, TODAY.isoformat())
    assert trace_after[0] == set() and set(trace_after[1].values()) == {"GREEN"}, trace_after
    # The push is withdrawn today and keeps its feedback; the bank's inbox says so, and its subscribers get it (the
    # poller of every server process reads the pushes changed since its last look).
    result, _ = await execute(world, INBOX, UNIT)
    assert [e["node"] for e in result.data["inbox"]["edges"] if e["node"]["entry"]["entryId"] == entry_id] == [{
        "pushId": pushed["pushId"], "status": "WITHDRAWN", "withdrawnOn": TODAY.isoformat(),
        "feedback": {"outcome": "APPLIED"}, "entry": {"entryId": entry_id}}]
    _, changed = await loop.changed(world, since, [BANK_USCC])
    assert [(row.push_id, row.withdrawn_on) for row in changed] == [(pushed["pushId"], TODAY)]
    # Every answer as of a day before the decision is unchanged.
    for who in (UNIT, ADMIN):
        assert await surfaces(world, who, yesterday) == before[(who.role, yesterday)]


async def test_a_reimport_keeps_what_repair_and_objections_decided(world, tmp_path) -> None:
    app_id = (await ok(world, APPLY, SUBJECT_A, "a1", **application("G1", "2026-04-10")))["applicationId"]
    await ok(world, DECIDE, AUTH, "d1", **decision(app_id, "2026-05-01"))
    filed = await ok(world, FILE, SUBJECT_A, "o1", **objection(node_id("CreditRecord", "M1"), "2026-09-02"))
    await ok(world, RESOLVE, AUTH, "r1", **resolution(filed["objectionId"], "2026-09-03"))
    await scenario.load(world, tmp_path / "again", EXTRA)  # the source files know nothing of either decision
    state = (await world.driver.execute_query(
        "MATCH (g:Record {recordId: 'G1'})<-[:BASED_ON]-(e), (m:Record {recordId: 'M1'}) RETURN "
        "toString(g.repairedOn) AS g, toString(e.removedOn) AS e, toString(m.revokedOn) AS m")).records[0]
    assert dict(state) == {"g": "2026-05-01", "e": "2026-05-01", "m": "2026-09-03"}


async def test_events_csv_still_imports_the_repair_and_objection_types(graph, tmp_path) -> None:
    types = ["REPAIR_APPLIED", "REPAIR_GRANTED", "REPAIR_REFUSED", "OBJECTION_FILED", "OBJECTION_UPHELD",
             "OBJECTION_REJECTED"]
    rows = [{"event_id": f"EV{i}", "event_type": t, "subject_kind": "ORGANISATION", "subject_id": A,
             "occurred_on": "2026-01-01", "record_id": "R2"} for i, t in enumerate(types)]
    await scenario.load(graph, tmp_path, {"events.csv": rows})
    found = (await graph.driver.execute_query(
        "MATCH (:Organisation {uscc: $a})-[:EVENT]->(e:Event) WHERE e.eventId STARTS WITH 'EV' "
        "RETURN e.eventType AS t ORDER BY e.eventId", a=A)).records
    assert [r["t"] for r in found] == types


# --- Cost: the new fields cost nothing unless asked for, and one query per field when asked ---

COST = """query($fields: Boolean!) { organisation(uscc: "%s", asOf: "2026-10-01") {
  records(first: 50) { edges { node { recordId
    underObjection @include(if: $fields) repairableFrom @include(if: $fields)
    objections @include(if: $fields) { status } repairApplications @include(if: $fields) { status } } } }
  listEntries { entryId underObjection @include(if: $fields) } } }""" % A


async def test_the_new_fields_cost_nothing_unless_asked_and_one_query_each_when_asked(world) -> None:
    _, plain = await execute(world, COST, fields=False)
    result, asked = await execute(world, COST, fields=True)
    assert result.errors is None, result.errors
    assert len(result.data["organisation"]["records"]["edges"]) == 4
    assert not any("objection" in q or "repair" in q for q in plain.queries)
    # objections of records, objections of entries, applications of records: one batch each.
    assert sorted(set(asked.queries) - set(plain.queries)) == ["objections_of_targets",
                                                               "repair_applications_of_records"]
    assert len(asked.queries) == len(plain.queries) + 3
    assert asked.round_trips <= plain.round_trips + 3  # fewer when they start together (graph/store/batch.py)
