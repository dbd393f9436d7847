"""The dashboard query (workflow.md section 6): every field exact on several days and regions, against a count made
here subject by subject with the rules of the files (graph/rules.py); who may ask for which region; bad input."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Principal, Role
from api.dates import today
from graph import regions, rules
from graph.identifiers import USCC_ALPHABET, make_resident_id, make_uscc
from graph.ingest.importer import Importer
from tests.exchange_folder import write_folder
from tests.gql import ADMIN, data, errors, execute
from tests.keys import bearer, make_key

# Counties in two cities of Jiangsu (苏州 3205, 无锡 3202), Beijing and Shenzhen.
COUNTIES = ("320505", "320506", "320583", "320211", "110105", "440305")
DOMAINS = ("税收", "食品药品", "安全生产")
UNITS = (("91320500MA1X00001A", "苏州市财政局"), ("91110105MA1X00002B", "北京市朝阳区发改委"), (None, "无代码单位"))
DAYS = (date(2023, 1, 1), date(2024, 6, 30), date(2024, 7, 1), date(2025, 3, 15), date(2026, 12, 31))
PASSPORT = "E12345678"


@dataclass
class Subject:
    kind: str
    id: str
    region: str | None


@dataclass
class World:
    graph: object
    subjects: list[Subject]
    entries: list[dict]
    records: list[dict]
    pushes: list[dict]
    applications: list[dict]


def _uscc(rng: random.Random, region: str) -> str:
    return make_uscc("9", "1", region, "".join(rng.choice(USCC_ALPHABET[:10]) for _ in range(8)))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def build_world(seed: int = 11) -> tuple[World, dict[str, list[dict]]]:
    """Organisations (some with a region_code other than their USCC's), persons with resident IDs and one with a
    passport; records and list entries on them with every kind of date."""
    rng = random.Random(seed)
    subjects: list[Subject] = []
    orgs, persons = [], []
    for i in range(24):
        county = COUNTIES[i % len(COUNTIES)]
        if i % 5 == 0:  # registered elsewhere, region_code says where it is: the region_code wins
            uscc, region = _uscc(rng, "440305"), county
            orgs.append({"uscc": uscc, "name": f"测试企业{i}", "region_code": region})
        else:
            uscc, region = _uscc(rng, county), county
            orgs.append({"uscc": uscc, "name": f"测试企业{i}"})
        subjects.append(Subject("ORGANISATION", uscc, region))
    for i in range(6):
        county = COUNTIES[i % len(COUNTIES)]
        number = make_resident_id(county, date(1980, 1, 1) + timedelta(days=37 * i), 11 + 2 * i)
        persons.append({"id_number": number, "name": f"测试人{i}"})
        subjects.append(Subject("PERSON", number, county))
    persons.append({"id_type": "PASSPORT", "id_number": PASSPORT, "name": "John Smith"})
    subjects.append(Subject("PERSON", PASSPORT, None))

    records, entries = [], []
    for n in range(90):
        s = subjects[n % len(subjects)]
        decided = _day(rng, date(2021, 1, 1), date(2026, 6, 30))
        records.append({"record_id": f"DR{n:03d}", "category": rng.choice(("ADMIN_PENALTY", "COURT_DEFAULTER",
                                                                            "ABNORMAL_OPERATION")),
                        "severity": rng.choice(("MINOR", "GENERAL", "SERIOUS")), "subject_kind": s.kind,
                        "subject_id": s.id, "decided_on": decided.isoformat(), "authority_name": "测试局",
                        "authority_uscc": UNITS[0][0]})
    for n in range(60):
        s = subjects[(n * 7) % len(subjects)]
        listed = _day(rng, date(2021, 6, 1), date(2026, 6, 30))
        row = {"entry_id": f"DL{n:03d}", "list_type": rng.choice(("BLACKLIST", "KEY_ATTENTION", "REDLIST")),
               "domain": rng.choice(DOMAINS), "subject_kind": s.kind, "subject_id": s.id,
               "listed_on": listed.isoformat(), "authority_name": "测试发改委"}
        if n % 3 == 0:
            row["valid_until"] = (listed + timedelta(days=rng.choice((200, 400, 700)))).isoformat()
        if n % 4 == 1:
            row["removed_on"] = (listed + timedelta(days=rng.randrange(0, 500))).isoformat()
        if n == 5:  # a removal on the listing day itself: never active
            row["removed_on"] = row["listed_on"]
        entries.append(row)
    files = {"organisations.csv": orgs, "persons.csv": persons, "records.csv": records, "list_entries.csv": entries}
    return World(None, subjects, [], [], [], []), files


async def load_world(graph, tmp_path, seed: int = 11) -> World:
    world, files = build_world(seed)
    world.graph = graph
    rejects: list = []
    await Importer(graph, on_reject=rejects.append).import_folder(write_folder(tmp_path / "dash", files))
    assert rejects == [], rejects
    by_id = {s.id: s for s in world.subjects}
    rng = random.Random(seed + 1)
    for row in files["records.csv"]:
        world.records.append({"subject": by_id[row["subject_id"]], "decidedOn": date.fromisoformat(row["decided_on"]),
                              "category": row["category"], "severity": row["severity"], "recordId": row["record_id"]})
    for row in files["list_entries.csv"]:
        listed = date.fromisoformat(row["listed_on"])
        world.entries.append({
            "subject": by_id[row["subject_id"]], "entryId": row["entry_id"], "listType": row["list_type"],
            "domain": row["domain"], "listedOn": listed,
            "validUntil": date.fromisoformat(row["valid_until"]) if row.get("valid_until")
            else rules.default_valid_until(listed),
            "removedOn": date.fromisoformat(row["removed_on"]) if row.get("removed_on") else None})
    # Pushes as the loop makes them: pushed some day after listing, due 15 days later, some answered (acted on a
    # day, answered at a moment), some withdrawn, some both.
    pushes = []
    for n, entry in enumerate(world.entries):
        for m in range(1 + n % 3):
            unit_uscc, unit_name = UNITS[(n + m) % len(UNITS)]
            pushed = entry["listedOn"] + timedelta(days=rng.randrange(0, 40))
            acted = pushed + timedelta(days=rng.randrange(0, 60)) if rng.random() < 0.6 else None
            withdrawn = pushed + timedelta(days=rng.randrange(0, 300)) if rng.random() < 0.3 else None
            pushes.append({"pushId": f"DP{n:03d}-{m}", "entryId": entry["entryId"], "unitUscc": unit_uscc,
                           "unitName": unit_name, "pushedOn": pushed, "dueOn": pushed + timedelta(days=15),
                           "actedOn": acted, "answered": acted is not None, "withdrawnOn": withdrawn,
                           "subject": entry["subject"]})
    await graph.driver.execute_query(
        "UNWIND $rows AS row MATCH (e:ListEntry {entryId: row.entryId}) "
        "CREATE (e)-[:PUSH]->(:Push {pushId: row.pushId, entryId: row.entryId, measureCode: 'M-TEST', "
        "unitUscc: row.unitUscc, unitName: row.unitName, subjectKind: e.subjectKind, subjectId: e.subjectId, "
        "pushedOn: row.pushedOn, dueOn: row.dueOn, actedOn: row.actedOn, "
        "answeredAt: CASE WHEN row.answered THEN datetime() END, outcome: CASE WHEN row.answered THEN 'APPLIED' END, "
        "withdrawnOn: row.withdrawnOn, changedAt: datetime()})",
        rows=[{k: v for k, v in p.items() if k != "subject"} for p in pushes])
    world.pushes = pushes
    applications = []
    for n, record in enumerate(world.records[::2]):
        applied = record["decidedOn"] + timedelta(days=rng.randrange(1, 400))
        decided = applied + timedelta(days=rng.randrange(0, 90)) if rng.random() < 0.7 else None
        status = rng.choice(("ACCEPTED", "REJECTED")) if decided else "PENDING"
        applications.append({"applicationId": f"DA{n:03d}", "recordId": record["recordId"], "appliedOn": applied,
                             "decidedOn": decided, "status": status, "subject": record["subject"]})
    await graph.driver.execute_query(
        "UNWIND $rows AS row MATCH (r:Record {recordId: row.recordId}) "
        "CREATE (r)-[:REPAIR_APPLICATION]->(:RepairApplication {applicationId: row.applicationId, "
        "recordId: row.recordId, subjectKind: r.subjectKind, subjectId: r.subjectId, appliedOn: row.appliedOn, "
        "commitment: '承诺', status: row.status, decidedOn: row.decidedOn})",
        rows=[{k: v for k, v in a.items() if k != "subject"} for a in applications])
    world.applications = applications
    return world


@pytest.fixture
async def world(graph, tmp_path) -> World:
    return await load_world(graph, tmp_path)


# ---- the count made here, subject by subject, with the rules of the files ----

def in_region(subject: Subject, region: str | None) -> bool:
    return region is None or (subject.region is not None and subject.region.startswith(region))


def expected_buckets(world: World, region: str | None, day: date, group_by: str, list_type: str | None) -> list:
    counts: Counter = Counter()
    for e in world.entries:
        if not in_region(e["subject"], region) or (list_type and e["listType"] != list_type):
            continue
        if not rules.entry_active(day, e["listedOn"], e["validUntil"], e["removedOn"]):
            continue
        r = e["subject"].region
        key = {"PROVINCE": r and r[:2] + "0000", "CITY": r and r[:4] + "00", "COUNTY": r,
               "LIST_TYPE": e["listType"], "DOMAIN": e["domain"]}[group_by]
        if key is not None:
            counts[key] += 1
    label = (lambda k: regions.name(k)) if group_by in ("PROVINCE", "CITY", "COUNTY") else (lambda k: None)
    return sorted(({"key": k, "label": label(k), "count": n} for k, n in counts.items()),
                  key=lambda b: (-b["count"], b["key"]))


def expected_months(world: World, region: str | None, day: date, start: date, end: date,
                    categories: list[str] | None = None, severities: list[str] | None = None) -> list:
    counts: Counter = Counter()
    for r in world.records:
        if in_region(r["subject"], region) and start <= r["decidedOn"] <= min(end, day) \
                and (categories is None or r["category"] in categories) \
                and (severities is None or r["severity"] in severities):
            counts[f"{r['decidedOn']:%Y-%m}"] += 1
    months, cursor = [], date(start.year, start.month, 1)
    while cursor <= end:
        months.append({"month": f"{cursor:%Y-%m}", "count": counts[f"{cursor:%Y-%m}"]})
        cursor = rules.add_months(cursor, 1)
    return months


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _push_numbers(pushes: list[dict], day: date) -> dict:
    answered = [p for p in pushes if p["actedOn"] is not None and p["actedOn"] <= day]
    withdrawn = [p for p in pushes if rules.push_status(day, p["withdrawnOn"], p["actedOn"]) == "WITHDRAWN"]
    pending = [p for p in pushes if rules.push_status(day, p["withdrawnOn"], p["actedOn"]) == "PENDING"]
    overdue = [p for p in pushes if rules.push_overdue(day, p["dueOn"], p["withdrawnOn"], p["actedOn"])]
    unanswered_withdrawn = [p for p in withdrawn if p not in answered]
    due = len(pushes) - len(unanswered_withdrawn)
    return {"total": len(pushes), "answered": len(answered), "pending": len(pending), "overdue": len(overdue),
            "withdrawn": len(withdrawn), "feedbackRate": len(answered) / due if due else 1.0,
            "medianDaysToAnswer": _median([(p["actedOn"] - p["pushedOn"]).days for p in answered])}


def expected_pushes(world: World, region: str | None, day: date) -> dict:
    pushes = [p for p in world.pushes if in_region(p["subject"], region) and p["pushedOn"] <= day]
    whole = _push_numbers(pushes, day)
    units: dict[str | None, list[dict]] = {}
    for p in pushes:
        units.setdefault(p["unitUscc"], []).append(p)
    by_unit = []
    for uscc, mine in units.items():
        numbers = _push_numbers(mine, day)
        by_unit.append({"unit": {"uscc": uscc, "name": mine[0]["unitName"]},
                        **{k: numbers[k] for k in ("total", "answered", "pending", "overdue", "feedbackRate")}})
    whole["byUnit"] = sorted(by_unit, key=lambda u: (-u["total"], u["unit"]["uscc"] or ""))
    return whole


def expected_repairs(world: World, region: str | None, day: date, start: date, end: date) -> dict:
    chosen = [a for a in world.applications
              if in_region(a["subject"], region) and start <= a["appliedOn"] <= min(end, day)]
    decided = [a for a in chosen if a["decidedOn"] is not None and a["decidedOn"] <= day]
    return {"applied": len(chosen), "accepted": sum(a["status"] == "ACCEPTED" for a in decided),
            "rejected": sum(a["status"] == "REJECTED" for a in decided), "pending": len(chosen) - len(decided),
            "medianDaysToDecide": _median([(a["decidedOn"] - a["appliedOn"]).days for a in decided])}


EVERYTHING = """
query($region: String, $asOf: Date, $from: Date!, $to: Date!) {
  dashboard(regionCode: $region, asOf: $asOf) {
    regionCode asOf
    province: activeEntries(groupBy: PROVINCE) { key label count }
    city: activeEntries(groupBy: CITY) { key label count }
    county: activeEntries(groupBy: COUNTY) { key label count }
    listType: activeEntries(groupBy: LIST_TYPE) { key label count }
    domain: activeEntries(groupBy: DOMAIN) { key label count }
    blacklistByCounty: activeEntries(groupBy: COUNTY, listType: BLACKLIST) { key label count }
    recordsByMonth(from: $from, to: $to) { month count }
    serious: recordsByMonth(from: $from, to: $to, categories: [COURT_DEFAULTER, ABNORMAL_OPERATION],
                            severities: [SERIOUS]) { month count }
    pushStats { total answered pending overdue withdrawn feedbackRate medianDaysToAnswer
                byUnit { unit { uscc name } total answered pending overdue feedbackRate } }
    repairStats(from: $from, to: $to) { applied accepted rejected pending medianDaysToDecide }
  }
}
"""


@pytest.mark.parametrize("region", [None, "32", "3205", "320505", "11", "44"])
async def test_every_field_is_exact_on_every_day(world, region) -> None:
    start, end = date(2021, 3, 15), date(2026, 8, 20)
    for day in DAYS:
        got = (await data(world.graph, EVERYTHING, region=region, asOf=day.isoformat(), **{
            "from": start.isoformat(), "to": end.isoformat()}))["dashboard"]
        assert got["regionCode"] == region and got["asOf"] == day.isoformat()
        for alias, group_by, list_type in (("province", "PROVINCE", None), ("city", "CITY", None),
                                           ("county", "COUNTY", None), ("listType", "LIST_TYPE", None),
                                           ("domain", "DOMAIN", None), ("blacklistByCounty", "COUNTY", "BLACKLIST")):
            assert got[alias] == expected_buckets(world, region, day, group_by, list_type), (alias, day)
        assert got["recordsByMonth"] == expected_months(world, region, day, start, end), day
        assert got["serious"] == expected_months(world, region, day, start, end,
                                                 ["COURT_DEFAULTER", "ABNORMAL_OPERATION"], ["SERIOUS"]), day
        assert got["pushStats"] == expected_pushes(world, region, day), day
        assert got["repairStats"] == expected_repairs(world, region, day, start, end), day


async def test_the_whole_country_counts_subjects_without_a_region_except_by_region(world) -> None:
    # The passport holder's entries count by list type and domain, not in any division.
    day = date(2026, 12, 31)
    got = (await data(world.graph, """query($d: Date) { dashboard(asOf: $d) {
        types: activeEntries(groupBy: LIST_TYPE) { count } counties: activeEntries(groupBy: COUNTY) { count } } }""",
                      d=day.isoformat()))["dashboard"]
    passport = sum(1 for e in world.entries if e["subject"].region is None
                   and rules.entry_active(day, e["listedOn"], e["validUntil"], e["removedOn"]))
    assert passport > 0
    assert sum(b["count"] for b in got["types"]) == sum(b["count"] for b in got["counties"]) + passport


async def test_labels_are_the_division_names(world) -> None:
    got = (await data(world.graph, '{ dashboard(regionCode: "3205", asOf: "2026-12-31") { '
                                   'city: activeEntries(groupBy: CITY) { key label } '
                                   'province: activeEntries(groupBy: PROVINCE) { key label } } }'))["dashboard"]
    assert got["city"] == [{"key": "320500", "label": "江苏省苏州市"}]
    assert got["province"] == [{"key": "320000", "label": "江苏省"}]


async def test_one_query_per_field_and_one_for_all_groupings(world) -> None:
    result, stats = await execute(world.graph, """{ dashboard(regionCode: "32", asOf: "2025-03-15") {
        a: activeEntries(groupBy: PROVINCE) { count } b: activeEntries(groupBy: DOMAIN) { count }
        c: activeEntries(groupBy: COUNTY, listType: REDLIST) { count }
        pushStats { total } } }""")
    assert result.errors is None
    assert sorted(stats.queries) == ["dashboard_entries_region", "dashboard_pushes_region"]
    result, stats = await execute(world.graph, """{ dashboard(asOf: "2025-03-15") {
        a: activeEntries(groupBy: DOMAIN) { count } b: activeEntries(groupBy: LIST_TYPE) { count }
        recordsByMonth(from: "2024-01-01", to: "2024-12-31") { count }
        repairStats(from: "2024-01-01", to: "2024-12-31") { applied } } }""")
    assert result.errors is None
    assert sorted(stats.queries) == ["dashboard_entries_national", "dashboard_records_national",
                                     "dashboard_repairs_national"]


async def test_a_removal_counts_from_its_day_on_and_not_before(world) -> None:
    entry = next(e for e in world.entries if e["removedOn"] is None and e["subject"].region
                 and rules.entry_active(date(2026, 6, 30), e["listedOn"], e["validUntil"], None))
    removed = date(2026, 6, 30)
    query = 'query($d: Date) { dashboard(asOf: $d) { activeEntries(groupBy: LIST_TYPE) { key count } } }'
    before = {b["key"]: b["count"]
              for b in (await data(world.graph, query, d="2026-06-29"))["dashboard"]["activeEntries"]}
    on_day = {b["key"]: b["count"]
              for b in (await data(world.graph, query, d="2026-06-30"))["dashboard"]["activeEntries"]}
    await world.graph.driver.execute_query("MATCH (e:ListEntry {entryId: $id}) SET e.removedOn = $day",
                                           id=entry["entryId"], day=removed)
    entry["removedOn"] = removed
    after_before = {b["key"]: b["count"]
                    for b in (await data(world.graph, query, d="2026-06-29"))["dashboard"]["activeEntries"]}
    after_on_day = {b["key"]: b["count"]
                    for b in (await data(world.graph, query, d="2026-06-30"))["dashboard"]["activeEntries"]}
    assert after_before == before
    assert after_on_day[entry["listType"]] == on_day[entry["listType"]] - 1


# ---- who may ask, and for which region ----

def dashboard_key(region: str | None = None) -> Principal:
    return Principal(Role.DASHBOARD, credential_id="test-dashboard", name="苏州市信用办", region=region)


REGION_ONLY = 'query($r: String) { dashboard(regionCode: $r, asOf: "2025-03-15") { regionCode ' \
              'activeEntries(groupBy: COUNTY) { key label count } } }'


async def test_a_dashboard_key_sees_its_region_and_its_parts(world) -> None:
    suzhou = dashboard_key("3205")
    own = (await data(world.graph, REGION_ONLY, suzhou))["dashboard"]
    assert own["regionCode"] == "3205"
    assert own["activeEntries"] == expected_buckets(world, "3205", date(2025, 3, 15), "COUNTY", None)
    part = (await data(world.graph, REGION_ONLY, suzhou, r="320505"))["dashboard"]
    assert part["regionCode"] == "320505"
    # The same region written as a 6-digit city code.
    assert (await data(world.graph, REGION_ONLY, suzhou, r="320500"))["dashboard"]["regionCode"] == "3205"
    for wider in ("32", "3202", "11", "320200"):
        result, _ = await execute(world.graph, REGION_ONLY, suzhou, r=wider)
        assert result.data is None
        assert result.errors[0].extensions["code"] == "FORBIDDEN"
        assert "3205" in result.errors[0].message


async def test_a_dashboard_key_without_region_and_admin_see_the_country(world) -> None:
    for who in (dashboard_key(None), ADMIN, Principal(Role.AUTHORITY, credential_id="a", agency_name="测试局",
                                                      agency_uscc=UNITS[0][0])):
        got = (await data(world.graph, REGION_ONLY, who))["dashboard"]
        assert got["regionCode"] is None
        assert got["activeEntries"] == expected_buckets(world, None, date(2025, 3, 15), "COUNTY", None)


async def test_an_authority_with_a_region_is_bounded_by_it(world) -> None:
    authority = Principal(Role.AUTHORITY, credential_id="a", agency_name="测试局", agency_uscc=UNITS[0][0],
                          region="32")
    assert (await data(world.graph, REGION_ONLY, authority))["dashboard"]["regionCode"] == "32"
    result, _ = await execute(world.graph, REGION_ONLY, authority, r="11")
    assert result.errors[0].extensions["code"] == "FORBIDDEN"


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.UNIT, Role.INVESTIGATOR, Role.SUBJECT])
async def test_other_roles_may_not_use_dashboards(graph, role) -> None:
    who = Principal(role, credential_id="x", agency_name="测试局", agency_uscc=UNITS[0][0],
                    subject_kind="ORGANISATION", subject_id="91440300MA0CF0A11H", subject_key="91440300MA0CF0A11H")
    result, stats = await execute(graph, '{ dashboard { pushStats { total } } }', who)
    assert result.data is None
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
    assert "AUTHORITY, DASHBOARD or ADMIN" in result.errors[0].message
    assert stats.queries == []


# ---- bad input ----

@pytest.mark.parametrize("region, words", [
    ("999999", "not a division"), ("3299", "not a division"), ("99", "not a division"),
    ("320", "2, 4 or 6 digits"), ("32a5", "2, 4 or 6 digits"), ("３２", "2, 4 or 6 digits"), ("", "2, 4 or 6 digits"),
])
async def test_unknown_or_malformed_regions_are_refused(graph, region, words) -> None:
    result, stats = await execute(graph, 'query($r: String) { dashboard(regionCode: $r) { regionCode } }', r=region)
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert words in result.errors[0].message
    assert stats.queries == []


@pytest.mark.parametrize("field", ["recordsByMonth(from: $from, to: $to) { count }",
                                   "repairStats(from: $from, to: $to) { applied }"])
@pytest.mark.parametrize("start, end, words", [
    ("2024-05-02", "2024-05-01", "after to"), ("2016-01-01", "2026-01-01", "spans 121 months"),
])
async def test_bad_periods_are_refused(graph, field, start, end, words) -> None:
    query = 'query($from: Date!, $to: Date!) { dashboard { %s } }' % field
    result, stats = await execute(graph, query, **{"from": start, "to": end})
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert words in result.errors[0].message
    assert stats.queries == []


async def test_one_hundred_and_twenty_months_are_fine(world) -> None:
    got = (await data(world.graph, '{ dashboard(asOf: "2026-12-31") { '
                                   'recordsByMonth(from: "2016-01-01", to: "2025-12-31") { month count } } }'))
    months = got["dashboard"]["recordsByMonth"]
    assert len(months) == 120 and months[0]["month"] == "2016-01" and months[-1]["month"] == "2025-12"
    assert months == expected_months(world, None, date(2026, 12, 31), date(2016, 1, 1), date(2025, 12, 31))


async def test_a_bad_date_is_refused(graph) -> None:
    messages = await errors(graph, '{ dashboard(asOf: "2024-02-30") { regionCode } }')
    assert "no such day" in messages[0]


# ---- over HTTP, with a real key ----

async def test_over_http_with_a_dashboard_key(world) -> None:
    _, token = await make_key(world.graph, "DASHBOARD", region="3205")
    _, unit = await make_key(world.graph, "UNIT", agency_name="测试局", agency_uscc=UNITS[0][0])
    with TestClient(create_app()) as client:
        ok = client.post("/graphql", headers=bearer(token), json={"query": REGION_ONLY})
        assert ok.status_code == 200
        assert ok.json()["data"]["dashboard"]["activeEntries"] == expected_buckets(
            world, "3205", date(2025, 3, 15), "COUNTY", None)
        wide = client.post("/graphql", headers=bearer(token), json={"query": REGION_ONLY, "variables": {"r": "32"}})
        assert wide.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        refused = client.post("/graphql", headers=bearer(unit), json={"query": REGION_ONLY})
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# ---- exact through the mutations: a recount of the raw graph after initiateListing, giveFeedback, removeListing ----

RAW = """
MATCH (s)-[:LIST_ENTRY]->(e:ListEntry)
RETURN e.listType AS listType, e.listedOn AS listedOn, e.validUntil AS validUntil, e.removedOn AS removedOn,
       coalesce(s.regionCode, CASE WHEN s.idType = 'RESIDENT_ID' THEN left(s.idNumber, 6) END) AS region,
       [(e)-[:PUSH]->(p) | p {.pushedOn, .dueOn, .withdrawnOn, .unitUscc,
                              actedOn: CASE WHEN p.answeredAt IS NOT NULL THEN p.actedOn END}] AS pushes
"""
MUTATED = """query($d: Date) { dashboard(asOf: $d) {
  types: activeEntries(groupBy: LIST_TYPE) { key count } counties: activeEntries(groupBy: COUNTY) { key count }
  pushStats { total answered pending overdue withdrawn feedbackRate medianDaysToAnswer
              byUnit { unit { uscc } total answered pending overdue feedbackRate } } } }"""


async def recount(graph, day: date) -> dict:
    """The dashboard's numbers counted here from the raw graph, whoever wrote it, with the rules of the files."""
    rows = [r.data() for r in (await graph.driver.execute_query(RAW)).records]
    types, counties = Counter(), Counter()
    for r in rows:
        if rules.entry_active(day, r["listedOn"].to_native(), r["validUntil"] and r["validUntil"].to_native(),
                              r["removedOn"] and r["removedOn"].to_native()):
            types[r["listType"]] += 1
            counties[r["region"]] += 1
    pushes = [{k: (v.to_native() if hasattr(v, "to_native") else v) for k, v in p.items()}
              for r in rows for p in r["pushes"]]
    pushes = [p for p in pushes if p["pushedOn"] <= day]
    whole = _push_numbers(pushes, day)
    units: dict = {}
    for p in pushes:
        units.setdefault(p["unitUscc"], []).append(p)
    whole["byUnit"] = sorted(({"unit": {"uscc": u}, **{k: v for k, v in _push_numbers(mine, day).items()
                                                         if k in ("total", "answered", "pending", "overdue",
                                                                  "feedbackRate")}}
                              for u, mine in units.items()), key=lambda u: (-u["total"], u["unit"]["uscc"] or ""))
    order = lambda c: [{"key": k, "count": n} for k, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]  # noqa: E731
    return {"types": order(types), "counties": order(counties), "pushStats": whole}


async def test_exact_through_listing_feedback_and_removal(graph, tmp_path) -> None:
    from tests import loop_world as w
    from tests.test_loop import ANSWER, LIST, REMOVE

    await w.load(graph, tmp_path, entries=True, import_day=today() - timedelta(days=40))
    listed = today() - timedelta(days=10)
    days = [today() - timedelta(days=n) for n in (41, 40, 11, 10, 1)] + [today(), today() + timedelta(days=30)]

    async def check() -> None:
        for day in days:
            got = (await data(graph, MUTATED, d=day.isoformat()))["dashboard"]
            assert got == await recount(graph, day), day

    await check()
    made = (await data(graph, LIST, w.AUTHORITY, input={
        "idempotencyKey": "dash-1", "subject": {"uscc": w.A}, "listType": "BLACKLIST", "domain": "税收",
        "listedOn": listed.isoformat(), "reason": "严重失信", "basedOnRecordId": "R1"}))["initiateListing"]
    assert len(made["pushes"]) == 3
    await check()
    push = next(p for p in made["pushes"] if p["unit"]["uscc"] == w.U1)
    await data(graph, ANSWER, w.UNIT1, input={"idempotencyKey": "dash-2", "pushId": push["pushId"],
                                              "outcome": "APPLIED", "actedOn": today().isoformat()})
    await check()
    await data(graph, REMOVE, w.AUTHORITY, input={"idempotencyKey": "dash-3", "entryId": made["entry"]["entryId"],
                                                  "removedOn": today().isoformat(), "reason": "信用修复"})
    await check()
    got = (await data(graph, MUTATED, d=today().isoformat()))["dashboard"]["pushStats"]
    assert got["withdrawn"] >= 3 and got["answered"] >= 1
