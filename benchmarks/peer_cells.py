"""The cells of `make bench-peer` (benchmarks/bench_peer.py): for each, our query, the peer's query (@neo4j/graphql
over the typeDefs of benchmarks/peer/server.mjs) and how both answers are brought to one comparable form.

The peer cannot compute a record's status, risk, measures, accountability on the decision date or masked ID
numbers. Where a cell asks for those, the peer's query fetches the raw data they are computed from, and the
comparison computes them from it with our own rules (graph.rules, graph.risk, MeasureRow.triggered_by,
mask_id_number): so the comparison checks both that the peer fetched enough and that our answer follows from the
data. What the peer filters in Cypher (records ACTIVE on the day, entries active, roles begun or in force) it
filters in its `where`. What each peer query fetches:

- credit file: the organisation's properties; its legal representatives begun by the day, with their role's dates
  and raw ID numbers; its principals begun by the day (for accountability); its ACTIVE records, newest first, 20,
  with their raw dates, authority and named persons; the count of its ACTIVE records; its active list entries;
  its ACTIVE GENERAL and SERIOUS records (risk), its rectification and interview events by the day (risk); the
  measure catalogue (a second top-level field: one Cypher statement each).
- lean credit file: the same without principals, risk records, events and the catalogue.
- hops: the organisation, its legal representatives in force, each one's roles in force of the three kinds (one
  connection per relationship type) with the role's dates, and each role's organisation with its first 10 ACTIVE
  records.
- screening: the organisations of the batch (`uscc: {in: $usccs}`, unordered), each with its active list entries,
  ACTIVE GENERAL and SERIOUS records, events by the day, its legal representatives and principals in force and,
  for each, every organisation they represent or lead (any dates) with that organisation's active BLACKLIST entries
  and ACTIVE SERIOUS records (the leader flags of measure 八); and the catalogue.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from benchmarks.bench_api import AS_OF, CREDIT_FILE, SCREEN
from graph import regions
from graph.access import EntryRow, MeasureRow
from graph.identifiers import mask_id_number
from graph.risk import RiskEntry, RiskEvent, RiskInputs, RiskRecord, assess
from graph.rules import in_force

DAY = date.fromisoformat(AS_OF)
PAGE = 20  # the credit file's records(first:)
HOP_PAGE = 10

# ---- our queries ----

# bench-api's credit file without risk, measures and accountable persons.
LEAN_FILE = """query($uscc: String!) { organisation(uscc: $uscc, asOf: "%s") {
  uscc name usccChecksumValid legalForm status region { code name }
  legalRepresentatives(includeHistory: true) { person { id name idNumberMasked } role title from to }
  records(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
    id recordId category severity status decidedOn publicUntil fineYuan documentNo
    authority { name uscc }
    responsiblePersons { id name idNumberMasked } } } }
  listEntries { id entryId listType domain listedOn validUntil active } } }""" % AS_OF
# org → its legal representatives → the organisations where they hold a role → their first 10 records.
HOPS = """query($uscc: String!) { organisation(uscc: $uscc, asOf: "%s") {
  uscc name
  legalRepresentatives { person { id name roles { role title from to organisation { uscc name
    records(first: 10) { edges { node { recordId category severity status decidedOn publicUntil } } } } } } } } }
