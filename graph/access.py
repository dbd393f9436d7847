"""Data access for the API: named queries in, plain dataclasses out, one query per batch of keys.

A subject is addressed by a `SubjectKey`: ("ORGANISATION", uscc) or ("PERSON", pid).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeAlias, TypeVar

from neo4j.exceptions import ClientError as Neo4jClientError

import queries
from graph import rules
from graph.risk import AnsweredEntry, AnsweredRecord, LeaderFlag, RiskEntry, RiskEvent, RiskInputs, RiskRecord
from graph.store.driver import Graph

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

SubjectKey: TypeAlias = tuple[str, str]
Row = TypeVar("Row", bound="DataclassInstance")
Item = TypeVar("Item")


def build(cls: type[Row], props: Mapping[str, Any]) -> Row:
    """A row dataclass from a node's or map's properties (camelCase, as stored) to its fields (snake_case, the
    same words); unknown keys are ignored."""
    names = {f.name for f in fields(cls)}
    values = {python_name(k): v for k, v in props.items()}
    return cls(**{k: v for k, v in values.items() if k in names})


@cache
def python_name(property_name: str) -> str:
    """`decidedOn` → `decided_on`: a Neo4j property's name as a Python field's."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", property_name).lower()


def build_optional(cls: type[Row], props: Mapping[str, Any] | None) -> Row | None:
    """As `build`, for what an OPTIONAL MATCH may not have found: None stays None."""
    return None if props is None else build(cls, props)


# The rows' fields are the Neo4j properties they hold, in Python's spelling (`decided_on` for `decidedOn`), here
# and in graph/loop.py, graph/repair.py and graph/audit.py: `build` converts the names, with no mapping table.
@dataclass(frozen=True)
class OrganisationRow:
    uscc: str
    name: str
    uscc_checksum_valid: bool = True
    legal_form: str | None = None
    region_code: str | None = None
    status: str | None = None
    established_on: date | None = None
    address: str | None = None

    @property
    def key(self) -> SubjectKey:
        return ("ORGANISATION", self.uscc)


@dataclass(frozen=True)
class PersonRow:
    pid: str
    name: str
    id_type: str = "RESIDENT_ID"
    id_number: str = ""

    @property
    def key(self) -> SubjectKey:
        return ("PERSON", self.pid)


def subject_row(kind: str, props: Mapping[str, Any]) -> OrganisationRow | PersonRow:
    return build(PersonRow, props) if kind == "PERSON" else build(OrganisationRow, props)


@dataclass(frozen=True)
class RoleRow:
    role: str
    title: str | None
    start_on: date | None
    end_on: date | None
    person: PersonRow
    org: OrganisationRow

    def in_force(self, day: date) -> bool:
        return rules.in_force(day, self.start_on, self.end_on)


@dataclass(frozen=True)
class HoldingRow:
    side: str  # SHAREHOLDER (someone holds the organisation) or INVESTMENT (the organisation holds another)
    percent: float | None
    start_on: date | None
    end_on: date | None
    holder: OrganisationRow | PersonRow
    org: OrganisationRow

    def in_force(self, day: date) -> bool:
        return rules.in_force(day, self.start_on, self.end_on)


@dataclass(frozen=True)
class RecordRow:
    record_id: str
    category: str
    severity: str
    decided_on: date
    status: str | None = None
    document_no: str | None = None
    violation_type: str | None = None
    facts: str | None = None
    legal_basis: str | None = None
    penalty_types: list[str] = field(default_factory=list)
    content: str | None = None
    fine_yuan: float | None = None
    confiscated_yuan: float | None = None
    public_until: date | None = None
    public_until_basis: str | None = None
    repaired_on: date | None = None
    revoked_on: date | None = None
    authority_name: str | None = None
    authority_uscc: str | None = None
    source_name: str | None = None
    source_uscc: str | None = None
    subject_kind: str = "ORGANISATION"
    subject_id: str = ""


@dataclass(frozen=True)
class EntryRow:
    entry_id: str
    list_type: str
    domain: str
    listed_on: date
    valid_until: date | None = None
    valid_until_basis: str | None = None
    removed_on: date | None = None
    reason: str | None = None
    authority_name: str | None = None
    authority_uscc: str | None = None
    record_id: str | None = None
    subject_kind: str = "ORGANISATION"
    subject_id: str = ""


