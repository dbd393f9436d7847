"""Data access for the API: named queries in, plain dataclasses out, one query per batch of keys.

A subject is addressed by a `SubjectKey`: ("ORGANISATION", uscc) or ("PERSON", pid).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from neo4j.exceptions import ClientError as Neo4jClientError

import queries
from graph import rules
from graph.driver import Graph

SubjectKey = tuple[str, str]


def build(cls, props: dict | None):
    """A row dataclass from a property map (unknown keys ignored); None stays None."""
    if props is None:
        return None
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in props.items() if k in names})


@dataclass(frozen=True)
class OrganisationRow:
    uscc: str
    name: str
    usccChecksumValid: bool = True
    legalForm: str | None = None
    regionCode: str | None = None
    status: str | None = None
    establishedOn: date | None = None
    address: str | None = None

    @property
    def key(self) -> SubjectKey:
        return ("ORGANISATION", self.uscc)


@dataclass(frozen=True)
class PersonRow:
    pid: str
    name: str
    idType: str = "RESIDENT_ID"
    idNumber: str = ""

    @property
    def key(self) -> SubjectKey:
        return ("PERSON", self.pid)


def subject_row(kind: str, props: dict | None) -> OrganisationRow | PersonRow | None:
    return build(PersonRow if kind == "PERSON" else OrganisationRow, props)


@dataclass(frozen=True)
class RoleRow:
    role: str
    title: str | None
    startOn: date | None
    endOn: date | None
    person: PersonRow
    org: OrganisationRow

    def in_force(self, day: date) -> bool:
        return rules.in_force(day, self.startOn, self.endOn)


@dataclass(frozen=True)
class HoldingRow:
    side: str  # SHAREHOLDER (someone holds the organisation) or INVESTMENT (the organisation holds another)
    percent: float | None
    startOn: date | None
    endOn: date | None
    holder: OrganisationRow | PersonRow
    org: OrganisationRow

    def in_force(self, day: date) -> bool:
        return rules.in_force(day, self.startOn, self.endOn)


@dataclass(frozen=True)
class RecordRow:
    recordId: str
    category: str
    severity: str
    decidedOn: date
    status: str | None = None
    documentNo: str | None = None
    violationType: str | None = None
    facts: str | None = None
    legalBasis: str | None = None
    penaltyTypes: list[str] = field(default_factory=list)
    content: str | None = None
    fineYuan: float | None = None
    confiscatedYuan: float | None = None
    publicUntil: date | None = None
    publicUntilBasis: str | None = None
    repairedOn: date | None = None
    revokedOn: date | None = None
    authorityName: str | None = None
    authorityUscc: str | None = None
    sourceName: str | None = None
    sourceUscc: str | None = None
    subjectKind: str = "ORGANISATION"
    subjectId: str = ""


@dataclass(frozen=True)
class EntryRow:
    entryId: str
    listType: str
    domain: str
    listedOn: date
    validUntil: date | None = None
    validUntilBasis: str | None = None
    removedOn: date | None = None
    reason: str | None = None
    authorityName: str | None = None
    authorityUscc: str | None = None
    recordId: str | None = None
    subjectKind: str = "ORGANISATION"
    subjectId: str = ""


@dataclass(frozen=True)
class MeasureRow:
    code: str
    name: str
    listType: str
    domain: str | None = None
    tier: str | None = None
    legalBasis: str | None = None
    implementerName: str | None = None
    implementerUscc: str | None = None

    def triggered_by(self, entry: EntryRow) -> bool:
        return self.listType == entry.listType and (not self.domain or self.domain == entry.domain)


@dataclass(frozen=True)
class RecordPeople:
    org: OrganisationRow | None
    responsible: list[tuple[PersonRow, str | None]]  # (person, liability)
    leaders: list[tuple[PersonRow, str]]  # (person, LEGAL_REPRESENTATIVE | PRINCIPAL) on the decision date


@dataclass(frozen=True)
class Page:
    total: int
    items: list[Any]
    people: dict[str, "RecordPeople"] = field(default_factory=dict)  # by recordId, when the page query had them


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
    after: tuple | None = None  # the cursor's sort key

    def params(self) -> dict:
        after = self.after or (None, None, None)
        return {"asOf": self.as_of, "statuses": list(self.statuses), "ownStatuses": list(self.own_statuses),
                "archiveAuthority": self.archive_authority,
                "categories": list(self.categories) if self.categories else None,
                "severities": list(self.severities) if self.severities else None,
                "decidedFrom": self.decided_from, "decidedTo": self.decided_to, "limit": self.first + 1,
                "afterDate": after[0], "afterId": after[1], "afterBasis": after[2] if len(after) > 2 else None}


def subject_param(key: SubjectKey) -> dict:
    return {"uscc": key[1] if key[0] == "ORGANISATION" else None, "pid": key[1] if key[0] == "PERSON" else None}


def _param_key(param: dict) -> SubjectKey:
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


async def records_pages(graph: Graph, query: RecordQuery, keys: list[SubjectKey]) -> list[Page]:
    rows = await graph.run(queries.get("records_page"), subjects=[subject_param(k) for k in keys], **query.params())
    found = {}
    for row in rows:
        org = build(OrganisationRow, row["org"])
        people = {r["recordId"]: _record_people(org, r["responsible"], r["leaders"]) for r in row["page"]}
        found[_param_key(row["key"])] = Page(row["total"], [build(RecordRow, r) for r in row["page"]], people)
    return [found.get(key, Page(0, [])) for key in keys]


def _record_people(org: OrganisationRow | None, responsible: list[dict], leaders: list[dict]) -> "RecordPeople":
    return RecordPeople(org, [(build(PersonRow, p), p.get("liability")) for p in responsible],
                        [(build(PersonRow, p), p["role"]) for p in leaders])


async def accountable_pages(graph: Graph, query: RecordQuery, pids: list[str]) -> list[Page]:
    rows = await graph.run(queries.get("accountable_records_page"), pids=pids, **query.params())
    found = {
        row["key"]: Page(row["total"], [(build(RecordRow, x["record"]), build(OrganisationRow, x["org"]),
                                         x["basis"]) for x in row["page"]])
        for row in rows
    }
    return [found.get(pid, Page(0, [])) for pid in pids]


async def records_by_id(graph: Graph, as_of: date, record_ids: list[str]) -> list[tuple | None]:
    rows = await graph.run(queries.get("records_by_id"), recordIds=record_ids, asOf=as_of)
    found = {row["record"]["recordId"]: (build(RecordRow, row["record"]),
                                         subject_row(row["subjectKind"], row["subject"])) for row in rows}
    return [found.get(rid) for rid in record_ids]


async def record_people(graph: Graph, record_ids: list[str]) -> list[RecordPeople]:
    rows = await graph.run(queries.get("record_people"), recordIds=record_ids)
    found = {row["key"]: _record_people(build(OrganisationRow, row["org"]), row["responsible"], row["leaders"])
             for row in rows}
    return [found.get(rid, RecordPeople(None, [], [])) for rid in record_ids]


async def list_entries(graph: Graph, keys: list[SubjectKey]) -> list[list[EntryRow]]:
    rows = await graph.run(queries.get("list_entries_of_subjects"), subjects=[subject_param(k) for k in keys])
    grouped: dict[SubjectKey, list[EntryRow]] = {key: [] for key in keys}
    for row in rows:
        grouped[_param_key(row["key"])].append(build(EntryRow, row["entry"]))
    return [grouped[key] for key in keys]


async def entries_by_id(graph: Graph, entry_ids: list[str]) -> list[tuple | None]:
    rows = await graph.run(queries.get("list_entries_by_id"), entryIds=entry_ids)
    found = {row["entry"]["entryId"]: (build(EntryRow, row["entry"]),
                                       subject_row(row["subjectKind"], row["subject"])) for row in rows}
    return [found.get(eid) for eid in entry_ids]


async def measures(graph: Graph) -> list[MeasureRow]:
    return [build(MeasureRow, row["measure"]) for row in await graph.run(queries.get("all_measures"))]


async def risk_inputs(graph: Graph, as_of: date, keys: list[SubjectKey]) -> list[dict]:
    subjects = [subject_param(k) for k in keys]
    rows = (await graph.run(queries.get("risk_inputs"), subjects=subjects, asOf=as_of))[0]["rows"]
    found = {_param_key(row["key"]): row for row in rows}
    empty = {"records": [], "entries": [], "events": [], "answeredRecords": [], "answeredEntries": []}
    return [found.get(key, empty) for key in keys]


async def leader_flags(graph: Graph, as_of: date, usccs: list[str]) -> list[list[dict]]:
    rows = (await graph.run(queries.get("screening_leader_flags"), usccs=usccs, asOf=as_of))[0]["rows"]
    grouped: dict[str, list[dict]] = {key: [] for key in usccs}
    for row in rows:
        grouped[row["key"]].append(row)
    return [grouped[key] for key in usccs]


class SearchRefused(ValueError):
    """Lucene refused the search text (it cannot parse it, or it makes too many clauses): the caller's input."""


# What Neo4j's full-text procedure says when Lucene refuses the query text, and what that means in plain words.
LUCENE_REFUSALS = {"org.apache.lucene.queryparser.": "it is not a query the index can parse",
                   "TooManyClauses": "it makes too many search terms"}


async def search(graph: Graph, text: str, kind: str | None, offset: int, limit: int) -> tuple[int, list]:
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