""" % AS_OF

# ---- the peer's filters, passed as variables of the generated input types ----


def _null_or(field: str, op: str, day: str = AS_OF) -> dict[str, Any]:
    return {"OR": [{field: {"eq": None}}, {field: {op: day}}]}


# graph/rules.py record_status(...) == ACTIVE, entry_active, in_force; role begun = includeHistory.
ACTIVE_RECORD = {"decidedOn": {"lte": AS_OF}, "AND": [
    _null_or("revokedOn", "gt"), _null_or("repairedOn", "gt"), _null_or("publicUntil", "gte")]}
ACTIVE_ENTRY = {"listedOn": {"lte": AS_OF}, "AND": [_null_or("removedOn", "gt"), _null_or("validUntil", "gte")]}
BEGUN = _null_or("startOn", "lte")
IN_FORCE = {"AND": [BEGUN, _null_or("endOn", "gte")]}
RISK_RECORD = {"AND": [ACTIVE_RECORD, {"severity": {"in": ["SERIOUS", "GENERAL"]}}]}
RISK_EVENT = {"occurredOn": {"lte": AS_OF},
              "eventType": {"in": ["RECTIFICATION_ORDERED", "RECTIFICATION_DONE", "INTERVIEW_REFUSED"]}}
BLACKLISTED = {"AND": [ACTIVE_ENTRY, {"listType": {"eq": "BLACKLIST"}}]}
SERIOUS = {"AND": [ACTIVE_RECORD, {"severity": {"eq": "SERIOUS"}}]}

# ---- the peer's queries ----

_PERSON = "pid name idNumber"
_RECORD_PAGE = """records(where: $activeRecord, sort: [{decidedOn: DESC}, {recordId: DESC}], limit: %d) {
      recordId category severity decidedOn publicUntil fineYuan documentNo authorityName authorityUscc
      responsiblePersons { %s } }
    recordsConnection(where: {node: $activeRecord}) { totalCount }""" % (PAGE, _PERSON)
_FILE_COMMON = """uscc name usccChecksumValid legalForm status regionCode
    legalRepresentativesConnection(where: {edge: $begun}) { edges { properties { title startOn endOn }
      node { %s } } }
    %s
    listEntries(where: $activeEntry) { entryId listType domain listedOn validUntil }""" % (_PERSON, _RECORD_PAGE)
PEER_FILE = """query($uscc: String!, $activeRecord: RecordWhere!, $activeEntry: ListEntryWhere!, $begun: RoleWhere!,
      $riskRecord: RecordWhere!, $riskEvent: EventWhere!) {
  organisations(where: {uscc: {eq: $uscc}}) {
    %s
    principalsConnection(where: {edge: $begun}) { edges { properties { startOn endOn } node { %s } } }
    riskRecords: records(where: $riskRecord) { recordId severity category decidedOn publicUntil }
    events(where: $riskEvent) { eventId eventType occurredOn dueOn recordId entryId }
  }
  measures { code name listType domain }
}""" % (_FILE_COMMON, _PERSON)
PEER_LEAN_FILE = """query($uscc: String!, $activeRecord: RecordWhere!, $activeEntry: ListEntryWhere!,
      $begun: RoleWhere!) {
  organisations(where: {uscc: {eq: $uscc}}) {
    %s
  }
}""" % _FILE_COMMON
_HOP_ROLE = """%sConnection(where: {edge: $inForce}) { edges { properties { title startOn endOn } node { uscc name
          records(where: $activeRecord, sort: [{decidedOn: DESC}, {recordId: DESC}], limit: %d) {
            recordId category severity decidedOn publicUntil } } } }"""
PEER_HOPS = """query($uscc: String!, $inForce: RoleWhere!, $activeRecord: RecordWhere!) {
  organisations(where: {uscc: {eq: $uscc}}) {
    uscc name
    legalRepresentativesConnection(where: {edge: $inForce}) { edges { node { pid name
        %s
        %s
        %s } } }
  }
}""" % tuple(_HOP_ROLE % (kind, HOP_PAGE) for kind in ("legalRepresentativeOf", "principalOf", "executiveOf"))
PEER_SCREEN = """query($usccs: [String!]!, $activeEntry: ListEntryWhere!, $riskRecord: RecordWhere!,
      $riskEvent: EventWhere!, $inForce: RoleWhere!, $blacklisted: ListEntryWhere!, $serious: RecordWhere!) {
  organisations(where: {uscc: {in: $usccs}}) {
    uscc name usccChecksumValid
    listEntries(where: $activeEntry) { entryId listType domain listedOn }
    records(where: $riskRecord) { recordId severity category decidedOn publicUntil }
    events(where: $riskEvent) { eventId eventType occurredOn dueOn recordId entryId }
    legalRepresentativesConnection(where: {edge: $inForce}) { edges { node { ...Leader } } }
    principalsConnection(where: {edge: $inForce}) { edges { node { ...Leader } } }
  }
  measures { code name listType domain }
}
fragment Leader on Person {
  name
  legalRepresentativeOfConnection { edges { properties { startOn endOn } node { ...Led } } }
  principalOfConnection { edges { properties { startOn endOn } node { ...Led } } }
}
fragment Led on Organisation {
  uscc name listEntries(where: $blacklisted) { entryId listedOn } records(where: $serious) { recordId decidedOn }
}"""

# ---- one comparable form ----
# Each normaliser returns {part: value}; parts are compared one by one, so a mismatch says which part differs.
# Lists whose order is not defined (or not defined alike on both sides) are sorted.

Parts = dict[str, Any]


def _sorted(items: Any) -> list[Any]:
    """Sorted by their JSON text: one order for both sides, whatever nulls the items hold."""
    return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, default=str))


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _pid(node_id: str) -> str:
    decoded = base64.urlsafe_b64decode(node_id + "=" * (-len(node_id) % 4)).decode()
    return decoded.removeprefix("Person:")


def _ours_person(p: dict[str, Any]) -> tuple[Any, ...]:
    return (_pid(p["id"]), p["name"], p.get("idNumberMasked"))


def _peer_person(p: dict[str, Any], masked: bool = True) -> tuple[Any, ...]:
    return (p["pid"], p["name"], mask_id_number(p["idNumber"]) if masked else None)


def _agency(name: str | None, uscc: str | None) -> tuple[str, str | None] | None:
    return (name or uscc or "", uscc) if name or uscc else None  # api/types/common.py Agency.of


def _ours_org_head(o: dict[str, Any]) -> Parts:
    region = o["region"]
    return {"organisation": (o["uscc"], o["name"], o["usccChecksumValid"], o["legalForm"], o["status"],
                             (region["code"], region["name"]) if region else None),
            "legalRepresentatives": _sorted((_ours_person(h["person"]), h["role"], h["title"], h["from"], h["to"])
                                           for h in o["legalRepresentatives"])}


def _peer_org_head(o: dict[str, Any]) -> Parts:
    code = o["regionCode"]
    return {"organisation": (o["uscc"], o["name"], o["usccChecksumValid"], o["legalForm"], o["status"],
                             (code, regions.name(code)) if code else None),
            "legalRepresentatives": _sorted(
                (_peer_person(e["node"]), "LEGAL_REPRESENTATIVE", e["properties"]["title"],
                 e["properties"]["startOn"], e["properties"]["endOn"])
                for e in o["legalRepresentativesConnection"]["edges"])}


def _ours_record(n: dict[str, Any]) -> tuple[Any, ...]:
    authority = n["authority"]
    return (n["recordId"], n["category"], n["severity"], n["status"], n["decidedOn"], n["publicUntil"],
            n["fineYuan"], n["documentNo"], (authority["name"], authority["uscc"]) if authority else None,
            tuple(_sorted(_ours_person(p) for p in n["responsiblePersons"])))


def _peer_record(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r["recordId"], r["category"], r["severity"], "ACTIVE", r["decidedOn"], r["publicUntil"],
            r["fineYuan"], r["documentNo"], _agency(r["authorityName"], r["authorityUscc"]),
            tuple(_sorted(_peer_person(p) for p in r["responsiblePersons"])))


def ours_lean(data: dict[str, Any]) -> Parts:
    o = data["organisation"]
    if o is None:
        return {"organisation": None}
    records = o["records"]
    return {**_ours_org_head(o),
            "records": [_ours_record(e["node"]) for e in records["edges"]],
            "recordsTotal": (records["totalCount"], records["pageInfo"]["hasNextPage"]),
            "listEntries": _sorted((e["entryId"], e["listType"], e["domain"], e["listedOn"], e["validUntil"],
                                   e["active"]) for e in o["listEntries"])}


def peer_lean(data: dict[str, Any]) -> Parts:
    if not data["organisations"]:
        return {"organisation": None}
    o = data["organisations"][0]
    total = o["recordsConnection"]["totalCount"]
    return {**_peer_org_head(o),
            "records": [_peer_record(r) for r in o["records"]],
            "recordsTotal": (total, total > PAGE),
            "listEntries": _sorted((e["entryId"], e["listType"], e["domain"], e["listedOn"], e["validUntil"], True)
                                  for e in o["listEntries"])}


def ours_file(data: dict[str, Any]) -> Parts:
    parts = ours_lean(data)
    o = data["organisation"]
    if o is None:
        return parts
    parts["accountablePersons"] = [
        (e["node"]["recordId"], _sorted((a["basis"], _ours_person(a["person"]))
                                        for a in e["node"]["accountablePersons"]))
        for e in o["records"]["edges"]]
    parts["measures"] = _sorted((m["measure"]["code"], m["measure"]["name"], tuple(_sorted(t["entryId"] for t in
                               m["triggeredBy"]))) for m in o["measures"])
    parts["risk"] = (o["riskLevel"]["level"], _sorted(o["riskLevel"]["reasons"]))
    return parts


def _measures(catalogue: list[dict[str, Any]], entries: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    """(code, name, triggering entry ids) of each measure that active entries trigger (api/types/subject.py)."""
    rows = [EntryRow(entry_id=e["entryId"], list_type=e["listType"], domain=e["domain"],
                     listed_on=date.fromisoformat(e["listedOn"])) for e in entries]
    found = []
    for m in catalogue:
        measure = MeasureRow(code=m["code"], name=m["name"], list_type=m["listType"], domain=m["domain"])
        triggers = _sorted(e.entry_id for e in rows if measure.triggered_by(e))
        if triggers:
            found.append((m["code"], m["name"], triggers))
    return found


def _risk(o: dict[str, Any], records: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """graph/risk.py assess on the peer's raw data (an organisation: no measure-八 inputs of its own)."""
    inputs = RiskInputs(
        records=tuple(RiskRecord(r["recordId"], r["severity"], r["category"], date.fromisoformat(r["decidedOn"]),
                                 _d(r["publicUntil"])) for r in records),
        entries=tuple(RiskEntry(e["entryId"], e["listType"], e["domain"], date.fromisoformat(e["listedOn"]))
                      for e in o["listEntries"] if e["listType"] in ("BLACKLIST", "KEY_ATTENTION")),
        events=tuple(RiskEvent(v["eventId"], v["eventType"], date.fromisoformat(v["occurredOn"]), _d(v["dueOn"]),
                               v["recordId"], v["entryId"]) for v in o["events"]))
    result = assess(inputs, DAY)
    return result.level, _sorted(result.reasons)


