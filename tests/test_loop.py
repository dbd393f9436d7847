"""The joint-punishment loop through the schema (shared spec workflow.md sections 1, 2, 5): initiateListing,
removeListing, giveFeedback, inbox, ListEntry.pushes, the pushes made at import, races, and the subscription's
poller in-process. Servers, websockets and Neo4j outages: tests/test_loop_live.py."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from api.auth import Principal, Role
from api.context import new_context
from api.dates import today
from api.live import PushFeed
from graph import loop, rules
from graph.store.driver import Graph
from tests import loop_world as w
from tests.gql import SCHEMA, execute
from tests.test_ingest import fingerprint

TODAY = today()
DAY = timedelta(days=1)

LIST = """mutation($input: InitiateListingInput!) { initiateListing(input: $input) {
  entry { entryId listType domain listedOn validUntil validUntilBasis authority { name uscc } active
          subject { name } basedOn { recordId } }
  pushes { pushId unit { uscc name } measure { code } pushedOn dueOn status overdue withdrawnOn feedback { outcome }
           entry { entryId } subject { name } } } }"""
REMOVE = """mutation($input: RemoveListingInput!) { removeListing(input: $input) {
  entry { entryId removedOn active } pushes { pushId status withdrawnOn feedback { outcome actedOn } } } }"""
ANSWER = """mutation($input: FeedbackInput!) { giveFeedback(input: $input) {
  pushId status overdue withdrawnOn
  feedback { outcome actedOn note caseReference answeredAt by { name uscc } } } }"""
INBOX = """query($statuses: [PushStatus!], $overdueOnly: Boolean, $asOf: Date, $first: Int, $after: String) {
  inbox(statuses: $statuses, overdueOnly: $overdueOnly, asOf: $asOf, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { pushId status overdue pushedOn dueOn measure { code } entry { entryId } } } } }"""
ENTRY_PUSHES = """query($id: ID!) { viewer { role }
  node(id: $id) { ... on ListEntry { entryId pushes { pushId status } } } }"""


def listing(key: str = "k1", **overrides) -> dict:
    return {"idempotencyKey": key, "subject": {"uscc": w.A}, "listType": "BLACKLIST", "domain": "税收",
            "listedOn": str(TODAY - 10 * DAY), "reason": "严重失信", "basedOnRecordId": "R1", **overrides}


async def run(graph, query: str, as_: Principal, **variables):
    result, _ = await execute(graph, query, as_, **variables)
    return result


async def ok(graph, query: str, as_: Principal, **variables) -> dict:
    result = await run(graph, query, as_, **variables)
    assert result.errors is None, result.errors
    return result.data


async def refused(graph, query: str, as_: Principal, **variables) -> tuple[str, str]:
    """(code, message) of the one error; the mutation wrote nothing."""
    before = await fingerprint(graph)
    result = await run(graph, query, as_, **variables)
    assert result.errors and len(result.errors) == 1, result.errors
    assert await fingerprint(graph) == before
    error = result.errors[0]
    return error.extensions["code"], error.message


async def list_a(graph, key: str = "k1", **overrides) -> dict:
    return (await ok(graph, LIST, w.AUTHORITY, input=listing(key, **overrides)))["initiateListing"]


async def count(graph, cypher: str, **params) -> int:
    return (await graph.driver.execute_query(cypher, params)).records[0][0]


@pytest.fixture
async def world(graph, tmp_path):
    await w.load(graph, tmp_path)
    return graph


# --- initiateListing ---

async def test_a_listing_makes_the_entry_and_one_push_per_applicable_measure(world) -> None:
    made = await list_a(world)
    entry = made["entry"]
    assert entry["entryId"].startswith("L-") and entry["listType"] == "BLACKLIST" and entry["active"]
    assert entry["authority"] == {"name": "苏州市发展和改革委员会", "uscc": w.AUTH1}  # the credential's agency
    assert entry["validUntil"] == str(rules.default_valid_until(TODAY - 10 * DAY))
    assert entry["validUntilBasis"] == "DEFAULT_3_YEARS" and entry["basedOn"] == {"recordId": "R1"}
    # BLACKLIST 税收: every-domain measures and the 税收 one, with an implementer USCC; not 食品药品, not M-NOBODY.
    assert [(p["measure"]["code"], p["unit"]["uscc"]) for p in made["pushes"]] == [
        ("M-BID", w.U1), ("M-LOAN", w.U3), ("M-TAX", w.U2)]
    assert all(p["pushedOn"] == str(TODAY) and p["dueOn"] == str(TODAY + 15 * DAY) and p["status"] == "PENDING"
               and not p["overdue"] and p["entry"] == {"entryId": entry["entryId"]}
               and p["subject"] == {"name": "深圳示例通信技术有限公司"} for p in made["pushes"])
    events = (await world.driver.execute_query(
        "MATCH (:Organisation {uscc: $a})-[:EVENT]->(e:Event) RETURN e.eventType AS t, e.measureCode AS m, "
        "e.agencyUscc AS by, e.occurredOn AS on, e.entryId AS entry ORDER BY m", a=w.A)).records
    assert [(e["t"], e["m"], e["by"], e["entry"]) for e in events] == [
        ("PUNISHMENT_INITIATED", code, w.AUTH1, entry["entryId"]) for code in ("M-BID", "M-LOAN", "M-TAX")]
    assert await count(world, "MATCH (e:ListEntry)-[:BASED_ON]->(:Record {recordId: 'R1'}) RETURN count(e)") == 1
    # The graph model other modules rely on.
    push = (await world.driver.execute_query("MATCH (:ListEntry)-[:PUSH]->(p:Push {measureCode: 'M-TAX'}) "
                                             "RETURN p {.*} AS p")).records[0]["p"]
    assert {"pushId", "entryId", "measureCode", "unitName", "unitUscc", "subjectKind", "subjectId", "pushedOn",
            "dueOn", "changedAt"} <= set(push) and push["subjectId"] == w.A and "_lock" not in push


async def test_the_feedback_period_is_a_setting(world, monkeypatch) -> None:
    import settings

    monkeypatch.setenv("CREDITFILE_FEEDBACK_DAYS", "30")
    settings.app.cache_clear()
    try:
        made = await list_a(world)
    finally:
        monkeypatch.undo()
        settings.app.cache_clear()
    assert {p["dueOn"] for p in made["pushes"]} == {str(TODAY + 30 * DAY)}


async def test_a_person_is_listed_by_id_number_and_a_list_type_without_measures_pushes_nothing(world) -> None:
    made = await list_a(world, subject={"idNumber": w.P1.lower()}, listType="REDLIST", domain="守信",
                        basedOnRecordId=None, validUntil=str(TODAY + 100 * DAY))
    assert made["entry"]["subject"] == {"name": "张三"} and made["pushes"] == []
    assert made["entry"]["validUntil"] == str(TODAY + 100 * DAY) and made["entry"]["validUntilBasis"] == "SOURCE"
    assert await count(world, "MATCH (:Person {idNumber: $n})-[:LIST_ENTRY]->(e) RETURN count(e)", n=w.P1) == 1


async def test_the_same_key_returns_the_first_result_and_writes_nothing(world) -> None:
    first = await list_a(world)
    before = await fingerprint(world)
    again = await list_a(world)
    assert again["entry"]["entryId"] == first["entry"]["entryId"]
    assert [p["pushId"] for p in again["pushes"]] == [p["pushId"] for p in first["pushes"]]
    nodes, _ = before
    after_nodes, _ = await fingerprint(world)
    # Only the key's lastSeenAt moved.
    strip = lambda ns: [n for n in ns if n[0] != ("IdempotencyKey",)]  # noqa: E731
    assert strip(after_nodes) == strip(nodes)
    code, message = await refused(world, LIST, w.AUTHORITY, input=listing(domain="食品药品"))
    assert code == "CONFLICT" and "already used with other input" in message
    # Keys are per credential: another authority's k1 is its own.
    other = await ok(world, LIST, w.OTHER_AUTHORITY, input=listing())
    assert other["initiateListing"]["entry"]["entryId"] != first["entry"]["entryId"]


@pytest.mark.parametrize("who", [w.UNIT1, w.INVESTIGATOR, w.ADMIN, w.PUBLIC,
                                 Principal(Role.SUBJECT, credential_id="k-s", subject_kind="ORGANISATION",
                                           subject_id=w.A, subject_key=w.A)])
async def test_only_an_authority_lists(world, who) -> None:
    code, message = await refused(world, LIST, who, input=listing(subject={"uscc": "91000000000000000X"},
                                                                  listedOn="2999-01-01"))
    assert code == "FORBIDDEN" and message.startswith("initiateListing is for AUTHORITY")


@pytest.mark.parametrize("overrides, code, words", [
    ({"subject": {"uscc": w.U1}}, "NOT_FOUND", f"no organisation with USCC {w.U1} in the credit file"),
    ({"subject": {"idNumber": "440524188001010014"}}, "NOT_FOUND", "no person with ID number 440524188001010014"),
    ({"subject": {"uscc": w.A, "idNumber": w.P1}}, "BAD_USER_INPUT", "give exactly one of uscc or idNumber"),
    ({"subject": {}}, "BAD_USER_INPUT", "give exactly one of uscc or idNumber"),
    ({"subject": {"uscc": "91440300192203821"}}, "BAD_USER_INPUT", "subject.uscc: a USCC has 18 characters"),
    ({"listedOn": str(TODAY + DAY)}, "BAD_USER_INPUT", f"listedOn: {TODAY + DAY} is after today ({TODAY}"),
    ({"validUntil": str(TODAY - 20 * DAY)}, "BAD_USER_INPUT", "validUntil: "),
    ({"validUntil": str(TODAY - 10 * DAY)}, "BAD_USER_INPUT", "is not after listedOn"),
    ({"basedOnRecordId": "R2"}, "BAD_USER_INPUT", f"record R2 is not a record of {w.A}"),
    ({"basedOnRecordId": "R3"}, "BAD_USER_INPUT", "record R3 is EXPIRED on listedOn"),
    ({"basedOnRecordId": "R4", "listedOn": "2026-09-01"}, "BAD_USER_INPUT", "record R4 is not decided yet on"),
    ({"basedOnRecordId": "R-NONE"}, "BAD_USER_INPUT", "there is no record 'R-NONE'"),
    ({"reason": "  "}, "BAD_USER_INPUT", "reason: must not be empty"),
    ({"domain": "x" * 51}, "BAD_USER_INPUT", "domain: at most 50 characters"),
    ({"idempotencyKey": ""}, "BAD_USER_INPUT", "idempotencyKey: give a non-empty key"),
    ({"listedOn": "2026-02-30"}, "BAD_USER_INPUT", "there is no such day"),
])
async def test_bad_listings_are_refused_with_what_to_fix(world, overrides, code, words) -> None:
    got, message = await refused(world, LIST, w.AUTHORITY, input=listing(**overrides))
    assert got == code and words in message, message


async def test_two_authorities_listing_one_subject_at_once_make_two_entries(world) -> None:
    results = await asyncio.gather(run(world, LIST, w.AUTHORITY, input=listing("a")),
                                   run(world, LIST, w.OTHER_AUTHORITY, input=listing("b")))
    assert all(r.errors is None for r in results), [r.errors for r in results]
    ids = {r.data["initiateListing"]["entry"]["entryId"] for r in results}
    assert len(ids) == 2
    assert await count(world, "MATCH (:Organisation {uscc: $a})-[:LIST_ENTRY]->(e) RETURN count(e)", a=w.A) == 2
    assert await count(world, "MATCH (p:Push) RETURN count(p)") == 6


# --- giveFeedback ---

def answer(push_id: str, key: str = "f1", **overrides) -> dict:
    return {"idempotencyKey": key, "pushId": push_id, "outcome": "APPLIED", "actedOn": str(TODAY),
            "note": "已限制其参加采购", "caseReference": "苏财采〔2026〕12号", **overrides}


async def pushes_by_unit(graph) -> dict[str, str]:
    made = await list_a(graph)
    return {p["unit"]["uscc"]: p["pushId"] for p in made["pushes"]}


async def test_a_unit_answers_its_push_once(world) -> None:
    push_id = (await pushes_by_unit(world))[w.U1]
    got = (await ok(world, ANSWER, w.UNIT1, input=answer(push_id)))["giveFeedback"]
    feedback = got["feedback"]
    assert got["status"] == "ANSWERED" and feedback["outcome"] == "APPLIED" and feedback["actedOn"] == str(TODAY)
    assert feedback["by"] == {"name": "苏州市财政局", "uscc": w.U1}
    assert feedback["caseReference"] == "苏财采〔2026〕12号"
    assert feedback["answeredAt"].endswith("+08:00")
    events = (await world.driver.execute_query(
        "MATCH (:Organisation {uscc: $a})-[:EVENT]->(e:Event) WHERE e.eventType <> 'PUNISHMENT_INITIATED' "
        "RETURN e.eventType AS t, e.agencyUscc AS by, e.occurredOn AS on ORDER BY t", a=w.A)).records
    assert [(e["t"], e["by"]) for e in events] == [("PUNISHMENT_FEEDBACK", w.U1), ("PUNISHMENT_RESPONDED", w.U1)]
    # The same key: the first answer, nothing written. Another key: a push answers once.
    again = (await ok(world, ANSWER, w.UNIT1, input=answer(push_id)))["giveFeedback"]
    assert again["feedback"]["answeredAt"] == feedback["answeredAt"]
    code, message = await refused(world, ANSWER, w.UNIT1, input=answer(push_id, "f2", outcome="NOT_APPLICABLE"))
    assert code == "CONFLICT" and f"push {push_id} was already answered (APPLIED" in message
    code, message = await refused(world, ANSWER, w.UNIT1, input=answer(push_id, "f1", note="其他"))
    assert code == "CONFLICT" and "idempotencyKey 'f1' was already used with other input" in message


async def test_feedback_refusals(world) -> None:
    pushes = await pushes_by_unit(world)
    mine, theirs = pushes[w.U1], pushes[w.U2]
    cases = [
        # Another unit's push is FORBIDDEN before anything else is looked at (here a day in the future too).
        (w.UNIT1, answer(theirs, actedOn=str(TODAY + DAY)), "FORBIDDEN", "addressed to another unit"),
        (w.AUTHORITY, answer(mine), "FORBIDDEN", "giveFeedback is for UNIT"),
        (w.UNIT1, answer("P-0000000000000-NOSUCH"), "NOT_FOUND", "there is no push 'P-0000000000000-NOSUCH'"),
        (w.UNIT1, answer(mine, actedOn=str(TODAY - DAY)), "BAD_USER_INPUT",
         f"actedOn: {TODAY - DAY} is before the push was made ({TODAY})"),
        (w.UNIT1, answer(mine, actedOn=str(TODAY + DAY)), "BAD_USER_INPUT", f"actedOn: {TODAY + DAY} is after today"),
        (w.UNIT1, answer(mine, note="x" * 2001), "BAD_USER_INPUT", "note: at most 2,000 characters"),
        (w.UNIT1, answer(mine, outcome="MAYBE"), "BAD_USER_INPUT", "MAYBE"),
    ]
    for who, given, code, words in cases:
        got, message = await refused(world, ANSWER, who, input=given)
        assert (got, words in message) == (code, True), (given, message)


async def test_eight_concurrent_answers_one_wins_seven_conflict(world) -> None:
    push_id = (await pushes_by_unit(world))[w.U1]
    results = await asyncio.gather(*(run(world, ANSWER, w.UNIT1, input=answer(push_id, f"race-{i}",
                                                                               note=f"answer {i}"))
                                     for i in range(8)))
    codes = sorted(r.errors[0].extensions["code"] if r.errors else "OK" for r in results)
    assert codes == ["CONFLICT"] * 7 + ["OK"]
    winner = next(r.data["giveFeedback"] for r in results if not r.errors)
    stored = (await world.driver.execute_query("MATCH (p:Push {pushId: $p}) RETURN p.note AS note", p=push_id))
    assert stored.records[0]["note"] == winner["feedback"]["note"]
    assert await count(world, "MATCH (e:Event {eventType: 'PUNISHMENT_RESPONDED'}) RETURN count(e)") == 1
    assert await count(world, "MATCH (k:IdempotencyKey {mutation: 'giveFeedback'}) RETURN count(k)") == 1


async def test_eight_concurrent_retries_of_one_call_all_get_its_answer(world) -> None:
    push_id = (await pushes_by_unit(world))[w.U1]
    results = await asyncio.gather(*(run(world, ANSWER, w.UNIT1, input=answer(push_id, "same")) for _ in range(8)))
    assert all(r.errors is None for r in results), [r.errors for r in results]
    assert len({r.data["giveFeedback"]["feedback"]["answeredAt"] for r in results}) == 1
    assert await count(world, "MATCH (e:Event {eventType: 'PUNISHMENT_FEEDBACK'}) RETURN count(e)") == 1


# --- removeListing ---

def removal(entry_id: str, key: str = "r1", **overrides) -> dict:
    return {"idempotencyKey": key, "entryId": entry_id, "removedOn": str(TODAY), "reason": "信用修复完成", **overrides}


async def test_removal_withdraws_the_open_pushes_and_keeps_the_feedback(world) -> None:
    made = await list_a(world)
    entry_id = made["entry"]["entryId"]
    answered = next(p["pushId"] for p in made["pushes"] if p["unit"]["uscc"] == w.U1)
    await ok(world, ANSWER, w.UNIT1, input=answer(answered))
    changed_before = (await world.driver.execute_query("MATCH (p:Push) RETURN p.pushId AS id, p.changedAt AS at"))
    got = (await ok(world, REMOVE, w.AUTHORITY, input=removal(entry_id)))["removeListing"]
    assert got["entry"] == {"entryId": entry_id, "removedOn": str(TODAY), "active": False}
    assert {p["status"] for p in got["pushes"]} == {"WITHDRAWN"} and len(got["pushes"]) == 3
    assert {p["withdrawnOn"] for p in got["pushes"]} == {str(TODAY)}
    kept = next(p for p in got["pushes"] if p["pushId"] == answered)
    assert kept["feedback"] == {"outcome": "APPLIED", "actedOn": str(TODAY)}
    after = {r["id"]: r["at"] for r in (await world.driver.execute_query(
        "MATCH (p:Push) RETURN p.pushId AS id, p.changedAt AS at")).records}
    assert all(after[r["id"]] > r["at"] for r in changed_before.records)  # every withdrawal is news for the poller
    inbox = await ok(world, INBOX, w.UNIT2)
    assert [e["node"]["status"] for e in inbox["inbox"]["edges"]] == ["WITHDRAWN"]
    # A withdrawn push can still be answered; it reads WITHDRAWN with its feedback.
    other = next(p["pushId"] for p in made["pushes"] if p["unit"]["uscc"] == w.U2)
    late = (await ok(world, ANSWER, w.UNIT2, input=answer(other, "late", outcome="NOT_APPLICABLE")))["giveFeedback"]
    assert late["status"] == "WITHDRAWN" and late["feedback"]["outcome"] == "NOT_APPLICABLE"


async def test_a_backdated_removal_reads_as_before_on_earlier_days(world) -> None:
    made = await list_a(world)
    entry_id = made["entry"]["entryId"]
    await ok(world, REMOVE, w.AUTHORITY, input=removal(entry_id, removedOn=str(TODAY - 5 * DAY)))
    # Never withdrawn before the push was made: the push was made today.
    rows = (await world.driver.execute_query("MATCH (p:Push) RETURN DISTINCT p.withdrawnOn AS d")).records
    assert [r["d"].to_native() for r in rows] == [TODAY]
    query = """query($uscc: String!, $day: Date) { organisation(uscc: $uscc, asOf: $day) {
      listEntries(activeOnly: false) { entryId active removedOn pushes { status } } } }"""
    before = (await ok(world, query, w.ADMIN, uscc=w.A, day=str(TODAY - 6 * DAY)))["organisation"]["listEntries"]
    assert before == [{"entryId": entry_id, "active": True, "removedOn": None, "pushes": []}]  # pushed later
    now = (await ok(world, query, w.ADMIN, uscc=w.A, day=str(TODAY)))["organisation"]["listEntries"]
    assert now == [{"entryId": entry_id, "active": False, "removedOn": str(TODAY - 5 * DAY),
                    "pushes": [{"status": "WITHDRAWN"}] * 3}]


async def test_removal_refusals(world) -> None:
    entry_id = (await list_a(world))["entry"]["entryId"]
    cases = [
        (w.OTHER_AUTHORITY, removal(entry_id, removedOn="1999-01-01", reason=""), "FORBIDDEN",
         "only the authority that listed an entry may remove it"),
        (w.UNIT1, removal(entry_id), "FORBIDDEN", "removeListing is for AUTHORITY"),
        (w.AUTHORITY, removal("L-NOSUCH"), "NOT_FOUND", "there is no list entry 'L-NOSUCH'"),
        (w.AUTHORITY, removal(entry_id, removedOn=str(TODAY - 11 * DAY)), "BAD_USER_INPUT",
         f"is before the entry was listed ({TODAY - 10 * DAY})"),
        (w.AUTHORITY, removal(entry_id, removedOn=str(TODAY + DAY)), "BAD_USER_INPUT", "is after today"),
        (w.AUTHORITY, removal(entry_id, reason=" "), "BAD_USER_INPUT", "reason: must not be empty"),
    ]
    for who, given, code, words in cases:
        got, message = await refused(world, REMOVE, who, input=given)
        assert (got, words in message) == (code, True), (given, message)
    await ok(world, REMOVE, w.AUTHORITY, input=removal(entry_id))
    code, message = await refused(world, REMOVE, w.AUTHORITY, input=removal(entry_id, "r2"))
    assert code == "CONFLICT" and f"already removed on {TODAY}" in message


async def test_an_entry_past_its_validity_has_nothing_to_remove(world) -> None:
    entry_id = (await list_a(world, listedOn=str(TODAY - 10 * DAY), validUntil=str(TODAY - 5 * DAY),
                             basedOnRecordId=None))["entry"]["entryId"]
    code, message = await refused(world, REMOVE, w.AUTHORITY, input=removal(entry_id))
    assert code == "BAD_USER_INPUT" and f"ended on {TODAY - 5 * DAY} (validUntil)" in message


# --- inbox and ListEntry.pushes ---

async def test_the_inbox_pages_newest_first_with_filters_and_overdue_on_a_future_day(world) -> None:
    ids = []
    for i in range(5):
        made = await list_a(world, f"k{i}")
        ids.append(next(p["pushId"] for p in made["pushes"] if p["unit"]["uscc"] == w.U1))
    await ok(world, ANSWER, w.UNIT1, input=answer(ids[1]))
    page = (await ok(world, INBOX, w.UNIT1, first=2))["inbox"]
    assert page["totalCount"] == 5 and page["pageInfo"]["hasNextPage"] and not page["pageInfo"]["hasPreviousPage"]
    seen = [e["node"]["pushId"] for e in page["edges"]]
    while page["pageInfo"]["hasNextPage"]:
        page = (await ok(world, INBOX, w.UNIT1, first=2, after=page["pageInfo"]["endCursor"]))["inbox"]
        seen += [e["node"]["pushId"] for e in page["edges"]]
    assert seen == list(reversed(ids))  # newest first, each once
    pending = (await ok(world, INBOX, w.UNIT1, statuses=["PENDING"]))["inbox"]
    assert pending["totalCount"] == 4 and ids[1] not in [e["node"]["pushId"] for e in pending["edges"]]
    answered = (await ok(world, INBOX, w.UNIT1, statuses=["ANSWERED", "WITHDRAWN"]))["inbox"]
    assert [e["node"]["pushId"] for e in answered["edges"]] == [ids[1]]
    assert (await ok(world, INBOX, w.UNIT1, overdueOnly=True))["inbox"]["totalCount"] == 0
    due = TODAY + 15 * DAY
    on_due = (await ok(world, INBOX, w.UNIT1, overdueOnly=True, asOf=str(due)))["inbox"]
    assert on_due["totalCount"] == 0  # due by dueOn: overdue only after it
    late = (await ok(world, INBOX, w.UNIT1, overdueOnly=True, asOf=str(due + DAY)))["inbox"]
    assert late["totalCount"] == 4 and all(e["node"]["overdue"] for e in late["edges"])
    assert (await ok(world, INBOX, w.UNIT1, asOf=str(TODAY - DAY)))["inbox"]["totalCount"] == 0  # not made yet
    assert (await ok(world, INBOX, w.UNIT2))["inbox"]["totalCount"] == 5  # its own pushes only


async def test_inbox_refusals(world) -> None:
    for who in (w.AUTHORITY, w.ADMIN, w.INVESTIGATOR, w.PUBLIC):
        result = await run(world, INBOX, who)
        assert result.errors[0].extensions["code"] == "FORBIDDEN" and "inbox is for UNIT" in result.errors[0].message
    result = await run(world, INBOX, w.UNIT1, after="bm90LWEtY3Vyc29y")
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT" and "not a cursor of this list" in \
        result.errors[0].message
    result = await run(world, INBOX, w.UNIT1, first=1000)
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"


async def test_entry_pushes_for_the_listing_authority_investigator_and_admin(world) -> None:
    from api.cursors import node_id

    made = await list_a(world)
    entry_node = node_id("ListEntry", made["entry"]["entryId"])
    for who in (w.AUTHORITY, w.INVESTIGATOR, w.ADMIN):
        got = await ok(world, ENTRY_PUSHES, who, id=entry_node)
        assert len(got["node"]["pushes"]) == 3
    for who, words in ((w.OTHER_AUTHORITY, "for the authority that listed it"), (w.UNIT1, "pushes is for")):
        result = await run(world, ENTRY_PUSHES, who, id=entry_node)
        assert result.errors[0].extensions["code"] == "FORBIDDEN" and words in result.errors[0].message
        assert result.data["viewer"]["role"] == who.role.value  # the rest is served ([Push!]! nulls the entry)


async def test_entry_pushes_take_one_query_for_many_entries(world) -> None:
    for i in range(3):
        await list_a(world, f"k{i}")
    query = """query($uscc: String!) { organisation(uscc: $uscc) { listEntries { pushes { pushId } } } }"""
    result, stats = await execute(world, query, w.ADMIN, uscc=w.A)
    assert result.errors is None and sum(len(e["pushes"]) for e in result.data["organisation"]["listEntries"]) == 9
    assert stats.queries.count("pushes_of_entries") == 1


# --- pushes at import ---

async def test_the_import_pushes_entries_active_on_its_day_once(graph, tmp_path) -> None:
    importer = await w.load(graph, tmp_path / "a", entries=True)
    assert importer.pushed == 3
    rows = (await graph.driver.execute_query(
        "MATCH (e:ListEntry)-[:PUSH]->(p:Push) RETURN e.entryId AS e, p.measureCode AS m, p.unitUscc AS u, "
        "p.pushedOn AS on, p.dueOn AS due ORDER BY m")).records
    assert [(r["e"], r["m"], r["u"]) for r in rows] == [("L-ACTIVE", "M-BID", w.U1), ("L-ACTIVE", "M-FOOD", w.U2),
                                                         ("L-ACTIVE", "M-LOAN", w.U3)]
    assert {(r["on"].to_native(), r["due"].to_native()) for r in rows} == {(TODAY, TODAY + 15 * DAY)}
    before = await fingerprint(graph)
    again = await w.load(graph, tmp_path / "b", entries=True)
    assert again.pushed == 0 and await fingerprint(graph) == before
    # An entry listed from tomorrow is not pushed today; on the next day's import it is, and only it.
    tomorrow = [{"entry_id": "L-NEXT", "list_type": "KEY_ATTENTION", "domain": "统计", "subject_kind": "ORGANISATION",
                 "subject_id": w.A, "listed_on": str(TODAY + DAY)}]
    assert (await w.load(graph, tmp_path / "c", entries=True, more_entries=tomorrow)).pushed == 0
    later = await w.load(graph, tmp_path / "d", entries=True, more_entries=tomorrow, import_day=TODAY + DAY)
    assert later.pushed == 1
    rows = (await graph.driver.execute_query("MATCH (e:ListEntry {entryId: 'L-NEXT'})-[:PUSH]->(p) "
                                             "RETURN p.measureCode AS m, p.pushedOn AS on")).records
    assert [(r["m"], r["on"].to_native()) for r in rows] == [("M-INSPECT", TODAY + DAY)]
    assert await count(graph, "MATCH (p:Push) RETURN count(p)") == 4


async def test_import_pushes_go_by_batches(graph, tmp_path) -> None:
    await w.load(graph, tmp_path, entries=True)
    await graph.driver.execute_query("MATCH (p:Push) DETACH DELETE p")
    assert await loop.push_imported_entries(Graph(graph.driver), TODAY, 15, batch=1) == 3


# --- the subscription, in-process (the poller; websockets and processes: test_loop_live.py) ---

SUBSCRIBE = "subscription { pushes { pushId status withdrawnOn unit { uscc } measure { code } } }"


async def subscribe(context) -> tuple[asyncio.Task, asyncio.Queue]:
    """The subscription's results, read in one task (as the websocket handler does) into a queue."""
    results: asyncio.Queue = asyncio.Queue()

    async def consume() -> None:
        async for result in await SCHEMA.subscribe(SUBSCRIBE, context_value=context):
            await results.put(result)

    task = asyncio.create_task(consume())
    while not context.push_feed.subscribers and not task.done():  # subscribed once the feed knows it
        await asyncio.sleep(0.01)
    return task, results