@dataclass(frozen=True)
class MeasureRow:
    code: str
    name: str
    list_type: str
    domain: str | None = None
    tier: str | None = None
    legal_basis: str | None = None
    implementer_name: str | None = None
    implementer_uscc: str | None = None

    def triggered_by(self, entry: EntryRow) -> bool:
        return self.list_type == entry.list_type and (not self.domain or self.domain == entry.domain)


class RecordWithSubject(NamedTuple):
    """A record found by its id, as of a day (its `status` then), and whose record it is."""

    record: RecordRow
    subject: OrganisationRow | PersonRow


class EntryWithSubject(NamedTuple):
    """A list entry found by its id, and whose entry it is."""

    entry: EntryRow
    subject: OrganisationRow | PersonRow


class NamedPerson(NamedTuple):
    person: PersonRow
    liability: str | None  # as the record gives it, e.g. 主管人员


class Leader(NamedTuple):
    person: PersonRow
    role: str  # LEGAL_REPRESENTATIVE or PRINCIPAL, on the record's decision date


@dataclass(frozen=True)
class RecordPeople:
    org: OrganisationRow | None
    responsible: list[NamedPerson]
    leaders: list[Leader]


class AccountableRecord(NamedTuple):
    """A record a person answers for (measure 八), the organisation it is of, and on which basis."""

    record: RecordRow
    org: OrganisationRow | None
    basis: str  # LEGAL_REPRESENTATIVE, PRINCIPAL or NAMED_RESPONSIBLE


@dataclass(frozen=True)
class Page(Generic[Item]):
    total: int
    items: list[Item]
    people: dict[str, RecordPeople] = field(default_factory=dict)  # by recordId, when the page query had them


# Where a records page starts after: (decidedOn, recordId), with the basis in accountability pages.
RecordCursor: TypeAlias = tuple[date, str] | tuple[date, str, str]


@dataclass(frozen=True)
class RecordQuery:
    """What a records page is asked for, besides the subject (hashable: it groups loader keys)."""

    as_of: date
    statuses: tuple[str, ...]
    # An AUTHORITY sees the records it decided in the archive view: these statuses, for those records.
    own_statuses: tuple[str, ...] = ()
    archive_authority: str | None = None
    categories: tuple[str, ...] | None = None
    severities: tuple[str, ...] | None = None
    decided_from: date | None = None
    decided_to: date | None = None
    first: int = 20
    after: RecordCursor | None = None  # the cursor's sort key

    def params(self) -> dict[str, Any]:
        after = self.after
        return {"asOf": self.as_of, "statuses": list(self.statuses), "ownStatuses": list(self.own_statuses),
                "archiveAuthority": self.archive_authority,
                "categories": list(self.categories) if self.categories else None,
                "severities": list(self.severities) if self.severities else None,
                "decidedFrom": self.decided_from, "decidedTo": self.decided_to, "limit": self.first + 1,
                "afterDate": after[0] if after else None, "afterId": after[1] if after else None,
                "afterBasis": after[2] if after is not None and len(after) == 3 else None}


def subject_param(key: SubjectKey) -> dict[str, str | None]:
    return {"uscc": key[1] if key[0] == "ORGANISATION" else None, "pid": key[1] if key[0] == "PERSON" else None}


def _param_key(param: Mapping[str, Any]) -> SubjectKey:
    return ("ORGANISATION", param["uscc"]) if param["uscc"] is not None else ("PERSON", param["pid"])


async def organisations(graph: Graph, usccs: list[str]) -> list[OrganisationRow | None]:
    rows = (await graph.run(queries.get("organisation_by_uscc"), usccs=usccs))[0]["orgs"]
    found = {org["uscc"]: build(OrganisationRow, org) for org in rows}
    return [found.get(uscc) for uscc in usccs]


async def persons_by_pid(graph: Graph, pids: list[str]) -> list[PersonRow | None]:
    rows = await graph.run(queries.get("persons_by_pid"), pids=pids)
    found = {row["person"]["pid"]: build(PersonRow, row["person"]) for row in rows}
    return [found.get(pid) for pid in pids]