def peer_file(data: dict[str, Any]) -> Parts:
    parts = peer_lean(data)
    if not data["organisations"]:
        return parts
    o = data["organisations"][0]
    leaders = [(e, "LEGAL_REPRESENTATIVE_AT_THE_TIME") for e in o["legalRepresentativesConnection"]["edges"]] + \
              [(e, "PRINCIPAL_AT_THE_TIME") for e in o["principalsConnection"]["edges"]]
    accountable = []
    for r in o["records"]:
        decided = date.fromisoformat(r["decidedOn"])
        found = [(basis, _peer_person(e["node"])) for e, basis in leaders
                 if in_force(decided, _d(e["properties"]["startOn"]), _d(e["properties"]["endOn"]))]
        found += [("NAMED_RESPONSIBLE", _peer_person(p)) for p in r["responsiblePersons"]]
        accountable.append((r["recordId"], _sorted(found)))
    parts["accountablePersons"] = accountable
    parts["measures"] = _sorted((c, n, tuple(ids)) for c, n, ids in _measures(data["measures"], o["listEntries"]))
    parts["risk"] = _risk(o, o["riskRecords"])
    return parts


def _hop_record(n: dict[str, Any], status: str | None = None) -> tuple[Any, ...]:
    return (n["recordId"], n["category"], n["severity"], status or n["status"], n["decidedOn"], n["publicUntil"])


