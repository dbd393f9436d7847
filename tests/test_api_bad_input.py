"""Hostile input: every mistake of a caller is refused as BAD_USER_INPUT with a message saying what to fix, never
answered as the internal error. Also: "today" is today in China, whatever the server's clock and zone."""

from __future__ import annotations

import base64
import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from api import dates, resolvers
from graph import access
from graph.errors import INTERNAL_MESSAGE
from graph.identifiers import IdentifierError, parse_resident_id, parse_uscc
from tests import scenario
from tests.gql import SCHEMA, data, execute
from tests.scenario import P1, A, B

ROOT = Path(__file__).parent.parent


def b64(raw: str | bytes) -> str:
    return base64.urlsafe_b64encode(raw.encode() if isinstance(raw, str) else raw).decode().rstrip("=")


def client_error(result) -> str:
    """The message of a refused request, checked to be the client's error (and its code, once codes are set)."""
    assert result.errors, f"expected a refusal, got {result.data}"
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert error.message != INTERNAL_MESSAGE and "Internal error" not in error.message
    assert (error.extensions or {}).get("code", "BAD_USER_INPUT") == "BAD_USER_INPUT", error.extensions
    return error.message


async def refused(graph, query: str, **variables) -> str:
    result, _ = await execute(graph, query, **variables)
    return client_error(result)


@pytest.fixture
async def world(graph, tmp_path):
    await scenario.load(graph, tmp_path)
    return graph


# 1. Dates: exactly YYYY-MM-DD, as a variable and as a literal.

BAD_DAYS = ["2024-02-30", "2024-1-1", "yesterday", "20240101", "2024-W01-1", "２０２４-05-01", "2024-05-01T00:00", ""]
ORG_ON = 'query($d: Date) { organisation(uscc: "%s", asOf: $d) { name } }' % A


@pytest.mark.parametrize("day", BAD_DAYS)
async def test_asof_as_a_variable_must_be_yyyy_mm_dd(graph, day: str) -> None:
    message = await refused(graph, ORG_ON, d=day)
    assert f"Date: expected YYYY-MM-DD, e.g. 2024-05-01, not {day!r}" in message


@pytest.mark.parametrize("day", BAD_DAYS)
async def test_asof_as_a_literal_must_be_yyyy_mm_dd(graph, day: str) -> None:
    message = await refused(graph, '{ organisation(uscc: "%s", asOf: "%s") { name } }' % (A, day))
    assert message.startswith(f"Date: expected YYYY-MM-DD, e.g. 2024-05-01, not {day!r}")


async def test_dates_that_are_not_strings_or_not_days(graph) -> None:
    assert "not 20240101" in await refused(graph, '{ organisation(uscc: "%s", asOf: 20240101) { name } }' % A)
    assert "not 20240101" in await refused(graph, ORG_ON, d=20240101)
    assert "not '2024-02-30': there is no such day" in await refused(graph, ORG_ON, d="2024-02-30")
    filtered = """query($f: RecordFilter) { organisation(uscc: "%s") { records(filter: $f) { totalCount } } }""" % A
    message = await refused(graph, filtered, f={"decidedFrom": "2024-13-01"})
    assert "decidedFrom" in message and "Date: expected YYYY-MM-DD" in message


async def test_a_well_formed_day_is_taken(world) -> None:
    assert (await data(world, ORG_ON, d="2024-02-29"))["organisation"]["name"] == "深圳示例通信技术有限公司"


# 2. Forged cursors, on every field that takes one.

FORGED = [b64('{"a":1}'), b64("[1e400]"), b64("[-5]"), b64(f"[{10**400}]"), "not base64 at all!", b64(b"\xff\xfe"),
          b64("[true]"), b64("[1.5]"), b64("[" * 600), b64('["2024-01-01"]'), b64('["2024-02-30","R1"]'),
          b64('["2024-01-01",{"x":1}]'), b64('["2024-01-01","R1","BOGUS"]'), b64('["20240101","R1"]'),
          b64("[null,null]"), b64('["2024-01-01",""]'), "A" * 5000]
