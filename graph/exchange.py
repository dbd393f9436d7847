"""The exchange format (spec/exchange-format.md) as data: per file its columns, key, and row validation.

`validate(spec, raw)` turns one CSV row into the parameters of the file's import query, or raises `RowError`
naming the column, the value and what to fix. Nothing here touches the database; references between files
(a record's subject, a role's person) are checked by the importer against the graph, batch by batch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from graph import rules
from graph.identifiers import IdentifierError, parse_resident_id, parse_uscc

SUBJECT_KINDS = ("ORGANISATION", "PERSON")
ID_TYPES = ("RESIDENT_ID", "PASSPORT", "OTHER")
ROLES = ("LEGAL_REPRESENTATIVE", "PRINCIPAL", "EXECUTIVE")
CATEGORIES = ("ADMIN_PENALTY", "COURT_DEFAULTER", "ABNORMAL_OPERATION", "SERIOUS_VIOLATION",
              "INSPECTION_FAILURE", "OTHER")
SEVERITIES = ("MINOR", "GENERAL", "SERIOUS")
LIST_TYPES = ("BLACKLIST", "KEY_ATTENTION", "REDLIST")
EVENT_TYPES = ("RECTIFICATION_ORDERED", "RECTIFICATION_DONE", "INTERVIEW_HELD", "INTERVIEW_REFUSED", "COMMITMENT",
               "TRAINING", "CREDIT_REPORT", "REPAIR_APPLIED", "REPAIR_GRANTED", "REPAIR_REFUSED", "OBJECTION_FILED",
               "OBJECTION_UPHELD", "OBJECTION_REJECTED", "PUNISHMENT_INITIATED", "PUNISHMENT_RESPONDED",
               "PUNISHMENT_FEEDBACK")
INTERVIEW_KINDS = ("REMINDER", "WARNING")
WAN = Decimal(10_000)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RowError(ValueError):
    def __init__(self, column: str, value: str, reason: str):
        super().__init__(f"{column}={value!r}: {reason}")
        self.column, self.value, self.reason = column, value, reason


# ---- cell parsers: (column, raw text) -> value; raise RowError ----

def text(col: str, raw: str) -> str:
    return raw.strip()


def day(col: str, raw: str) -> date:
    value = raw.strip()
    if not DATE_RE.match(value):
        raise RowError(col, raw, "write the date as YYYY-MM-DD, e.g. 2024-03-15")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RowError(col, raw, "this day does not exist in the calendar") from None


def enum(*allowed: str) -> Callable[[str, str], str]:
    def parse(col: str, raw: str) -> str:
        value = raw.strip().upper()
        if value not in allowed:
            raise RowError(col, raw, f"must be one of {', '.join(allowed)}")
        return value
    return parse


def wan_to_yuan(col: str, raw: str) -> float:
    try:
        amount = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        raise RowError(col, raw, "must be a number of 万元 (10,000 CNY), e.g. 1.5") from None
    if not amount.is_finite() or amount < 0:
        raise RowError(col, raw, "must be a number ≥ 0 (万元)")
    return float(amount * WAN)


def percent(col: str, raw: str) -> float:
    try:
        value = float(raw.strip().rstrip("%"))
    except ValueError:
        raise RowError(col, raw, "must be a number, 0 < percent ≤ 100") from None
    if not 0 < value <= 100:
        raise RowError(col, raw, "must be more than 0 and at most 100")
    return value


def positive(col: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise RowError(col, raw, "must be a number of class hours > 0") from None
    if not value > 0:
        raise RowError(col, raw, "must be more than 0")
    return value


def uscc(col: str, raw: str) -> str:
    try:
        return parse_uscc(raw).code
    except IdentifierError as exc:
        raise RowError(col, raw, f"not a USCC: {exc}") from None


def id_number(col: str, raw: str) -> str:
    value = raw.strip().upper()
    if not value or len(value) > 40 or not value.replace("-", "").isalnum():
        raise RowError(col, raw, "an ID number is letters and digits, at most 40 characters")
    return value


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str, str], Any] = text
    required: bool = False


@dataclass(frozen=True)
class FileSpec:
    file: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # whole-row rules after the cells are parsed: (row) -> None, raise RowError
    checks: tuple[Callable[[dict], None], ...] = ()
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _not_before(later: str, earlier: str) -> Callable[[dict], None]:
    def check(row: dict) -> None:
        if row.get(later) is not None and row.get(earlier) is not None and row[later] < row[earlier]:
            raise RowError(later, row[later].isoformat(), f"is before {earlier} ({row[earlier].isoformat()})")
    return check


def _subject_id(kind_col: str, id_col: str) -> Callable[[dict], None]:
    """A USCC when the subject is an organisation (normalised in place); an ID number otherwise."""
    def check(row: dict) -> None:
        if row[kind_col] == "ORGANISATION":
            row[id_col] = uscc(id_col, row[id_col])
    return check


def _resident_id_when_resident(row: dict) -> None:
    if row["id_type"] == "RESIDENT_ID":
        try:
            parse_resident_id(row["id_number"])
        except IdentifierError as exc:
            raise RowError("id_number", row["id_number"], f"not a valid resident ID number: {exc}") from None


def _interview_fields(row: dict) -> None:
    is_interview = row["event_type"] in ("INTERVIEW_HELD", "INTERVIEW_REFUSED")
    if row.get("interview_kind") and not is_interview:
        raise RowError("interview_kind", row["interview_kind"], "is only for INTERVIEW_HELD or INTERVIEW_REFUSED")
    if row.get("hours") is not None and row["event_type"] != "TRAINING":
        raise RowError("hours", str(row["hours"]), "is only for TRAINING events")


def _id_type_default(row: dict) -> None:
    row["id_type"] = row.get("id_type") or "RESIDENT_ID"


SUBJECT = (Column("subject_kind", enum(*SUBJECT_KINDS), True), Column("subject_id", text, True))
DATES = (Column("start_on", day), Column("end_on", day))

SPECS: tuple[FileSpec, ...] = (
    FileSpec("organisations.csv", ("uscc",), (
        Column("uscc", uscc, True), Column("name", text, True), Column("legal_form"),
        Column("region_code", lambda c, r: _digits(c, r, 6)), Column("established_on", day), Column("status"),
        Column("address"),
    )),
    FileSpec("persons.csv", ("id_type", "id_number"), (
        Column("id_type", enum(*ID_TYPES)), Column("id_number", id_number, True), Column("name", text, True),
    ), checks=(_id_type_default, _resident_id_when_resident)),
    FileSpec("roles.csv", ("id_number", "uscc", "role", "start_on"), (
        Column("id_number", id_number, True), Column("uscc", uscc, True), Column("role", enum(*ROLES), True),
        Column("title"), *DATES,
    ), checks=(_not_before("end_on", "start_on"),)),
    FileSpec("shareholdings.csv", ("holder_kind", "holder_id", "uscc", "start_on"), (
        Column("holder_kind", enum(*SUBJECT_KINDS), True), Column("holder_id", text, True),
        Column("uscc", uscc, True), Column("percent", percent), *DATES,
    ), checks=(_subject_id("holder_kind", "holder_id"), _not_before("end_on", "start_on"))),
    FileSpec("records.csv", ("record_id",), (
        Column("record_id", text, True), Column("category", enum(*CATEGORIES), True),
        Column("severity", enum(*SEVERITIES), True), *SUBJECT, Column("document_no"), Column("violation_type"),
        Column("facts"), Column("legal_basis"), Column("penalty_types"), Column("content"),
        Column("fine_wan", wan_to_yuan), Column("confiscated_wan", wan_to_yuan), Column("decided_on", day, True),
        Column("public_until", day), Column("repaired_on", day), Column("revoked_on", day),
        Column("authority_name"), Column("authority_uscc", uscc), Column("source_name"), Column("source_uscc", uscc),
    ), checks=(_subject_id("subject_kind", "subject_id"), _not_before("public_until", "decided_on"),
               _not_before("repaired_on", "decided_on"), _not_before("revoked_on", "decided_on"))),
    FileSpec("record_persons.csv", ("record_id", "id_number"), (
        Column("record_id", text, True), Column("id_number", id_number, True), Column("liability"),
    )),
    FileSpec("list_entries.csv", ("entry_id",), (
        Column("entry_id", text, True), Column("list_type", enum(*LIST_TYPES), True), Column("domain", text, True),
        *SUBJECT, Column("listed_on", day, True), Column("valid_until", day), Column("removed_on", day),
        Column("reason"), Column("authority_name"), Column("authority_uscc", uscc), Column("record_id"),
    ), checks=(_subject_id("subject_kind", "subject_id"), _not_before("valid_until", "listed_on"),
               _not_before("removed_on", "listed_on"))),
    FileSpec("measures.csv", ("measure_code",), (
        Column("measure_code", text, True), Column("name", text, True), Column("tier"), Column("legal_basis"),
        Column("list_type", enum(*LIST_TYPES), True), Column("domain"), Column("implementer_name"),
        Column("implementer_uscc", uscc),
    )),
    FileSpec("events.csv", ("event_id",), (
        Column("event_id", text, True), Column("event_type", enum(*EVENT_TYPES), True), *SUBJECT,
        Column("occurred_on", day, True), Column("due_on", day), Column("record_id"), Column("entry_id"),
        Column("measure_code"), Column("interview_kind", enum(*INTERVIEW_KINDS)), Column("hours", positive),
        Column("agency_name"), Column("agency_uscc", uscc), Column("details"),
    ), checks=(_subject_id("subject_kind", "subject_id"), _interview_fields)),
)
BY_FILE = {spec.file: spec for spec in SPECS}


def _digits(col: str, raw: str, n: int) -> str:
    value = raw.strip()
    if len(value) != n or not value.isdigit():
        raise RowError(col, raw, f"must be {n} digits (a GB/T 2260 division code)")
    return value


def validate(spec: FileSpec, raw: dict[str, str]) -> dict[str, Any]:
    """One CSV row (column -> text) to typed values; empty cells are None. Raises RowError."""
    row: dict[str, Any] = {}
    for column in spec.columns:
        cell = raw.get(column.name)
        if cell is None or not cell.strip():
            if column.required:
                raise RowError(column.name, "", "is required and empty")
            row[column.name] = None
            continue
        row[column.name] = column.parse(column.name, cell)
    for check in spec.checks:
        check(row)
    return row


# ---- computed values (spec: region from the USCC, public_until, default validity, 万元 to yuan) ----

def organisation_props(row: dict) -> dict:
    parsed = parse_uscc(row["uscc"])
    return {
        "name": row["name"], "legalForm": row["legal_form"], "status": row["status"], "address": row["address"],
        "regionCode": row["region_code"] or parsed.region_code, "establishedOn": row["established_on"],
        "usccChecksumValid": parsed.checksum_valid,
    }


def record_props(row: dict) -> dict:
    until, basis = row["public_until"], "SOURCE"
    if until is None:
        until, basis = rules.public_until(row["severity"], row["decided_on"])
    penalty_types = [p.strip() for p in (row["penalty_types"] or "").split(";") if p.strip()]
    return {
        "category": row["category"], "severity": row["severity"], "documentNo": row["document_no"],
        "violationType": row["violation_type"], "facts": row["facts"], "legalBasis": row["legal_basis"],
        "penaltyTypes": penalty_types, "content": row["content"], "fineYuan": row["fine_wan"],
        "confiscatedYuan": row["confiscated_wan"], "decidedOn": row["decided_on"], "publicUntil": until,
        "publicUntilBasis": basis, "repairedOn": row["repaired_on"], "revokedOn": row["revoked_on"],
        "authorityName": row["authority_name"], "authorityUscc": row["authority_uscc"],
        "sourceName": row["source_name"], "sourceUscc": row["source_uscc"],
        "subjectKind": row["subject_kind"], "subjectId": row["subject_id"],
    }


def list_entry_props(row: dict) -> dict:
    valid_until, basis = row["valid_until"], "SOURCE"
    if valid_until is None:
        valid_until, basis = rules.default_valid_until(row["listed_on"]), "DEFAULT_3_YEARS"
    return {
        "listType": row["list_type"], "domain": row["domain"], "listedOn": row["listed_on"],
        "validUntil": valid_until, "validUntilBasis": basis, "removedOn": row["removed_on"], "reason": row["reason"],
        "authorityName": row["authority_name"], "authorityUscc": row["authority_uscc"], "recordId": row["record_id"],
        "subjectKind": row["subject_kind"], "subjectId": row["subject_id"],
    }