async def test_a_subscriber_gets_its_units_pushes_made_and_withdrawn(world) -> None:
    feed = PushFeed(Graph(world.driver, causal_reads=False), poll_seconds=0.05)
    context = new_context(Graph(world.driver, causal_reads=False), w.UNIT2)
    context.push_feed = feed
    task, results = await subscribe(context)
    try:
        made = await list_a(world)
        got = await asyncio.wait_for(results.get(), 3)
        assert got.errors is None, got.errors
        mine = next(p for p in made["pushes"] if p["unit"]["uscc"] == w.U2)
        assert got.data["pushes"] == {"pushId": mine["pushId"], "status": "PENDING", "withdrawnOn": None,
                                      "unit": {"uscc": w.U2}, "measure": {"code": "M-TAX"}}
        await ok(world, REMOVE, w.AUTHORITY, input=removal(made["entry"]["entryId"]))
        got = await asyncio.wait_for(results.get(), 3)
        assert (got.data["pushes"]["pushId"], got.data["pushes"]["status"]) == (mine["pushId"], "WITHDRAWN")
        assert got.data["pushes"]["withdrawnOn"] == str(TODAY) and results.empty() and feed.polls > 0
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert not feed.subscribers and feed._task is None  # the last subscriber gone, the poller stops


async def test_the_poller_delivers_a_late_commit_once(world) -> None:
    """A change whose commit lands after a poll already passed its changedAt (a slow transaction) is still
    delivered, once, though every later poll within the overlap sees it again."""
    feed = PushFeed(Graph(world.driver, causal_reads=False), poll_seconds=0.05)
    async with feed.subscription(w.U1) as queue:
        since = next(iter(feed.subscribers)).since
        await asyncio.sleep(0.5)
        late = since + timedelta(milliseconds=100)
        assert feed._cursor > late  # polls have passed that moment
        await world.driver.execute_query(
            "CREATE (:Push {pushId: 'P-LATE', entryId: 'L-X', measureCode: 'M-BID', unitUscc: $u, pushedOn: date(), "
            "dueOn: date(), changedAt: $at})", u=w.U1, at=late)
        first = await asyncio.wait_for(queue.get(), 3)
        assert (first.push_id, first.changed_at) == ("P-LATE", late)
        await asyncio.sleep(0.5)  # several more polls over the same window
        assert queue.empty()