CURSOR_FIELDS = {
    "search": 'query($a: String) { search(text: "科技", after: $a) { totalCount } }',
    "records": 'query($a: String) { organisation(uscc: "%s") { records(after: $a) { totalCount } } }' % A,
    "accountableRecords": 'query($a: String) { person(idNumber: "%s") { accountableRecords(after: $a) '
                          '{ totalCount } } }' % P1,
}


@pytest.mark.parametrize("field", CURSOR_FIELDS)
async def test_forged_cursors_are_refused(world, field: str) -> None:
    for cursor in FORGED:
        message = await refused(world, CURSOR_FIELDS[field], a=cursor)
        assert message.startswith("after: ") and message.endswith("pass an endCursor from pageInfo"), message
        assert len(message) < 200  # a huge cursor is not echoed back whole


async def test_a_real_search_cursor_still_pages(world) -> None:
    query = """query($a: String) { search(text: "科技", first: 1, after: $a) {
      pageInfo { endCursor } edges { node { name } } } }"""
    first = (await data(world, query))["search"]
    second = (await data(world, query, a=first["pageInfo"]["endCursor"]))["search"]
    assert first["edges"] and second["edges"] and first["edges"] != second["edges"]


# 3. ID numbers: ASCII only (str.isdigit() takes '²' and '١').

@pytest.mark.parametrize(("number", "words"), [
    ("11010519491231002²", "character 18 is '²'"),
    ("¹¹0105194912310027", "character 1 is '¹'"),
    ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "character 1 is '١'"),  # Arabic-Indic digits: int() reads them; they were looked up
    ("张三", "character 1 is '张'"),
    ("", "empty"),
    ("x" * 10000, "at most 40 characters, this one has 10000"),
])
async def test_person_id_number_must_be_ascii(graph, number: str, words: str) -> None:
    message = await refused(graph, 'query($i: String!) { person(idNumber: $i) { name } }', i=number)
    assert message.startswith("idNumber: ") and words in message, message


@pytest.mark.parametrize("number", ["¹¹0105194912310027", "11010519491231002²", "1101051949123100２X"])
def test_resident_ids_take_ascii_digits_only(number: str) -> None:
    with pytest.raises(IdentifierError, match="digit") as caught:
        parse_resident_id(number)
    assert caught.value.char == next(ch for ch in number if not ch.isascii())


def test_usccs_take_ascii_only() -> None:
    # 'ﬀ'.upper() is 'FF': without the ASCII rule these 17 characters made a well-formed 18-character code.
    with pytest.raises(IdentifierError, match="18 characters, this one has 17"):
        parse_uscc("9144030019220382ﬀ")
    with pytest.raises(IdentifierError, match=r"character 18 is '²'.*check character of this code is '6'"):
        parse_uscc("91440300192203821²")
    assert parse_uscc(f" {B.lower()} ").code == B  # blanks around and lower case stay forgiven


# 4. Search text: a length limit checked before Neo4j, and Lucene's refusals as the client's.

@pytest.mark.parametrize("text", ["华" * 10000, "a " * 60, "x" * 101])
async def test_over_long_search_text_is_refused_before_neo4j(graph, text: str) -> None:
    result, stats = await execute(graph, 'query($t: String!) { search(text: $t) { totalCount } }', t=text)
    message = client_error(result)
    assert message == f"text: at most 100 characters, not {len(text.strip())}; search for a shorter part of the name"
    assert "search_subjects" not in stats.queries


async def test_search_text_limit_is_in_the_schema(world) -> None:
    assert "at most 100 characters" in SCHEMA.as_str()
    assert (await data(world, 'query($t: String!) { search(text: $t) { totalCount } }', t="科" * 100))["search"]


@pytest.mark.parametrize("text", ["\\", "(", "[a TO", "a AND", "/", '+-&&||!(){}[]^"~*?:\\/', "\u3000科技", "\x00",
                                  "科 " * 33])
async def test_odd_search_texts_are_answered(world, text: str) -> None:
    assert (await data(world, 'query($t: String!) { search(text: $t) { totalCount } }', t=text))["search"]


@pytest.mark.parametrize(("lucene", "why"), [("(", "parse"), ("\\", "parse"), ("华" * 2000, "too many")])
async def test_lucene_refusals_are_search_refused(world, lucene: str, why: str) -> None:
    with pytest.raises(access.SearchRefused, match=why):
        await access.search(world, lucene, None, 0, 10)