def ours_hops(data: dict[str, Any]) -> Parts:
    o = data["organisation"]
    if o is None:
        return {"organisation": None}
    return {"organisation": (o["uscc"], o["name"]), "legalRepresentatives": _sorted(
        (_pid(h["person"]["id"]), h["person"]["name"], _sorted(
            (r["role"], r["title"], r["from"], r["to"], r["organisation"]["uscc"], r["organisation"]["name"],
             [_hop_record(e["node"]) for e in r["organisation"]["records"]["edges"]])
            for r in h["person"]["roles"]))
        for h in o["legalRepresentatives"])}


def peer_hops(data: dict[str, Any]) -> Parts:
    if not data["organisations"]:
        return {"organisation": None}
    o = data["organisations"][0]
    kinds = {"legalRepresentativeOf": "LEGAL_REPRESENTATIVE", "principalOf": "PRINCIPAL", "executiveOf": "EXECUTIVE"}
    return {"organisation": (o["uscc"], o["name"]), "legalRepresentatives": _sorted(
        (e["node"]["pid"], e["node"]["name"], _sorted(
            (role, r["properties"]["title"], r["properties"]["startOn"], r["properties"]["endOn"], r["node"]["uscc"],
             r["node"]["name"], [_hop_record(x, "ACTIVE") for x in r["node"]["records"]])
            for kind, role in kinds.items() for r in e["node"][kind + "Connection"]["edges"]))
        for e in o["legalRepresentativesConnection"]["edges"])}


_FLAG_REFS = re.compile(r"^(its .*): ([^:]*)$")


def _flag(text: str) -> str:
    """A leader flag's references come in no defined order (a Cypher collect): sort them."""
    m = _FLAG_REFS.match(text)
    return f"{m[1]}: {', '.join(_sorted(m[2].split(', ')))}" if m else text


def ours_screen(data: dict[str, Any]) -> dict[str, Parts]:
    """Per USCC (the peer's answer has no order): what a screening result says."""
    return {r["query"]: {"found": r["found"], "name": r["subject"]["name"] if r["subject"] else None,
                         "listEntries": _sorted((e["entryId"], e["listType"]) for e in r["activeListEntries"]),
                         "measures": _sorted(m["measure"]["code"] for m in r["measures"]),
                         "risk": (r["risk"]["level"], _sorted(r["risk"]["reasons"])) if r["risk"] else None,
                         "flags": _sorted(_flag(f) for f in r["flags"])}
            for r in data["screen"]}