async def test_only_a_unit_subscribes(world) -> None:
    context = new_context(Graph(world.driver, causal_reads=False), w.AUTHORITY)
    context.push_feed = PushFeed(context.graph)
    results = [r async for r in await SCHEMA.subscribe(SUBSCRIBE, context_value=context)]
    assert len(results) == 1 and results[0].errors[0].extensions["code"] == "FORBIDDEN"
    assert "pushes is for UNIT" in results[0].errors[0].message
    assert not context.push_feed.subscribers


async def test_a_push_is_a_node_for_those_who_may_see_it(world) -> None:
    from api.cursors import node_id

    made = await list_a(world)
    push = next(p for p in made["pushes"] if p["unit"]["uscc"] == w.U1)
    query = """query($id: ID!) { node(id: $id) { id ... on Push { pushId measure { code } } } }"""
    for who in (w.UNIT1, w.AUTHORITY, w.INVESTIGATOR, w.ADMIN):
        got = (await ok(world, query, who, id=node_id("Push", push["pushId"])))["node"]
        assert got == {"id": node_id("Push", push["pushId"]), "pushId": push["pushId"], "measure": {"code": "M-BID"}}
    for who in (w.UNIT2, w.OTHER_AUTHORITY, w.PUBLIC):
        assert (await ok(world, query, who, id=node_id("Push", push["pushId"])))["node"] is None


