"""Who may see what (shared spec access.md), in process: every role against every guarded field, the three views,
the access log (知情权), the enumeration guard and the document limits. GraphQL runs against the real schema and
Neo4j, acting for a `Principal` (tests/gql.py). Credentials, HTTP statuses, JWT, the keys CLI and two server
processes are in tests/test_access_http.py.

The expectations are written here from access.md, not read from api/views.py's RULES: a test built from the rules
would only prove that the rules equal themselves.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from graphql import is_non_null_type
from neo4j.exceptions import ServiceUnavailable

import settings
from api.auth import Principal, Role
from api.cursors import node_id
from api.dates import CHINA, today
from graph import audit
from graph.identifiers import make_resident_id, make_uscc, parse_resident_id, resident_id_check_char
from graph.store.driver import Graph
from tests import scenario
from tests.conftest import wipe
from tests.gql import SCHEMA, execute
from tests.scenario import P2, P3, A, C, D, E

RUN = uuid.uuid4().hex[:8]  # credential ids of this run: lookups and reads are counted per credential

# --- The world: the scenario plus records and entries in every status, dated from today ---

T = today()


def ago(days: int) -> str:
    return (T - timedelta(days=days)).isoformat()


AGENCY_X, AUTH_X = "测试市甲监督局", make_uscc("1", "1", "440300", "10000001")  # invented authorities
AGENCY_Y, AUTH_Y = "测试市乙监督局", make_uscc("1", "1", "440300", "10000002")
UNIT_AGENCY, UNIT_USCC = "测试市财政局", make_uscc("1", "1", "320500", "10000003")
NAMESAKE = make_uscc("9", "1", "440300", "20000001")  # an organisation with a person's name in its own

EXTRA = {
    "organisations.csv": [{"uscc": NAMESAKE, "name": "张三测试餐饮有限公司"}],
    "records.csv": [
        scenario.rec("R7", "SERIOUS", ago(120), authority_name=AGENCY_X, authority_uscc=AUTH_X),  # ACTIVE
        scenario.rec("R8", "GENERAL", ago(200), repaired_on=ago(30), authority_name=AGENCY_X,
                     authority_uscc=AUTH_X),  # REPAIRED, decided by X
        scenario.rec("R9", "GENERAL", ago(200), revoked_on=ago(60), authority_name=AGENCY_Y,
                     authority_uscc=AUTH_Y),  # REVOKED, decided by Y
        scenario.rec("R10", "GENERAL", ago(250), revoked_on=ago(100), authority_name=AGENCY_X,
                     authority_uscc=AUTH_X),  # REVOKED, decided by X
        # E's: an active blacklisting outlives the record it rests on (3 years against 1), or a repair of it.
        scenario.rec("R11", "GENERAL", ago(500), subject=E),  # EXPIRED
        scenario.rec("R12", "MINOR", ago(60), subject=E, repaired_on=ago(20)),  # REPAIRED
    ],
    "list_entries.csv": [
        {"entry_id": "L4", "list_type": "BLACKLIST", "domain": "税收", "subject_kind": "ORGANISATION",
         "subject_id": A, "listed_on": ago(300)},
        {"entry_id": "L5", "list_type": "REDLIST", "domain": "纳税信用", "subject_kind": "ORGANISATION",
         "subject_id": A, "listed_on": ago(200), "valid_until": (T + timedelta(days=365)).isoformat()},
        {"entry_id": "L6", "list_type": "KEY_ATTENTION", "domain": "安全生产", "subject_kind": "ORGANISATION",
         "subject_id": A, "listed_on": ago(100), "valid_until": (T + timedelta(days=365)).isoformat()},
        {"entry_id": "L7", "list_type": "BLACKLIST", "domain": "安全生产", "subject_kind": "ORGANISATION",
         "subject_id": A, "listed_on": ago(300), "removed_on": ago(30)},
        {"entry_id": "L8", "list_type": "BLACKLIST", "domain": "安全生产", "subject_kind": "ORGANISATION",
         "subject_id": E, "listed_on": ago(400), "record_id": "R11"},
        {"entry_id": "L9", "list_type": "BLACKLIST", "domain": "安全生产", "subject_kind": "ORGANISATION",
         "subject_id": E, "listed_on": ago(50), "record_id": "R12"},
    ],
}
# A's records today: R1, R2, R4 EXPIRED; R3 REPAIRED, R5 REVOKED (no authority USCC); R6 not decided yet.
ALL_RECORDS = {"R1", "R2", "R3", "R4", "R5", "R7", "R8", "R9", "R10"}
SHARED_RECORDS = {"R1", "R2", "R4", "R7"}
# A's entries today: L1 expired, L7 removed; L4 BLACKLIST, L5 REDLIST, L6 KEY_ATTENTION active.
ALL_ENTRIES = {"L1", "L4", "L5", "L6", "L7"}
ACTIVE_ENTRIES = {"L4", "L5", "L6"}

WORLD_MARK = uuid.uuid4().hex


@dataclass(frozen=True)
class World:
    graph: Graph
    pid: dict[str, str]  # ID number -> the person's opaque key

    def person_id(self, number: str) -> str:
        return node_id("Person", self.pid[number])


_pids: dict[str, str] = {}


@pytest.fixture
async def world(driver, tmp_path_factory) -> World:
    """The world above, loaded once for this module: the import takes seconds and ~250 cases read it. Tests that
    write (reads logged, lookups counted) do so under a credential id and subjects of their own, so they do not
    depend on each other's order. Another module's `graph` fixture wipes the graph, marker included: then it is
    loaded again."""
    found, _, _ = await driver.execute_query("MATCH (m:AccessTestWorld {mark: $mark}) RETURN count(m) AS n",
                                             mark=WORLD_MARK)
    graph = Graph(driver)
    if not found[0]["n"]:
        await wipe(driver)
        await scenario.load(graph, tmp_path_factory.mktemp("access-world"), EXTRA)
        # One read of A with a purpose, so that A's access log has an event to show.
        await audit.write_log(graph, at=datetime.now(CHINA), role="INVESTIGATOR", agency_name=AGENCY_X,
                              agency_uscc=AUTH_X, credential_id="seed",
                              events=[audit.Event(f"ORGANISATION:{A}", "organisation", "seeded purpose")])
        rows, _, _ = await driver.execute_query("MATCH (p:Person) RETURN p.idNumber AS number, p.pid AS pid")
        _pids.clear()
        _pids.update({r["number"]: r["pid"] for r in rows})
        await driver.execute_query("CREATE (:AccessTestWorld {mark: $mark})", mark=WORLD_MARK)
    return World(graph, dict(_pids))


async def new_organisation(world: World, name: str = "测试新设有限公司") -> str:
    """A subject of the test's own (its access log starts empty)."""
    uscc = make_uscc("9", "1", "440300", f"3{uuid.uuid4().int % 10**7:07d}")
    await world.graph.driver.execute_query(
        "CREATE (:Organisation {uscc: $uscc, name: $name, usccChecksumValid: true})", uscc=uscc, name=name)
    return uscc


async def new_person(world: World, name: str = "测试人") -> tuple[str, str]:
    """(ID number, pid) of a person of the test's own."""
    number = make_resident_id("110108", date(1960, 1, 1) + timedelta(days=uuid.uuid4().int % 15000),
                              uuid.uuid4().int % 1000)
    pid = uuid.uuid4().hex
    await world.graph.driver.execute_query(
        "CREATE (:Person {pid: $pid, idNumber: $number, idType: 'RESIDENT_ID', name: $name})",
        pid=pid, number=number, name=name)
    return number, pid