async def test_a_lucene_refusal_reaches_the_client_as_bad_input(world, monkeypatch) -> None:
    monkeypatch.setattr(resolvers, "LUCENE_SPECIAL", re.compile(r"((?!))"))  # escaping off: Lucene sees the text
    message = await refused(world, 'query($t: String!) { search(text: $t) { totalCount } }', t="a AND (")
    assert message.startswith("text: the search index cannot take 'a AND ('")


# 5. Screening: one malformed code does not null the batch; each comes back in order, flagged.

SCREEN = """query($usccs: [String!]!, $ids: [String!]!) { screen(usccs: $usccs, idNumbers: $ids) {
  query found subject { name } flags } }"""
BAD_USCCS = {
    "91440300192203821²": "character 18 is '²'", "": "18 characters, this one has 0",
    "9" * 10000: "18 characters, this one has 10000", "😀" * 18: "character 1 is '😀'",
    "9144030019220382ﬀ": "18 characters, this one has 17",
    **{A[:9] + ch + A[10:]: f"character 10 is '{ch}'" for ch in "IOSVZ"},
}
BAD_IDS = {
    "11010519491231002²": "character 18 is '²'", "¹¹0105194912310027": "character 1 is '¹'", "": "empty",
    " ": "empty", "x" * 10000: "at most 40 characters", "😀": "character 1 is '😀'", "张三": "character 1 is '张'",
    "110105194912310021": "check character of this number is 'X'",
}


async def test_malformed_codes_come_back_in_order_flagged(world) -> None:
    usccs = [A, *BAD_USCCS, B.lower(), f"  {B}\t"]
    ids = [*BAD_IDS, P1.lower()]
    result = (await data(world, SCREEN, usccs=usccs, ids=ids))["screen"]
    assert [r["query"] for r in result] == usccs + ids
    answers = [(code, r, BAD_USCCS, "malformed USCC: ") for code, r in zip(usccs, result[:len(usccs)], strict=True)]
    answers += [(code, r, BAD_IDS, "malformed ID number: ") for code, r in zip(ids, result[len(usccs):], strict=True)]
    for code, r, bad, prefix in answers:
        if code in bad:
            assert r["found"] is False and r["subject"] is None, code[:20]
            assert r["flags"][0].startswith(prefix) and bad[code] in r["flags"][0], r["flags"]
        else:  # lower case and blanks around are forgiven: still found, the query given back as asked
            assert r["found"] is True, code


# 6. Other arguments: node ids, page sizes, depths, big lists.

ODD_IDS = [b64("Organisation:"), b64(":x"), b64(b"\xff\xfe:x"), b64("Foo:x"), b64("nocolon"), "!!!", "====", "a",
           b64("Person:" + "x" * 2000)]


async def test_odd_node_ids_are_refused_everywhere(world) -> None:
    a = b64(f"Organisation:{A}")
    fields = {"node": '{ node(id: "%s") { id } }', "neighbourhood": '{ neighbourhood(id: "%s") { truncated } }',
              "shortestPaths": '{ shortestPaths(from: "%s", to: "' + a + '") { length } }'}
    for odd in ODD_IDS:
        for name, query in fields.items():
            message = await refused(world, query % odd)
            assert message.startswith(("id: ", "from: ")) and "is not an id given out by this API" in message, name
            assert len(message) < 200


@pytest.mark.parametrize(("query", "words"), [
    ('{ search(text: "科技", first: -1) { totalCount } }', "first must be between 0 and 100, not -1"),
    ('{ search(text: "科技", first: 101) { totalCount } }', "first must be between 0 and 100, not 101"),
    ('{ search(text: "科技", first: 99999999999) { totalCount } }', "Int cannot represent non 32-bit"),
    ('{ organisation(uscc: "%s") { records(first: -1) { totalCount } } }' % A, "first must be between 0 and 100"),
    ('{ person(idNumber: "%s") { accountableRecords(first: -5) { totalCount } } }' % P1, "first must be between"),
    ('{ liabilityTrace(uscc: "%s", depth: 0) { graph { truncated } } }' % A, "depth must be between 1 and 4, not 0"),
    ('{ liabilityTrace(uscc: "%s", depth: 2147483647) { graph { truncated } } }' % A, "depth must be between 1 and 4"),
    ('{ neighbourhood(id: "%s", depth: -1) { truncated } }' % b64(f"Organisation:{A}"), "depth must be between"),
    ('{ neighbourhood(id: "%s", limit: -1) { truncated } }' % b64(f"Organisation:{A}"), "limit must be between"),
    ('{ neighbourhood(id: "%s", limit: 2001) { truncated } }' % b64(f"Organisation:{A}"), "limit must be between"),
    ('{ shortestPaths(from: "%s", to: "%s", maxHops: 0) { length } }' % (b64(f"Organisation:{A}"),
                                                                          b64(f"Organisation:{B}")), "maxHops must"),
])
async def test_out_of_range_numbers_are_refused(world, query: str, words: str) -> None:
    assert words in await refused(world, query)