async def persons_by_id_number(graph: Graph, numbers: list[str]) -> list[PersonRow | None]:
    rows = await graph.run(queries.get("persons_by_id_number"), numbers=numbers)
    found = {row["number"]: build(PersonRow, row["person"]) for row in rows}
    return [found.get(number) for number in numbers]


async def roles(graph: Graph, kind: str, keys: list[str]) -> list[list[RoleRow]]:
    """All roles (every date) in organisations (kind ORGANISATION, by USCC) or of persons (PERSON, by pid)."""
    if kind == "ORGANISATION":
        rows = await graph.run(queries.get("roles_of_organisations"), usccs=keys)
    else:
        rows = await graph.run(queries.get("roles_of_persons"), pids=keys)
    grouped: dict[str, list[RoleRow]] = {key: [] for key in keys}
    for row in rows:
        grouped[row["key"]].append(RoleRow(row["role"], row["title"], row["startOn"], row["endOn"],
                                           build(PersonRow, row["person"]), build(OrganisationRow, row["org"])))
    return [grouped[key] for key in keys]


async def holdings(graph: Graph, usccs: list[str]) -> list[list[HoldingRow]]:
    rows = await graph.run(queries.get("shareholdings_of_organisations"), usccs=usccs)
    grouped: dict[str, list[HoldingRow]] = {key: [] for key in usccs}
    for row in rows:
        grouped[row["key"]].append(HoldingRow(row["side"], row["percent"], row["startOn"], row["endOn"],
                                              subject_row(row["holderKind"], row["holder"]),
                                              build(OrganisationRow, row["org"])))
    return [grouped[key] for key in usccs]


async def records_pages(graph: Graph, query: RecordQuery, keys: list[SubjectKey]) -> list[Page[RecordRow]]:
    rows = await graph.run(queries.get("records_page"), subjects=[subject_param(k) for k in keys], **query.params())
    found = {}
    for row in rows:
        org = build_optional(OrganisationRow, row["org"])
        people = {r["recordId"]: _record_people(org, r["responsible"], r["leaders"]) for r in row["page"]}
        found[_param_key(row["key"])] = Page(row["total"], [build(RecordRow, r) for r in row["page"]], people)
    return [found.get(key, Page(0, [])) for key in keys]


def _record_people(org: OrganisationRow | None, responsible: list[dict[str, Any]],
                   leaders: list[dict[str, Any]]) -> RecordPeople:
    return RecordPeople(org, [NamedPerson(build(PersonRow, p), p.get("liability")) for p in responsible],
                        [Leader(build(PersonRow, p), p["role"]) for p in leaders])


async def accountable_pages(graph: Graph, query: RecordQuery, pids: list[str]) -> list[Page[AccountableRecord]]:
    rows = await graph.run(queries.get("accountable_records_page"), pids=pids, **query.params())
    found = {
        row["key"]: Page(row["total"], [AccountableRecord(build(RecordRow, x["record"]),
                                                          build_optional(OrganisationRow, x["org"]), x["basis"])
                                        for x in row["page"]])
        for row in rows
    }
    return [found.get(pid, Page(0, [])) for pid in pids]


async def records_by_id(graph: Graph, as_of: date, record_ids: list[str]) -> list[RecordWithSubject | None]:
    rows = await graph.run(queries.get("records_by_id"), recordIds=record_ids, asOf=as_of)
    found = {row["record"]["recordId"]: RecordWithSubject(build(RecordRow, row["record"]),
                                                          subject_row(row["subjectKind"], row["subject"]))
             for row in rows}
    return [found.get(rid) for rid in record_ids]


async def record_people(graph: Graph, record_ids: list[str]) -> list[RecordPeople]:
    rows = await graph.run(queries.get("record_people"), recordIds=record_ids)
    found = {row["key"]: _record_people(build_optional(OrganisationRow, row["org"]), row["responsible"],
                                        row["leaders"])
             for row in rows}
    return [found.get(rid, RecordPeople(None, [], [])) for rid in record_ids]


async def list_entries(graph: Graph, keys: list[SubjectKey]) -> list[list[EntryRow]]:
    rows = await graph.run(queries.get("list_entries_of_subjects"), subjects=[subject_param(k) for k in keys])
    grouped: dict[SubjectKey, list[EntryRow]] = {key: [] for key in keys}
    for row in rows:
        grouped[_param_key(row["key"])].append(build(EntryRow, row["entry"]))
    return [grouped[key] for key in keys]