# --- Who is asking ---

PUBLIC, UNIT, INVESTIGATOR, AUTHORITY, DASHBOARD, ADMIN = "PUBLIC", "UNIT", "INVESTIGATOR", "AUTHORITY", \
    "DASHBOARD", "ADMIN"
OWN, OTHER = "SUBJECT_OWN", "SUBJECT_OTHER"  # a SUBJECT credential on its own file, and on another's
ROLES = (PUBLIC, UNIT, INVESTIGATOR, AUTHORITY, DASHBOARD, OWN, OTHER, ADMIN)
BASE = {r: ("SUBJECT" if r in (OWN, OTHER) else r) for r in ROLES}


def credential(tag: str) -> str:
    return f"{tag}-{RUN}-{uuid.uuid4().hex[:6]}"


def as_(world: World, role: str, target: str = "A", credential_id: str | None = None) -> Principal:
    """A principal of `role`; for SUBJECT_OWN the owner of `target` (organisation A or person P2), for
    SUBJECT_OTHER the owner of organisation C."""
    cid = credential_id or f"matrix-{role}-{RUN}"
    if role == PUBLIC:
        return Principal(Role.PUBLIC)
    if role in (UNIT, INVESTIGATOR):
        return Principal(Role(role), credential_id=cid, name=f"test {role}", agency_name=UNIT_AGENCY,
                         agency_uscc=UNIT_USCC)
    if role == AUTHORITY:
        return Principal(Role.AUTHORITY, credential_id=cid, name="test AUTHORITY", agency_name=AGENCY_X,
                         agency_uscc=AUTH_X)
    if role == DASHBOARD:
        return Principal(Role.DASHBOARD, credential_id=cid, name="test DASHBOARD", region="44")
    if role == ADMIN:
        return Principal(Role.ADMIN, credential_id=cid, name="test ADMIN")
    if role == OWN and target == "P2":
        return subject_principal(cid, "PERSON", P2, world.pid[P2])
    return subject_principal(cid, "ORGANISATION", A if role == OWN else C, A if role == OWN else C)


def subject_principal(cid: str, kind: str, subject_id: str, key: str) -> Principal:
    return Principal(Role.SUBJECT, credential_id=cid, name="test SUBJECT", subject_kind=kind, subject_id=subject_id,
                     subject_key=key)


def code(error) -> str:
    return (error.extensions or {}).get("code")


def at_path(data, path):
    for step in path:
        if data is None:
            return None
        data = data[step]
    return data


# --- 1. The role × operation matrix ---

EVERYONE = frozenset(ROLES)
# DASHBOARD: `viewer` and `dashboard` only, never a single subject's file; everybody else may open a file (PUBLIC and
# a SUBJECT on others' files in the public view).
OPENERS = EVERYONE - {DASHBOARD}
# Non-public reads: UNIT's, AUTHORITY "reads as UNIT", INVESTIGATOR "all reads", ADMIN "every read".
READERS = frozenset({UNIT, INVESTIGATOR, AUTHORITY, ADMIN})
# The non-public parts of a file: for readers, and for the subject itself ("its own file in full").
IN_FULL = READERS | {OWN}
EXPLORERS = frozenset({INVESTIGATOR, ADMIN})

VARIABLE_TYPES = {"a": "String!", "p2": "String!", "aId": "ID!", "dId": "ID!", "p2Id": "ID!"}


@dataclass(frozen=True)
class Op:
    name: str
    body: str  # asked beside `viewer { role }`
    path: tuple  # where the guarded field's answer (or refusal) is
    allowed: frozenset
    target: str = "A"  # whose file SUBJECT_OWN owns: organisation A or person P2
    parent: tuple | None = None  # the guarded field the op reaches this one through
    parent_allowed: frozenset | None = None
    may_be_null: bool = False

    def query(self) -> str:
        used = [f"${n}: {t}" for n, t in VARIABLE_TYPES.items() if re.search(rf"\${n}\b", self.body)]
        return f"query{'(' + ', '.join(used) + ')' if used else ''} {{ viewer {{ role }} {self.body} }}"

    def refused_at(self, role: str) -> tuple | None:
        if self.parent is not None and role not in self.parent_allowed:
            return self.parent
        return None if role in self.allowed else self.path


def nested(name, body, path, allowed, parent, target="A", may_be_null=False) -> Op:
    return Op(name, body, path, frozenset(allowed), target, parent[0], frozenset(parent[1]), may_be_null)


ORG, NODE, LOG = (("organisation",), OPENERS), (("node",), OPENERS), (("accessLog",), {OWN, ADMIN})

OPS = [
    Op("viewer", "", ("viewer",), EVERYONE),
    Op("organisation", "organisation(uscc: $a) { name }", ("organisation",), OPENERS),
    Op("node", "node(id: $aId) { id }", ("node",), OPENERS),
    Op("search", 'search(text: "有限公司", first: 5) { totalCount }', ("search",), OPENERS),
    Op("search(kind: PERSON)", 'search(text: "李四", kind: PERSON, first: 5) { totalCount }', ("search",), READERS),
    Op("person", "person(idNumber: $p2) { name }", ("person",), IN_FULL, target="P2"),
    Op("screen", "screen(usccs: [$a]) { found }", ("screen",), READERS),
    Op("liabilityTrace", "liabilityTrace(uscc: $a, depth: 1) { organisation { name } }", ("liabilityTrace",),
       EXPLORERS),
    Op("neighbourhood", "neighbourhood(id: $aId) { truncated }", ("neighbourhood",), EXPLORERS),
    Op("shortestPaths", "shortestPaths(from: $aId, to: $dId) { length }", ("shortestPaths",), EXPLORERS),
    Op("accessLog", "accessLog(subjectId: $aId) { totalCount }", ("accessLog",), frozenset({OWN, ADMIN})),
    Op("securityEvents", "securityEvents { pattern }", ("securityEvents",), frozenset({ADMIN})),
    nested("Organisation.riskLevel", "organisation(uscc: $a) { riskLevel { level } }",
           ("organisation", "riskLevel"), IN_FULL, ORG),
    nested("Organisation.measures", "organisation(uscc: $a) { measures { measure { code } } }",
           ("organisation", "measures"), IN_FULL, ORG),
    nested("Person.riskLevel", "node(id: $p2Id) { ... on Person { riskLevel { level } } }", ("node", "riskLevel"),
           IN_FULL, NODE, target="P2"),
    nested("Person.measures", "node(id: $p2Id) { ... on Person { measures { measure { code } } } }",
           ("node", "measures"), IN_FULL, NODE, target="P2"),
    nested("Person.accountableRecords", "node(id: $p2Id) { ... on Person { accountableRecords { totalCount } } }",
           ("node", "accountableRecords"), IN_FULL, NODE, target="P2"),
    nested("Person.idNumberMasked", "node(id: $p2Id) { ... on Person { idNumberMasked } }",
           ("node", "idNumberMasked"), IN_FULL, NODE, target="P2"),
    nested("Person.idNumber", 'node(id: $p2Id) { ... on Person { idNumber(purpose: "access matrix") } }',
           ("node", "idNumber"), EXPLORERS, NODE, target="P2"),
    nested("CreditRecord.accountablePersons",
           "organisation(uscc: $a) { records(first: 1) { edges { node { accountablePersons { basis } } } } }",
           ("organisation", "records", "edges", 0, "node", "accountablePersons"), IN_FULL, ORG),
    nested("AccessEvent.purpose", "accessLog(subjectId: $aId, first: 1) { edges { node { operation purpose } } }",
           ("accessLog", "edges", 0, "node", "purpose"), {ADMIN}, LOG, may_be_null=True),
]