ROLE_WORDS = {"LEGAL_REPRESENTATIVE": "legal representative", "PRINCIPAL": "principal"}


def _leader_flags(o: dict[str, Any]) -> list[str]:
    """queries/screening_leader_flags.cypher and api/types/screening.py on the peer's raw data."""
    flags = []
    for role, field in (("LEGAL_REPRESENTATIVE", "legalRepresentativesConnection"),
                        ("PRINCIPAL", "principalsConnection")):
        for edge in o[field]["edges"]:
            person = edge["node"]
            found: dict[tuple[str, str, str], list[str]] = {}
            for led in person["legalRepresentativeOfConnection"]["edges"] + person["principalOfConnection"]["edges"]:
                other, start, end = led["node"], _d(led["properties"]["startOn"]), _d(led["properties"]["endOn"])
                if other["uscc"] == o["uscc"]:
                    continue
                for e in other["listEntries"]:
                    if in_force(date.fromisoformat(e["listedOn"]), start, end):
                        found.setdefault(("BLACKLIST", other["uscc"], other["name"]), []).append(e["entryId"])
                for r in other["records"]:
                    if in_force(date.fromisoformat(r["decidedOn"]), start, end):
                        found.setdefault(("SERIOUS", other["uscc"], other["name"]), []).append(r["recordId"])
            for (why, uscc, name), refs in found.items():
                what = "an active BLACKLIST entry" if why == "BLACKLIST" else \
                    "a SERIOUS record in its publication period"
                flags.append(f"its {ROLE_WORDS[role]} {person['name']} answers (measure 八) for {what} of "
                             f"{name} ({uscc}): {', '.join(refs)}")
    return flags


def peer_screen(data: dict[str, Any]) -> dict[str, Parts]:
    found: dict[str, Parts] = {}
    for o in data["organisations"]:
        flags = [] if o["usccChecksumValid"] else ["the USCC's check character does not verify (kept as given)"]
        found[o["uscc"]] = {
            "found": True, "name": o["name"],
            "listEntries": _sorted((e["entryId"], e["listType"]) for e in o["listEntries"]),
            "measures": _sorted(c for c, _, _ in _measures(data["measures"], o["listEntries"])),
            "risk": _risk(o, o["records"]), "flags": _sorted(_flag(f) for f in flags + _leader_flags(o))}
    return found


# ---- the cells ----


@dataclass(frozen=True)
class Cell:
    name: str
    ours: str  # our query
    peer: str  # the peer's query
    peer_filters: dict[str, Any]  # the peer's filter variables
    ours_parts: Callable[[dict[str, Any]], Parts]
    peer_parts: Callable[[dict[str, Any]], Parts]

    def ours_body(self, uscc: str) -> dict[str, Any]:
        return {"query": self.ours, "variables": {"uscc": uscc}}

    def peer_body(self, uscc: str) -> dict[str, Any]:
        return {"query": self.peer, "variables": {"uscc": uscc, **self.peer_filters}}


_FILE_FILTERS = {"activeRecord": ACTIVE_RECORD, "activeEntry": ACTIVE_ENTRY, "begun": BEGUN}
CELLS = (
    Cell("credit file as in bench-api", CREDIT_FILE, PEER_FILE,
         {**_FILE_FILTERS, "riskRecord": RISK_RECORD, "riskEvent": RISK_EVENT}, ours_file, peer_file),
    Cell("without risk, measures, accountable", LEAN_FILE, PEER_LEAN_FILE, _FILE_FILTERS, ours_lean, peer_lean),
    Cell("org → legal reps → orgs → records(10)", HOPS, PEER_HOPS,
         {"inForce": IN_FORCE, "activeRecord": ACTIVE_RECORD}, ours_hops, peer_hops),
)


def screen_bodies(usccs: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Our screening of the batch and the peer's."""
    return ({"query": SCREEN, "variables": {"usccs": usccs}},
            {"query": PEER_SCREEN, "variables": {
                "usccs": usccs, "activeEntry": ACTIVE_ENTRY, "riskRecord": RISK_RECORD, "riskEvent": RISK_EVENT,
                "inForce": IN_FORCE, "blacklisted": BLACKLISTED, "serious": SERIOUS}})


def differences(ours: Parts, peer: Parts) -> list[str]:
    """The parts that differ."""
    return [part for part in sorted(set(ours) | set(peer)) if ours.get(part) != peer.get(part)]