async def entries_by_id(graph: Graph, entry_ids: list[str]) -> list[EntryWithSubject | None]:
    rows = await graph.run(queries.get("list_entries_by_id"), entryIds=entry_ids)
    found = {row["entry"]["entryId"]: EntryWithSubject(build(EntryRow, row["entry"]),
                                                       subject_row(row["subjectKind"], row["subject"]))
             for row in rows}
    return [found.get(eid) for eid in entry_ids]


async def measures(graph: Graph) -> list[MeasureRow]:
    return [build(MeasureRow, row["measure"]) for row in await graph.run(queries.get("all_measures"))]


async def risk_inputs(graph: Graph, as_of: date, keys: list[SubjectKey]) -> list[RiskInputs]:
    subjects = [subject_param(k) for k in keys]
    rows = (await graph.run(queries.get("risk_inputs"), subjects=subjects, asOf=as_of))[0]["rows"]
    found = {_param_key(row["key"]): _risk_inputs(row) for row in rows}
    return [found.get(key, RiskInputs()) for key in keys]


def _risk_inputs(row: Mapping[str, Any]) -> RiskInputs:
    return RiskInputs(
        records=tuple(_risk_record(r) for r in row["records"]),
        entries=tuple(_risk_entry(e) for e in row["entries"]),
        events=tuple(RiskEvent(event_id=ev["eventId"], event_type=ev["eventType"], occurred_on=ev["occurredOn"],
                               due_on=ev["dueOn"], record_id=ev["recordId"], entry_id=ev["entryId"])
                     for ev in row["events"]),
        answered_records=tuple(AnsweredRecord(_risk_record(r), r["basis"], r["org"], r["orgUscc"])
                               for r in row["answeredRecords"]),
        answered_entries=tuple(AnsweredEntry(_risk_entry(e), e["basis"], e["org"], e["orgUscc"])
                               for e in row["answeredEntries"]),
    )


def _risk_record(r: Mapping[str, Any]) -> RiskRecord:
    return RiskRecord(record_id=r["recordId"], severity=r["severity"], category=r["category"],
                      decided_on=r["decidedOn"], public_until=r["publicUntil"])


def _risk_entry(e: Mapping[str, Any]) -> RiskEntry:
    return RiskEntry(entry_id=e["entryId"], list_type=e["listType"], domain=e["domain"], listed_on=e["listedOn"])


async def leader_flags(graph: Graph, as_of: date, usccs: list[str]) -> list[list[LeaderFlag]]:
    rows = (await graph.run(queries.get("screening_leader_flags"), usccs=usccs, asOf=as_of))[0]["rows"]
    grouped: dict[str, list[LeaderFlag]] = {key: [] for key in usccs}
    for row in rows:
        grouped[row["key"]].append(LeaderFlag(person=row["person"], role=row["role"], other_name=row["otherName"],
                                              other_uscc=row["otherUscc"], why=row["why"], refs=tuple(row["refs"])))
    return [grouped[key] for key in usccs]


class SearchRefused(ValueError):
    """Lucene refused the search text (it cannot parse it, or it makes too many clauses): the caller's input."""


# What Neo4j's full-text procedure says when Lucene refuses the query text, and what that means in plain words.
LUCENE_REFUSALS = {"org.apache.lucene.queryparser.": "it is not a query the index can parse",
                   "TooManyClauses": "it makes too many search terms"}


async def search(graph: Graph, text: str, kind: str | None, offset: int,
                 limit: int) -> tuple[int, list[tuple[OrganisationRow | PersonRow, float]]]:
    """One page of full-text hits (`text` is a Lucene query) and the total; SearchRefused when Lucene refuses it."""
    try:
        rows = await graph.run(queries.get("search_subjects"), text=text, kind=kind, offset=offset, limit=limit)
    except Neo4jClientError as exc:
        why = next((words for marker, words in LUCENE_REFUSALS.items() if marker in (exc.message or "")), None)
        if why is None:
            raise
        raise SearchRefused(why) from exc
    hits = [(subject_row(h["kind"], h["subject"]), h["score"]) for h in rows[0]["hits"]]
    return rows[0]["total"], hits