def variables(world: World) -> dict:
    return {"a": A, "p2": P2, "aId": node_id("Organisation", A), "dId": node_id("Organisation", D),
            "p2Id": world.person_id(P2)}


def check_refusal_message(message: str, role: str, allowed: frozenset) -> None:
    """The message names who may: every allowed role; a SUBJECT refused on another's file is told "its own"."""
    if role == OTHER and OWN in allowed:  # what a SUBJECT credential can do about it: ask about its own
        assert "SUBJECT" in message and re.search(r"\bown\b|itself", message), message
        return
    names = {BASE[r] for r in allowed}
    missing = [n for n in sorted(names) if n not in message]
    assert not missing, f"{message!r} does not name {missing}"
    who_may = message.split(";")[0]
    if role not in (OWN, OTHER):
        assert not re.search(rf"\b{role}\b", who_may), f"{message!r} names {role} as allowed"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
async def test_role_matrix(world, op: Op, role: str) -> None:
    result, _ = await execute(world.graph, op.query(), as_(world, role, op.target), **variables(world))
    refused_at = op.refused_at(role)
    if refused_at is None:
        assert result.errors is None, [(e.message, e.path) for e in result.errors]
        if not op.may_be_null:
            assert at_path(result.data, op.path) is not None, result.data
        assert result.data["viewer"]["role"] == BASE[role]
        return
    assert result.errors, f"{role} was served {op.name}: {result.data}"
    assert [(tuple(e.path or ()), code(e)) for e in result.errors] == [(refused_at, "FORBIDDEN")], \
        [(e.message, e.path, e.extensions) for e in result.errors]
    check_refusal_message(result.errors[0].message, role,
                          op.parent_allowed if refused_at == op.parent else op.allowed)
    # The rest of the answer is served, as far as GraphQL's null propagation lets it: a refused non-null root
    # field takes `data` with it (the contract's types), any other leaves `viewer` answered.
    if result.data is None:
        root_type = SCHEMA._schema.query_type.fields[refused_at[0]].type
        assert len(refused_at) == 1 and is_non_null_type(root_type), f"{op.name}: the whole answer was dropped"
    else:
        assert result.data["viewer"] == {"role": BASE[role]}


async def test_a_refused_nullable_field_leaves_its_siblings_served(world) -> None:
    """AccessEvent.purpose may be null: a SUBJECT reading its own log gets the event without it."""
    query = "query($id: ID!) { accessLog(subjectId: $id, first: 1) { edges { node { operation role purpose } } } }"
    result, _ = await execute(world.graph, query, as_(world, OWN), id=node_id("Organisation", A))
    assert [(e.path, code(e)) for e in result.errors] == [(["accessLog", "edges", 0, "node", "purpose"], "FORBIDDEN")]
    node = result.data["accessLog"]["edges"][0]["node"]
    assert node["purpose"] is None and node["operation"] and node["role"]


async def test_a_refused_field_does_not_take_the_other_top_level_fields_with_it(world) -> None:
    query = "query($a: String!, $c: String!) { a: organisation(uscc: $a) { name riskLevel { level } } " \
            "c: organisation(uscc: $c) { name } }"
    result, _ = await execute(world.graph, query, as_(world, PUBLIC), a=A, c=C)
    assert [(e.path, code(e)) for e in result.errors] == [(["a", "riskLevel"], "FORBIDDEN")]
    assert result.data["c"] == {"name": "上海示例贸易有限公司"}


# --- 2. Views ---

RECORDS = """query($a: String!) { organisation(uscc: $a) {
  all: records(first: 50, filter: {statuses: [ACTIVE, EXPIRED, REPAIRED, REVOKED]}) {
    totalCount edges { node { recordId status } } }
  default: records(first: 50) { totalCount edges { node { recordId } } }
} }"""

RECORDS_SEEN = {
    PUBLIC: {"R7"}, OTHER: {"R7"},
    UNIT: SHARED_RECORDS, INVESTIGATOR: SHARED_RECORDS,
    AUTHORITY: SHARED_RECORDS | {"R8", "R10"},  # X's own repaired and revoked records, not Y's R9 nor R3, R5
    OWN: ALL_RECORDS, ADMIN: ALL_RECORDS,
}


@pytest.mark.parametrize("role", RECORDS_SEEN)
async def test_each_view_shows_its_records(world, role) -> None:
    org = (await _data(world, RECORDS, as_(world, role), a=A))["organisation"]
    seen = {e["node"]["recordId"] for e in org["all"]["edges"]}
    assert seen == RECORDS_SEEN[role]
    assert org["all"]["totalCount"] == len(RECORDS_SEEN[role])  # a count must not leak what is hidden
    assert {e["node"]["recordId"] for e in org["default"]["edges"]} == {"R7"}  # ACTIVE when no status is asked
    assert org["default"]["totalCount"] == 1


ENTRIES = """query($a: String!) { organisation(uscc: $a) {
  active: listEntries { entryId } all: listEntries(activeOnly: false) { entryId } } }"""


@pytest.mark.parametrize("role, all_entries", [
    (PUBLIC, ACTIVE_ENTRIES), (OTHER, ACTIVE_ENTRIES),  # activeOnly: false shows the public nothing more
    (UNIT, ALL_ENTRIES), (INVESTIGATOR, ALL_ENTRIES), (AUTHORITY, ALL_ENTRIES), (OWN, ALL_ENTRIES),
    (ADMIN, ALL_ENTRIES),
])
async def test_each_view_shows_its_list_entries(world, role, all_entries) -> None:
    org = (await _data(world, ENTRIES, as_(world, role), a=A))["organisation"]
    assert {e["entryId"] for e in org["active"]} == ACTIVE_ENTRIES
    assert {e["entryId"] for e in org["all"]} == all_entries