async def test_a_long_list_of_repeated_relations_is_one_relation(world) -> None:
    query = 'query($r: [Relation!]) { neighbourhood(id: "%s", relations: $r, asOf: "2024-05-01") { nodes { label } } }'
    once = (await data(world, query % b64(f"Organisation:{A}"), r=["SHAREHOLDER"]))["neighbourhood"]
    many = (await data(world, query % b64(f"Organisation:{A}"), r=["SHAREHOLDER"] * 50000))["neighbourhood"]
    assert once == many and len(once["nodes"]) == 2


# 7. Today is today in China (Asia/Shanghai), whatever the server's zone.

def frozen_at(instant: datetime) -> type[datetime]:
    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # as datetime.now: the zone's wall clock, or the server's (UTC here) without one
            return instant.astimezone(tz) if tz else instant.astimezone(UTC).replace(tzinfo=None)

    return Clock


@pytest.mark.parametrize(("instant", "day"), [
    (datetime(2026, 11, 27, 20, 0, tzinfo=UTC), date(2026, 11, 28)),  # 04:00 on the 28th in Beijing
    (datetime(2026, 11, 28, 15, 59, 59, tzinfo=UTC), date(2026, 11, 28)),
    (datetime(2026, 11, 28, 16, 0, tzinfo=UTC), date(2026, 11, 29)),
    (datetime(2031, 3, 31, 16, 30, tzinfo=UTC), date(2031, 4, 1)),
])
def test_today_is_the_day_in_china(monkeypatch, instant: datetime, day: date) -> None:
    monkeypatch.setattr(dates, "datetime", frozen_at(instant))
    assert dates.today() == day


def test_today_does_not_follow_the_server_zone(monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Etc/GMT+12")  # 20 hours behind Beijing: a different day most of the time
    time.tzset()
    try:
        assert dates.today() == (datetime.now(UTC) + timedelta(hours=8)).date()
    finally:
        monkeypatch.undo()
        time.tzset()


async def test_resolvers_default_to_the_day_in_china(graph, tmp_path, monkeypatch) -> None:
    await scenario.load(graph, tmp_path, {"records.csv": [scenario.rec("R7", "GENERAL", "2031-04-01")]})
    monkeypatch.setattr(dates, "datetime", frozen_at(datetime(2031, 3, 31, 16, 30, tzinfo=UTC)))
    records = 'query($d: Date) { organisation(uscc: "%s", asOf: $d) { records { edges { node { recordId } } } } }' % A
    ids = [e["node"]["recordId"] for e in (await data(graph, records))["organisation"]["records"]["edges"]]
    assert "R7" in ids  # decided today in Beijing, while it is still 2031-03-31 in UTC
    before = (await data(graph, records, d="2031-03-31"))["organisation"]["records"]["edges"]
    assert "R7" not in [e["node"]["recordId"] for e in before]
    missing = b64("Organisation:" + A[:-1] + "0")
    message = await refused(graph, '{ neighbourhood(id: "%s") { truncated } }' % missing)
    assert message.endswith("on 2031-04-01")


def test_no_module_asks_the_server_for_its_day() -> None:
    sources = [p for folder in ("api", "graph", "loaders") for p in (ROOT / folder).rglob("*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in sources
                 if re.search(r"\b(date|datetime)\.today\(\)", p.read_text(encoding="utf-8"))]
    assert offenders == [], "use api.dates.today(): the day in China"