async def test_a_file_read_through_the_inbox_or_a_subscription_is_logged(world) -> None:
    """Pushes name subjects; their file content read through an inbox or a live push is a read of the file
    (access.md), logged before that answer or that push leaves."""
    feed = PushFeed(Graph(world.driver, causal_reads=False), poll_seconds=0.05)
    context = new_context(Graph(world.driver, causal_reads=False), w.UNIT1)
    context.push_feed = feed
    results: asyncio.Queue = asyncio.Queue()
    live = "subscription { pushes { pushId subject { name listEntries { entryId } } } }"

    async def consume() -> None:
        async for result in await SCHEMA.subscribe(live, context_value=context):
            await results.put(result)

    task = asyncio.create_task(consume())
    try:
        while not feed.subscribers:
            await asyncio.sleep(0.01)
        await list_a(world)
        got = await asyncio.wait_for(results.get(), 3)
        assert got.errors is None and got.data["pushes"]["subject"]["listEntries"]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    query = "{ inbox { edges { node { pushId subject { name riskLevel { level } } } } } }"
    assert (await ok(world, query, w.UNIT1))["inbox"]["edges"]
    logged = (await world.driver.execute_query(
        "MATCH (e:AccessEvent {subject: $s}) RETURN e.operation AS op, e.agencyUscc AS by ORDER BY op",
        s=f"ORGANISATION:{w.A}")).records
    assert [(r["op"], r["by"]) for r in logged] == [("inbox", w.U1), ("pushes", w.U1)]