@pytest.fixture
def app_env(monkeypatch):
    """Set CREDITFILE_ settings for one test; the settings cache is cleared around."""
    def set_(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings.app.cache_clear()
    yield set_
    monkeypatch.undo()
    settings.app.cache_clear()


async def test_key_attention_entries_are_public_only_when_the_setting_allows(world, app_env) -> None:
    app_env(CREDITFILE_KEY_ATTENTION_PUBLIC="false")
    public = (await _data(world, ENTRIES, as_(world, PUBLIC), a=A))["organisation"]
    assert {e["entryId"] for e in public["active"]} == {"L4", "L5"}
    assert {e["entryId"] for e in public["all"]} == {"L4", "L5"}
    unit = (await _data(world, ENTRIES, as_(world, UNIT), a=A))["organisation"]
    assert {e["entryId"] for e in unit["active"]} == ACTIVE_ENTRIES


NODE = "query($id: ID!) { node(id: $id) { id } }"


@pytest.mark.parametrize("thing, role, visible", [
    ("R3", PUBLIC, False), ("R3", UNIT, False), ("R3", INVESTIGATOR, False), ("R3", AUTHORITY, False),
    ("R3", OTHER, False), ("R3", OWN, True), ("R3", ADMIN, True),  # repaired
    ("R8", UNIT, False), ("R8", AUTHORITY, True),  # repaired, decided by the AUTHORITY asking
    ("R9", AUTHORITY, False), ("R10", AUTHORITY, True), ("R9", ADMIN, True),  # revoked: Y's, X's
    ("R1", PUBLIC, False), ("R1", UNIT, True),  # expired
    ("R7", PUBLIC, True),  # active
    ("L7", PUBLIC, False), ("L7", UNIT, True), ("L1", PUBLIC, False), ("L4", PUBLIC, True),  # removed, expired, active
])
async def test_node_shows_a_record_or_entry_only_in_a_view_that_has_it(world, thing, role, visible) -> None:
    type_name = "CreditRecord" if thing.startswith("R") else "ListEntry"
    found = (await _data(world, NODE, as_(world, role), id=node_id(type_name, thing)))["node"]
    assert (found is not None) == visible, found


BASED_ON = "query($e: String!) { organisation(uscc: $e) { listEntries { entryId basedOn { recordId status } } } }"


@pytest.mark.parametrize("role, shown", [
    (PUBLIC, {"L8": None, "L9": None}),  # the public view has no expired or repaired record
    (UNIT, {"L8": "R11", "L9": None}),  # the shared view has the expired one, not the repaired one
    (ADMIN, {"L8": "R11", "L9": "R12"}),
])
async def test_an_entry_shows_the_record_it_rests_on_only_in_a_view_that_has_it(world, role, shown) -> None:
    entries = (await _data(world, BASED_ON, as_(world, role), e=E))["organisation"]["listEntries"]
    assert {e["entryId"]: (e["basedOn"] or {}).get("recordId") for e in entries} == shown


async def test_public_search_lists_organisations_only(world) -> None:
    query = 'query($kind: SubjectKind) { search(text: "张三", kind: $kind) { totalCount edges { node { ' \
            '__typename name } } } }'
    admin = (await _data(world, query, as_(world, ADMIN)))["search"]
    assert {(e["node"]["__typename"], e["node"]["name"]) for e in admin["edges"]} >= {
        ("Person", "张三"), ("Organisation", "张三测试餐饮有限公司")}
    for role in (PUBLIC, OTHER):
        found = (await _data(world, query, as_(world, role)))["search"]
        assert [e["node"] for e in found["edges"]] == [{"__typename": "Organisation", "name": "张三测试餐饮有限公司"}]
        assert found["totalCount"] == 1  # the count does not betray the persons either


async def test_search_never_matches_id_numbers(world) -> None:
    query = "query($text: String!) { search(text: $text) { totalCount } }"
    for text in (P2, P2[:6], P2[-4:]):
        assert (await _data(world, query, as_(world, ADMIN), text=text))["search"]["totalCount"] == 0, text


async def test_the_shared_view_shows_no_repaired_or_revoked_record_through_a_person_or_exploration(world) -> None:
    hidden = {"R3", "R5", "R8", "R9", "R10"}
    person = """query($id: ID!) { node(id: $id) { ... on Person { accountableRecords(first: 50,
      filter: {statuses: [ACTIVE, EXPIRED, REPAIRED, REVOKED]}) { totalCount edges { node { record { recordId } } } }
    } } }"""
    for role in (UNIT, INVESTIGATOR):
        page = (await _data(world, person, as_(world, role), id=world.person_id(P2)))["node"]["accountableRecords"]
        seen = {e["node"]["record"]["recordId"] for e in page["edges"]}
        assert seen and not seen & hidden, seen
        assert page["totalCount"] == len(seen)
    explore = """query($a: String!, $aId: ID!) {
      liabilityTrace(uscc: $a, depth: 2) { accountable { record { recordId } } graph { nodes { id label } } }
      neighbourhood(id: $aId, depth: 2) { nodes { id label } } }"""
    answer = json.dumps(await _data(world, explore, as_(world, INVESTIGATOR), a=A, aId=node_id("Organisation", A)),
                        ensure_ascii=False)
    for record in hidden:
        assert node_id("CreditRecord", record) not in answer and f" {record}\"" not in answer, record


FROM_HIDDEN = {
    "neighbourhood": "query($id: ID!) { neighbourhood(id: $id) { nodes { id label } } }",
    "shortestPaths": "query($id: ID!, $aId: ID!) { shortestPaths(from: $id, to: $aId) { length nodes { id label } } }",
}


@pytest.mark.parametrize("record", ["R3", "R9"])  # repaired; revoked
@pytest.mark.parametrize("operation", FROM_HIDDEN)
async def test_exploration_cannot_start_from_a_record_the_shared_view_hides(world, operation, record) -> None:
    """Starting from a repaired or revoked record's id would show INVESTIGATOR (shared view) that it exists, and
    its label and links: it is refused as if there were nothing with that id."""
    result, _ = await execute(world.graph, FROM_HIDDEN[operation], as_(world, INVESTIGATOR),
                              id=node_id("CreditRecord", record), aId=node_id("Organisation", A))
    shown = json.dumps(result.data, ensure_ascii=False)
    assert node_id("CreditRecord", record) not in shown and f" {record}\"" not in shown, shown
    assert result.errors and code(result.errors[0]) in ("NOT_FOUND", "BAD_USER_INPUT"), result.errors
    # ADMIN (archive) may start there.
    assert (await _data(world, FROM_HIDDEN[operation], as_(world, ADMIN), id=node_id("CreditRecord", record),
                        aId=node_id("Organisation", A)))[operation]


async def _data(world: World, query: str, principal: Principal, **variables) -> dict:
    result, _ = await execute(world.graph, query, principal, **variables)
    assert result.errors is None, [(e.message, e.path) for e in result.errors]
    return result.data


# --- 3. The access log ---

async def events_of(world: World, credential_id: str) -> set[tuple]:
    rows, _, _ = await world.graph.driver.execute_query(
        "MATCH (e:AccessEvent {credentialId: $c}) RETURN e.subject AS subject, e.operation AS operation, "
        "e.purpose AS purpose", c=credential_id)
    return {(r["subject"], r["operation"], r["purpose"]) for r in rows}


async def events_about(world: World, subject: str) -> list[dict]:
    rows, _, _ = await world.graph.driver.execute_query(
        "MATCH (e:AccessEvent {subject: $s}) RETURN e {.*, at: toString(e.at)} AS e", s=subject)
    return [r["e"] for r in rows]


@pytest.fixture
def log_writes(monkeypatch) -> list:
    """The access log's write transactions, passed through: each call of graph.audit.write_log, and each commit
    of a request's early-begun log transaction (graph.audit.Journal)."""
    calls = []
    original, settle = audit.write_log, audit.Journal._settle

    async def counted(graph, **kwargs):
        calls.append(kwargs)
        return await original(graph, **kwargs)

    async def settled(journal, served):
        calls.append({"events": served})
        return await settle(journal, served)

    monkeypatch.setattr(audit, "write_log", counted)
    monkeypatch.setattr(audit.Journal, "_settle", settled)
    return calls


def org(uscc: str) -> str:
    return f"ORGANISATION:{uscc}"


LOGGED_READS = [
    # (name, role, query, the events expected as (subject, operation, purpose); P2, P3 stand for their pids)
    ("organisation, twice", UNIT, 'query($a: String!) { x: organisation(uscc: $a) { name } '
     'y: organisation(uscc: $a, asOf: "2025-01-01") { name } }', {(org(A), "organisation", None)}),
    ("person", UNIT, "query($p2: String!) { person(idNumber: $p2) { name } }", {("P2", "person", None)}),
    ("node of an organisation", UNIT, "query($cId: ID!) { node(id: $cId) { id } }", {(org(C), "node", None)}),
    ("node of a person", UNIT, "query($p3Id: ID!) { node(id: $p3Id) { id } }", {("P3", "node", None)}),
    ("node of a record", UNIT, "query($r7: ID!) { node(id: $r7) { id } }", {(org(A), "node", None)}),
    ("node of an entry", UNIT, "query($l3: ID!) { node(id: $l3) { id } }", {(org(C), "node", None)}),
    ("screen: the found ones", UNIT, "query($a: String!, $c: String!, $p3: String!, $nobody: String!, "
     "$noOrg: String!) { screen(usccs: [$a, $noOrg, $c], idNumbers: [$p3, $nobody]) { found } }",
     {(org(A), "screen", None), (org(C), "screen", None), ("P3", "screen", None)}),
    ("liabilityTrace: the root", INVESTIGATOR, "query($a: String!) { liabilityTrace(uscc: $a, depth: 2) { "
     "relatedOrganisations { organisation { name } } accountable { person { name } } } }",
     {(org(A), "liabilityTrace", None)}),
    ("neighbourhood: the root", INVESTIGATOR, "query($aId: ID!) { neighbourhood(id: $aId, depth: 2) { nodes { id } } }",
     {(org(A), "neighbourhood", None)}),
    ("shortestPaths: both ends", INVESTIGATOR, "query($aId: ID!, $dId: ID!) { shortestPaths(from: $aId, to: $dId) "
     "{ length } }", {(org(A), "shortestPaths", None), (org(D), "shortestPaths", None)}),
    ("idNumber, with its purpose", INVESTIGATOR, 'query($p2: String!) { person(idNumber: $p2) { '
     'idNumber(purpose: "  涉嫌围标串标 案号 2026-117  ") } }',
     {("P2", "person", None), ("P2", "idNumber", "涉嫌围标串标 案号 2026-117")}),
]


@pytest.mark.parametrize("name, role, query, expected", LOGGED_READS, ids=[r[0] for r in LOGGED_READS])
async def test_a_read_writes_one_event_per_subject_in_one_write(world, log_writes, name, role, query,
                                                                expected) -> None:
    cid = credential("log")
    values = {"a": A, "c": C, "p2": P2, "p3": P3, "aId": node_id("Organisation", A),
              "cId": node_id("Organisation", C), "dId": node_id("Organisation", D), "p3Id": world.person_id(P3),
              "r7": node_id("CreditRecord", "R7"), "l3": node_id("ListEntry", "L3"),
              "nobody": make_resident_id("110108", date(1990, 2, 3), 555),
              "noOrg": make_uscc("9", "1", "440300", "99999999")}
    used = {k: v for k, v in values.items() if re.search(rf"\${k}\b", query)}
    result, _ = await execute(world.graph, query, as_(world, role, credential_id=cid), **used)
    assert result.errors is None, result.errors
    pids = {"P2": f"PERSON:{world.pid[P2]}", "P3": f"PERSON:{world.pid[P3]}"}
    assert await events_of(world, cid) == {(pids.get(s, s), op, p) for s, op, p in expected}
    assert len(log_writes) == 1  # one write transaction for the request


async def test_reading_a_file_found_by_search_is_logged(world) -> None:
    """access.md: "Every read of a subject's file by a role other than PUBLIC is logged". A search by USCC is
    organisation(uscc:) under another name: its records, risk and measures are read with no event."""
    cid = credential("search")
    query = """query($a: String!) { search(text: $a) { edges { node { ... on Organisation {
      riskLevel { level } records(filter: {statuses: [ACTIVE, EXPIRED]}) { totalCount } measures { measure { code } }
    } } } } }"""
    found = await _data(world, query, as_(world, UNIT, credential_id=cid), a=A)
    assert found["search"]["edges"][0]["node"]["records"]["totalCount"] == len(SHARED_RECORDS)
    assert await events_of(world, cid) == {(org(A), "search", None)}


async def test_the_event_holds_when_role_agency_and_credential(world) -> None:
    subject = await new_organisation(world)
    cid = credential("holds")
    await _data(world, "query($u: String!) { organisation(uscc: $u) { name } }",
                as_(world, UNIT, credential_id=cid), u=subject)
    [event] = await events_about(world, org(subject))
    assert (event["role"], event["agencyName"], event["agencyUscc"], event["credentialId"], event["operation"]) == \
        (UNIT, UNIT_AGENCY, UNIT_USCC, cid, "organisation")
    assert event["at"].endswith("+08:00"), event["at"]
    assert abs(datetime.fromisoformat(event["at"]) - datetime.now().astimezone()) < timedelta(minutes=5)


async def test_public_reads_and_a_subjects_own_reads_are_not_logged(world, log_writes) -> None:
    subject = await new_organisation(world)
    query = "query($u: String!, $id: ID!) { organisation(uscc: $u) { name } node(id: $id) { id } }"
    ids = {"u": subject, "id": node_id("Organisation", subject)}
    await _data(world, query, as_(world, PUBLIC), **ids)
    await _data(world, query, subject_principal(credential("own"), "ORGANISATION", subject, subject), **ids)
    assert await events_about(world, org(subject)) == []
    assert log_writes == []  # nothing to log, no write at all
    # A SUBJECT reading another's file (in the public view) is a read by a role other than PUBLIC: logged.
    cid = credential("other")
    await _data(world, query, subject_principal(cid, "ORGANISATION", C, C), **ids)
    assert await events_of(world, cid) == {(org(subject), "organisation", None), (org(subject), "node", None)}


async def test_a_persons_own_reads_are_not_logged(world) -> None:
    number, pid = await new_person(world)
    me = subject_principal(credential("me"), "PERSON", number, pid)
    await _data(world, 'query($n: String!) { person(idNumber: $n) { name idNumberMasked } }', me, n=number)
    assert await events_about(world, f"PERSON:{pid}") == []


async def test_a_refused_field_logs_nothing(world) -> None:
    subject = await new_organisation(world)
    for role, query in [
        (DASHBOARD, "query($u: String!) { organisation(uscc: $u) { name } }"),
        (UNIT, "query($u: String!) { liabilityTrace(uscc: $u) { organisation { name } } }"),
        (UNIT, "query($id: ID!) { neighbourhood(id: $id) { truncated } }"),
        (UNIT, "query($id: ID!, $c: ID!) { shortestPaths(from: $id, to: $c) { length } }"),
        (OTHER, "query($id: ID!) { accessLog(subjectId: $id) { totalCount } }"),
    ]:
        result, _ = await execute(world.graph, query, as_(world, role), u=subject, id=node_id("Organisation", subject),
                                  c=node_id("Organisation", C))
        assert [code(e) for e in result.errors] == ["FORBIDDEN"], (role, query, result.errors)
    assert await events_about(world, org(subject)) == []
    # The person is read (logged), but the refused full number is not.
    cid = credential("no-reveal")
    result, _ = await execute(world.graph, 'query($p: String!) { person(idNumber: $p) { idNumber(purpose: "x") } }',
                              as_(world, UNIT, credential_id=cid), p=P3)
    assert [code(e) for e in result.errors] == ["FORBIDDEN"]
    assert await events_of(world, cid) == {(f"PERSON:{world.pid[P3]}", "person", None)}


async def test_a_lookup_that_finds_nothing_logs_no_read(world) -> None:
    cid = credential("nothing")
    query = """query($u: String!, $n: String!, $id: ID!, $r: ID!) { organisation(uscc: $u) { name }
      person(idNumber: $n) { name } node(id: $id) { id } repaired: node(id: $r) { id } }"""
    found = await _data(world, query, as_(world, UNIT, credential_id=cid), u=make_uscc("9", "1", "440300", "99999998"),
                        n=make_resident_id("110108", date(1991, 3, 4), 556), id=node_id("Person", "no-such-pid"),
                        r=node_id("CreditRecord", "R3"))
    assert found == {"organisation": None, "person": None, "node": None, "repaired": None}
    assert await events_of(world, cid) == set()


ACCESS_LOG = """query($id: ID!, $first: Int, $after: String) { accessLog(subjectId: $id, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { at role agency { name uscc } operation } } } }"""


async def test_the_subject_sees_who_read_its_file_and_admin_also_why(world) -> None:
    number, pid = await new_person(world)
    subject_id = node_id("Person", pid)
    await _data(world, "query($n: String!) { person(idNumber: $n) { name } }", as_(world, UNIT), n=number)
    await _data(world, 'query($n: String!) { person(idNumber: $n) { idNumber(purpose: "稽查 2026-9") } }',
                as_(world, INVESTIGATOR), n=number)
    me = subject_principal(credential("me"), "PERSON", number, pid)
    log = (await _data(world, ACCESS_LOG, me, id=subject_id))["accessLog"]
    assert log["totalCount"] == 3
    assert sorted((e["node"]["role"], e["node"]["agency"]["name"], e["node"]["operation"]) for e in log["edges"]) == [
        (INVESTIGATOR, UNIT_AGENCY, "idNumber"), (INVESTIGATOR, UNIT_AGENCY, "person"), (UNIT, UNIT_AGENCY, "person")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00", e["node"]["at"]) for e in log["edges"]), \
        log["edges"]
    with_purpose = "query($id: ID!) { accessLog(subjectId: $id) { edges { node { operation purpose } } } }"
    result, _ = await execute(world.graph, with_purpose, me, id=subject_id)
    assert {code(e) for e in result.errors} == {"FORBIDDEN"} and "ADMIN" in result.errors[0].message
    assert all(e.path[-1] == "purpose" for e in result.errors)
    admin = (await _data(world, with_purpose, as_(world, ADMIN), id=subject_id))["accessLog"]["edges"]
    assert {(e["node"]["operation"], e["node"]["purpose"]) for e in admin} == {
        ("person", None), ("idNumber", "稽查 2026-9")}


async def test_a_subject_may_not_read_anothers_access_log(world) -> None:
    result, _ = await execute(world.graph, ACCESS_LOG, as_(world, OTHER), id=node_id("Organisation", A))
    assert [(code(e), e.path) for e in result.errors] == [("FORBIDDEN", ["accessLog"])]
    assert result.data is None
    # Nor another's through its own person key: the organisation's own key does not make it the person.
    result, _ = await execute(world.graph, ACCESS_LOG, as_(world, OWN), id=world.person_id(P2))
    assert [code(e) for e in result.errors] == ["FORBIDDEN"]


async def test_the_access_log_pages_newest_first(world) -> None:
    subject = await new_organisation(world)
    for _ in range(3):
        await _data(world, "query($u: String!) { organisation(uscc: $u) { name } }", as_(world, UNIT), u=subject)
    first = (await _data(world, ACCESS_LOG, as_(world, ADMIN), id=node_id("Organisation", subject), first=2))
    page = first["accessLog"]
    assert page["totalCount"] == 3 and len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"] is True
    rest = (await _data(world, ACCESS_LOG, as_(world, ADMIN), id=node_id("Organisation", subject), first=2,
                        after=page["pageInfo"]["endCursor"]))["accessLog"]
    assert rest["totalCount"] == 3 and len(rest["edges"]) == 1 and rest["pageInfo"]["hasNextPage"] is False
    ats = [datetime.fromisoformat(e["node"]["at"]) for e in page["edges"] + rest["edges"]]
    assert ats == sorted(ats, reverse=True)
    assert len({e["cursor"] for e in page["edges"] + rest["edges"]}) == 3
    result, _ = await execute(world.graph, ACCESS_LOG, as_(world, ADMIN), id=node_id("Organisation", subject),
                              after="not-a-cursor")
    assert [code(e) for e in result.errors] == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("purpose", ["", "   "])
async def test_an_empty_purpose_is_bad_input_and_reveals_nothing(world, purpose) -> None:
    cid = credential("purpose")
    result, _ = await execute(world.graph, "query($id: ID!, $why: String!) { node(id: $id) { ... on Person { name "
                              "idNumber(purpose: $why) } } }", as_(world, INVESTIGATOR, credential_id=cid),
                              id=world.person_id(P2), why=purpose)
    assert [(code(e), e.path) for e in result.errors] == [("BAD_USER_INPUT", ["node", "idNumber"])]
    assert "purpose" in result.errors[0].message
    assert result.data["node"] == {"name": "李四", "idNumber": None}
    assert ("PERSON:" + world.pid[P2], "idNumber", purpose.strip() or None) not in await events_of(world, cid)
    assert {op for _, op, _ in await events_of(world, cid)} == {"node"}


async def test_an_answer_whose_reads_cannot_be_logged_is_not_sent(world, monkeypatch) -> None:
    async def down(*args, **kwargs):
        raise ServiceUnavailable("the access log is down (test)")

    monkeypatch.setattr(audit, "write_log", down)
    monkeypatch.setattr(audit.Journal, "_settle", down)  # the early-begun transaction fails at commit too
    query = "query($a: String!) { organisation(uscc: $a) { name } }"
    result, _ = await execute(world.graph, query, as_(world, UNIT), a=A)
    assert result.data is None
    assert [code(e) for e in result.errors] == ["UNAVAILABLE"]
    assert "retry" in result.errors[0].message
    # PUBLIC reads are not logged: they are still answered.
    assert (await _data(world, query, as_(world, PUBLIC), a=A))["organisation"]["name"] == "深圳示例通信技术有限公司"


def journal(cid: str, graph: Graph) -> audit.Journal:
    return audit.Journal(graph, at=datetime.now(CHINA), role="UNIT", agency_name="某某执行单位", agency_uscc=None,
                         credential_id=cid)


async def test_the_early_log_ends_holding_exactly_the_served_reads(world, log_writes) -> None:
    """Reads foreseen from the arguments are written while the request resolves: a foreseen organisation that
    does not exist gets no event, one not served is taken out again, a served one not foreseen is added, all in
    the one transaction."""
    cid = credential("journal")
    nobody = make_uscc("9", "1", "440300", "99999997")
    log = journal(cid, world.graph)
    log.foresee([audit.Event(org(A), "screen"), audit.Event(org(C), "screen"), audit.Event(org(nobody), "screen")])
    await asyncio.sleep(0.2)  # let the early write run
    assert await events_of(world, cid) == set()  # not committed: nobody else sees it yet
    await log.finish([audit.Event(org(A), "screen"), audit.Event(org(D), "screen")])
    assert await events_of(world, cid) == {(org(A), "screen", None), (org(D), "screen", None)}
    assert len(log_writes) == 1


async def test_an_abandoned_early_log_leaves_nothing(world) -> None:
    cid = credential("abandoned")
    log = journal(cid, world.graph)
    log.foresee([audit.Event(org(A), "organisation")])
    await asyncio.sleep(0.2)
    await log.abandon()  # a failed or cancelled request
    assert await events_of(world, cid) == set()


async def test_an_early_log_that_cannot_begin_is_written_after_the_answer(world, monkeypatch) -> None:
    cid = credential("late")

    def refuse(*args, **kwargs):
        raise ServiceUnavailable("no session now (test)")

    log = journal(cid, world.graph)
    monkeypatch.setattr(world.graph.driver, "session", refuse)
    log.foresee([audit.Event(org(A), "organisation")])
    await asyncio.sleep(0.1)
    monkeypatch.undo()
    await log.finish([audit.Event(org(A), "organisation")])
    assert await events_of(world, cid) == {(org(A), "organisation", None)}  # by the plain write, after


# --- 4. Enumeration ---

def same_pattern(count: int, region: str = "110108", sequence: str = "027", check: str = "5") -> list[str]:
    """Checksum-valid resident ID numbers that differ only in their birth dates: one (first 6, last 4) pattern,
    as someone undoing the mask 110108********0275 would try them."""
    numbers, day = [], date(1975, 1, 1)
    while len(numbers) < count:
        body = f"{region}{day:%Y%m%d}{sequence}"
        if resident_id_check_char(body) == check:
            numbers.append(parse_resident_id(body + check).number)
        day += timedelta(days=1)
    return numbers


PERSON = "query($n: String!) { person(idNumber: $n) { name } }"
SCREEN = "query($ns: [String!]!) { screen(idNumbers: $ns) { query found } }"


def test_the_numbers_share_one_pattern() -> None:
    numbers = same_pattern(4)
    assert len(set(numbers)) == 4
    assert {(n[:6], n[-4:]) for n in numbers} == {("110108", "0275")}


async def security_events(world: World, cid: str) -> list[dict]:
    query = "{ securityEvents(first: 100) { at kind credentialId role agencyName pattern count } }"
    return [e for e in (await _data(world, query, as_(world, ADMIN)))["securityEvents"] if e["credentialId"] == cid]


async def test_a_fourth_number_of_one_pattern_is_refused_and_recorded(world) -> None:
    cid = credential("enum")
    unit = as_(world, UNIT, credential_id=cid)
    numbers = same_pattern(4)
    for number in numbers[:3]:
        assert (await _data(world, PERSON, unit, n=number)) == {"person": None}
    result, _ = await execute(world.graph, PERSON, unit, n=numbers[3])
    assert [(code(e), e.path) for e in result.errors] == [("RATE_LIMITED", ["person"])]
    assert result.data == {"person": None}
    assert "110108…0275" in result.errors[0].message
    [event] = await security_events(world, cid)
    assert (event["kind"], event["role"], event["agencyName"], event["pattern"], event["count"]) == \
        ("ENUMERATION", UNIT, UNIT_AGENCY, "110108…0275", 4)
    assert event["at"].endswith("+08:00")
    # Another credential is not affected by this credential's count.
    assert (await _data(world, PERSON, as_(world, UNIT, credential_id=credential("fresh")), n=numbers[3])) == \
        {"person": None}


async def test_four_numbers_of_one_pattern_in_one_screening_are_refused_whole(world) -> None:
    cid = credential("enum-screen")
    numbers = same_pattern(4, sequence="031", check="X")
    result, _ = await execute(world.graph, SCREEN, as_(world, UNIT, credential_id=cid), ns=numbers)
    assert [code(e) for e in result.errors] == ["RATE_LIMITED"]
    assert result.data is None  # nothing answered, not even the first three
    assert [e["count"] for e in await security_events(world, cid)] == [4]
    # The refused call counted nothing: three of them still pass.
    assert len((await _data(world, SCREEN, as_(world, UNIT, credential_id=cid), ns=numbers[:3]))["screen"]) == 3


async def test_screenings_and_lookups_add_up_per_credential(world) -> None:
    cid = credential("enum-mixed")
    unit = as_(world, UNIT, credential_id=cid)
    numbers = same_pattern(4, sequence="044", check="1")
    await _data(world, SCREEN, unit, ns=numbers[:2])
    await _data(world, PERSON, unit, n=numbers[2])
    result, _ = await execute(world.graph, SCREEN, unit, ns=[numbers[3]])
    assert [code(e) for e in result.errors] == ["RATE_LIMITED"]


async def test_numbers_of_different_patterns_are_not_limited(world) -> None:
    unit = as_(world, UNIT, credential_id=credential("patterns"))
    numbers = [make_resident_id("110108", date(1980, 1, 1) + timedelta(days=i), 100 + i * 7) for i in range(6)]
    assert len({(n[:6], n[-4:]) for n in numbers}) == 6
    assert len((await _data(world, SCREEN, unit, ns=numbers))["screen"]) == 6
    for number in numbers:
        assert (await _data(world, PERSON, unit, n=number)) == {"person": None}


async def test_looking_up_the_same_number_again_does_not_count_twice(world) -> None:
    unit = as_(world, UNIT, credential_id=credential("again"))
    numbers = same_pattern(4, sequence="058", check="X")
    for number in numbers[:3] + numbers[:3] + [numbers[0].lower(), f" {numbers[1]} "]:
        result, _ = await execute(world.graph, PERSON, unit, n=number)
        assert result.errors is None, (number, result.errors)
    assert len((await _data(world, SCREEN, unit, ns=numbers[:3] + numbers[:3]))["screen"]) == 6
    result, _ = await execute(world.graph, PERSON, unit, n=numbers[3])
    assert [code(e) for e in result.errors] == ["RATE_LIMITED"]


async def test_concurrent_lookups_cannot_outrun_the_count(world) -> None:
    """Requests in flight together (several server processes, or one with many connections) must not each see the
    count before the others' lookups are written: the masking would be undone a few requests at a time."""
    cid = credential("race")
    unit = as_(world, UNIT, credential_id=cid)
    numbers = same_pattern(8, sequence="083", check="2")
    results = await asyncio.gather(*[execute(world.graph, PERSON, unit, n=n) for n in numbers])
    answered = [n for n, (result, _) in zip(numbers, results, strict=True) if result.errors is None]
    assert len(answered) <= 3, f"{len(answered)} numbers of one pattern answered: {answered}"
    rows, _, _ = await world.graph.driver.execute_query(
        "MATCH (l:Lookup {credentialId: $c}) RETURN count(DISTINCT l.number) AS n", c=cid)
    assert rows[0]["n"] <= 3


async def test_found_subjects_of_a_screening_are_logged_as_reads(world) -> None:
    cid = credential("screen-found")
    await _data(world, SCREEN, as_(world, UNIT, credential_id=cid), ns=[P2, same_pattern(1, sequence="071")[0]])
    assert await events_of(world, cid) == {(f"PERSON:{world.pid[P2]}", "screen", None)}


# --- 5. Limits ---

COSTLY = """{ search(text: "有限公司", first: 100) { edges { node { ... on Organisation {
  records(first: 100) { edges { node { accountablePersons { person { accountableRecords(first: 100) { totalCount } } }
  } } } } } } } }"""
# The same with the outer page size in a variable; its default counts when no value is sent.
COSTLY_VARIABLE = COSTLY.replace("{ search(text: \"有限公司\", first: 100)",
                                 "query($first: Int = 100) { search(text: \"有限公司\", first: $first)")
COSTLY_FRAGMENTS = """query { search(text: "有限公司", first: 100) { edges { node { ...Org } } } }
fragment Org on Organisation { records(first: 100) { edges { node { ...Rec } } } }
fragment Rec on CreditRecord { accountablePersons { person { accountableRecords(first: 100) { totalCount } } } }"""
# records without `first`: its default, 20, is what a page holds (also for `first: null` or an unset variable).
COSTLY_DEFAULTS = """{ search(text: "有限公司", first: 100) { edges { node { ... on Organisation {
  records { edges { node { accountablePersons { person { accountableRecords(first: 100) { totalCount } } } } } } } }
} } }"""


def cost_of(*page_sizes_along_paths: tuple[int, ...]) -> int:
    """access.md: the product of page sizes along each path of nested lists, summed."""
    total = 0
    for sizes in page_sizes_along_paths:
        product = 1
        for size in sizes:
            product *= size
        total += product
    return total


@pytest.mark.parametrize("query, cost", [
    (COSTLY, cost_of((100,), (100, 100), (100, 100, 100))),
    (COSTLY_FRAGMENTS, cost_of((100,), (100, 100), (100, 100, 100))),
    (COSTLY_DEFAULTS, cost_of((100,), (100, 20), (100, 20, 100))),
    (COSTLY_VARIABLE, cost_of((100,), (100, 100), (100, 100, 100))),
    (COSTLY_DEFAULTS.replace("records {", "records(first: null) {"), cost_of((100,), (100, 20), (100, 20, 100))),
    (COSTLY_DEFAULTS.replace("{ search", "query($n: Int) { search").replace("records {", "records(first: $n) {"),
     cost_of((100,), (100, 20), (100, 20, 100))),
], ids=["inline", "fragments", "argument defaults", "variable default", "first: null", "unset variable"])
async def test_a_query_over_the_cost_bound_is_refused_with_its_cost(world, log_writes, query, cost) -> None:
    assert cost > 50_000
    result, stats = await execute(world.graph, query, as_(world, ADMIN))
    assert [code(e) for e in result.errors or []] == ["QUERY_TOO_COSTLY"], f"served: a cost of {cost:,} not seen"
    assert result.data is None
    message = result.errors[0].message
    assert f"{cost:,}" in message or str(cost) in message, (cost, message)
    assert "50,000" in message or "50000" in message
    assert stats.round_trips == 0 and log_writes == []  # refused before anything ran


COSTLY_TWICE = """query { again: search(text: "x", first: 1) { edges { node { ...Org } } }
  search(text: "有限公司", first: 4) { edges { node { ...Org } } } }
fragment Org on Organisation { records(first: 100) { edges { node { ...Rec } } } }
fragment Rec on CreditRecord { accountablePersons { person { accountableRecords(first: 100) { totalCount } } } }"""


async def test_the_cost_counts_variables_and_a_fragment_each_time_it_is_spread(world) -> None:
    result, _ = await execute(world.graph, COSTLY_VARIABLE, as_(world, ADMIN), first=4)  # 4 + 400 + 40,000
    assert result.errors is None, result.errors
    result, _ = await execute(world.graph, COSTLY_VARIABLE, as_(world, ADMIN), first=100)
    assert [code(e) for e in result.errors] == ["QUERY_TOO_COSTLY"], result.errors
    # again: 1 + 100 + 10,000; search: 4 + 400 + 40,000; 50,505 in all, over the bound only if Org counts twice.
    result, _ = await execute(world.graph, COSTLY_TWICE, as_(world, ADMIN))
    assert [code(e) for e in result.errors] == ["QUERY_TOO_COSTLY"], result.errors
    assert "50,505" in result.errors[0].message or "50505" in result.errors[0].message, result.errors[0].message


async def test_a_normal_credit_file_passes_the_cost_bound(world) -> None:
    query = """query($a: String!) { organisation(uscc: $a) { name riskLevel { level reasons }
      legalRepresentatives(includeHistory: true) { person { name idNumberMasked
        accountableRecords(first: 20) { totalCount edges { node { basis record { recordId } } } } } }
      records(first: 20, filter: {statuses: [ACTIVE, EXPIRED]}) { totalCount edges { node { recordId status
        accountablePersons { basis person { name } } } } }
      listEntries(activeOnly: false) { entryId active } measures { measure { code } triggeredBy { entryId } } } }"""
    org_ = (await _data(world, query, as_(world, UNIT), a=A))["organisation"]
    assert org_["records"]["totalCount"] == len(SHARED_RECORDS)


INTROSPECTION = [
    "{ __schema { queryType { name } } }",
    '{ __type(name: "Person") { fields { name } } }',
    "query { ...F } fragment F on Query { __schema { types { name } } }",
    "{ viewer { role } s: __schema { queryType { name } } }",
    "{ ... on Query { __schema { queryType { name } } } }",
]


@pytest.mark.parametrize("query", INTROSPECTION)
async def test_public_gets_no_introspection_by_default(world, app_env, query) -> None:
    app_env(CREDITFILE_PUBLIC_INTROSPECTION="0")
    result, _ = await execute(world.graph, query, as_(world, PUBLIC))
    assert result.data is None
    assert [code(e) for e in result.errors] == ["FORBIDDEN"]
    for role in (ADMIN, UNIT):
        result, _ = await execute(world.graph, query, as_(world, role))
        assert result.errors is None, (role, result.errors)


async def test_public_introspection_when_the_setting_allows_it(world, app_env) -> None:
    app_env(CREDITFILE_PUBLIC_INTROSPECTION="1")
    result, _ = await execute(world.graph, INTROSPECTION[0], as_(world, PUBLIC))
    assert result.errors is None and result.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_typename_is_not_introspection(world, app_env) -> None:
    app_env(CREDITFILE_PUBLIC_INTROSPECTION="0")
    assert await _data(world, "{ __typename }", as_(world, PUBLIC)) == {"__typename": "Query"}


MISTAKES = [
    ("{ organisaton(uscc: \"x\") { name } }", {}),  # a field
    ('{ search(txt: "x") { totalCount } }', {}),  # an argument
    ('{ search(text: "x", kind: PERSN) { totalCount } }', {}),  # an enum value
    ("query($f: RecordFilter) { organisation(uscc: \"91440300MA0CF0A11H\") { records(filter: $f) { totalCount } } }",
     {"f": {"statuse": ["ACTIVE"]}}),  # an input field, in variables
    ("query { ...F } fragment F on Organisaton { name }", {}),  # a type
]


@pytest.mark.parametrize("query, variables_", MISTAKES)
async def test_public_gets_no_did_you_mean(world, app_env, query, variables_) -> None:
    app_env(CREDITFILE_PUBLIC_INTROSPECTION="0")
    admin, _ = await execute(world.graph, query, as_(world, ADMIN), **variables_)
    assert any("Did you mean" in e.message for e in admin.errors), [e.message for e in admin.errors]
    public, _ = await execute(world.graph, query, as_(world, PUBLIC), **variables_)
    assert public.errors and not any("mean" in e.message for e in public.errors), [e.message for e in public.errors]
    assert all(code(e) == "BAD_USER_INPUT" for e in public.errors)


async def test_a_screening_of_more_than_1000_codes_is_bad_input(world) -> None:
    result, _ = await execute(world.graph, "query($u: [String!]!) { screen(usccs: $u) { found } }",
                              as_(world, UNIT), u=[A] * 1001)
    assert [code(e) for e in result.errors] == ["BAD_USER_INPUT"]
    assert "1,000" in result.errors[0].message or "1000" in result.errors[0].message
    result, _ = await execute(world.graph, "query($u: [String!]!) { screen(usccs: $u) { found } }",
                              as_(world, UNIT), u=[A] * 1000)
    assert result.errors is None and len(result.data["screen"]) == 1000
