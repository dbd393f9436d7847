"""The exchange format (spec/exchange-format.md) as data: per file its columns, key, and row validation.

`read_rows(handle, spec, warnings)` reads one file's bytes into validated rows or rejects (each naming its line and
why); `validate(spec, raw)` turns one CSV row into the parameters of the file's import query, or raises `RowError`
naming the column, the value and what to fix. Nothing here touches the database; references between files
(a record's subject, a role's person) are checked by the importer against the graph, batch by batch.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO, NamedTuple, TypeAlias

from graph import rules
from graph.identifiers import MAX_ID_NUMBER, IdentifierError, parse_resident_id, parse_uscc

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
MAX_KEY_TEXT = 200
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits; matched whole with fullmatch


# A row's cells once validated, by column: text, dates, numbers or None, as each column's parser makes them.
Cells: TypeAlias = dict[str, Any]


class RowError(ValueError):
    def __init__(self, column: str, value: str, reason: str):
        super().__init__(f"{column}={value!r}: {reason}")
        self.column, self.value, self.reason = column, value, reason


# ---- cell parsers: (column, raw text) -> value; raise RowError ----

def text(col: str, raw: str) -> str:
    return raw.strip()


def day(col: str, raw: str) -> date:
    value = raw.strip()
    if not DATE_RE.fullmatch(value):
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
    try:
        yuan = float(amount * WAN)
    except ArithmeticError:  # decimal.Overflow: an exponent beyond the context
        yuan = math.inf
    if not math.isfinite(yuan):
        raise RowError(col, raw, "is too large an amount of 万元")
    return yuan


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
    if not 0 < value < math.inf:
        raise RowError(col, raw, "must be more than 0")
    return value


def uscc(col: str, raw: str) -> str:
    try:
        return parse_uscc(raw).code
    except IdentifierError as exc:
        raise RowError(col, raw, f"not a USCC: {exc}") from None


def key_text(col: str, raw: str) -> str:
    """An id or a domain: Neo4j indexes it, and its index refuses a value of more than about 8 kB."""
    value = raw.strip()
    if len(value) > MAX_KEY_TEXT:
        raise RowError(col, raw, f"has {len(value):,} characters, at most {MAX_KEY_TEXT} are allowed; is it the "
                       "right column?")
    return value


def id_number(col: str, raw: str) -> str:
    """The one spelling of an ID number, in every file that holds one: a check character 'x' is 'X' everywhere,
    so a person is found from shareholdings, records and entries as from persons.csv."""
    value = raw.strip().upper()
    if not value or len(value) > MAX_ID_NUMBER or not value.replace("-", "").isalnum():
        raise RowError(col, raw, f"an ID number is letters and digits, at most {MAX_ID_NUMBER} characters")
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
    checks: tuple[Callable[[Cells], None], ...] = ()
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _not_before(later: str, earlier: str) -> Callable[[Cells], None]:
    def check(row: Cells) -> None:
        if row.get(later) is not None and row.get(earlier) is not None and row[later] < row[earlier]:
            raise RowError(later, row[later].isoformat(), f"is before {earlier} ({row[earlier].isoformat()})")
    return check


def _subject_id(kind_col: str, id_col: str) -> Callable[[Cells], None]:
    """A USCC when the subject is an organisation, an ID number otherwise; normalised in place."""
    def check(row: Cells) -> None:
        parse = uscc if row[kind_col] == "ORGANISATION" else id_number
        row[id_col] = parse(id_col, row[id_col])
    return check


def _writable(props: Callable[[Cells], dict[str, Any]], start: str) -> Callable[[Cells], None]:
    """Periods running from `start` (public_until, valid_until …) are computed when the row is written: a date
    too late for the calendar (9999-…) is refused here rather than by an error in the middle of the import."""
    def check(row: Cells) -> None:
        try:
            props(row)
        except (ValueError, OverflowError):
            raise RowError(start, row[start].isoformat(), "is too late to compute the periods that run from it; "
                           "check the year") from None
    return check


def _resident_id_when_resident(row: Cells) -> None:
    if row["id_type"] == "RESIDENT_ID":
        try:
            parse_resident_id(row["id_number"])
        except IdentifierError as exc:
            raise RowError("id_number", row["id_number"], f"not a valid resident ID number: {exc}") from None


def _interview_fields(row: Cells) -> None:
    is_interview = row["event_type"] in ("INTERVIEW_HELD", "INTERVIEW_REFUSED")
    if row.get("interview_kind") and not is_interview:
        raise RowError("interview_kind", row["interview_kind"], "is only for INTERVIEW_HELD or INTERVIEW_REFUSED")
    if row.get("hours") is not None and row["event_type"] != "TRAINING":
        raise RowError("hours", str(row["hours"]), "is only for TRAINING events")


def _id_type_default(row: Cells) -> None:
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
        Column("record_id", key_text, True), Column("category", enum(*CATEGORIES), True),
        Column("severity", enum(*SEVERITIES), True), *SUBJECT, Column("document_no"), Column("violation_type"),
        Column("facts"), Column("legal_basis"), Column("penalty_types"), Column("content"),
        Column("fine_wan", wan_to_yuan), Column("confiscated_wan", wan_to_yuan), Column("decided_on", day, True),
        Column("public_until", day), Column("repaired_on", day), Column("revoked_on", day),
        Column("authority_name"), Column("authority_uscc", uscc), Column("source_name"), Column("source_uscc", uscc),
    ), checks=(_subject_id("subject_kind", "subject_id"), _not_before("public_until", "decided_on"),
               _not_before("repaired_on", "decided_on"), _not_before("revoked_on", "decided_on"),
               _writable(lambda r: record_props(r), "decided_on"))),
    FileSpec("record_persons.csv", ("record_id", "id_number"), (
        Column("record_id", key_text, True), Column("id_number", id_number, True), Column("liability"),
    )),
    FileSpec("list_entries.csv", ("entry_id",), (
        Column("entry_id", key_text, True), Column("list_type", enum(*LIST_TYPES), True),
        Column("domain", key_text, True),
        *SUBJECT, Column("listed_on", day, True), Column("valid_until", day), Column("removed_on", day),
        Column("reason"), Column("authority_name"), Column("authority_uscc", uscc), Column("record_id", key_text),
    ), checks=(_subject_id("subject_kind", "subject_id"), _not_before("valid_until", "listed_on"),
               _not_before("removed_on", "listed_on"),
               _writable(lambda r: list_entry_props(r), "listed_on"))),
    FileSpec("measures.csv", ("measure_code",), (
        Column("measure_code", key_text, True), Column("name", text, True), Column("tier"), Column("legal_basis"),
        Column("list_type", enum(*LIST_TYPES), True), Column("domain", key_text), Column("implementer_name"),
        Column("implementer_uscc", uscc),
    )),
    FileSpec("events.csv", ("event_id",), (
        Column("event_id", key_text, True), Column("event_type", enum(*EVENT_TYPES), True), *SUBJECT,
        Column("occurred_on", day, True), Column("due_on", day), Column("record_id", key_text),
        Column("entry_id", key_text), Column("measure_code", key_text),
        Column("interview_kind", enum(*INTERVIEW_KINDS)), Column("hours", positive), Column("agency_name"),
        Column("agency_uscc", uscc), Column("details"),
    ), checks=(_subject_id("subject_kind", "subject_id"), _interview_fields)),
)
BY_FILE = {spec.file: spec for spec in SPECS}


def _digits(col: str, raw: str, n: int) -> str:
    value = raw.strip()
    if len(value) != n or not (value.isascii() and value.isdigit()):
        raise RowError(col, raw, f"must be {n} digits (a GB/T 2260 division code)")
    return value


def validate(spec: FileSpec, raw: dict[str, str]) -> Cells:
    """One CSV row (column -> text) to typed values; empty cells are None. Raises RowError."""
    row: Cells = {}
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


# ---- reading a file: bytes to records to rows, whatever the bytes hold ----

LONE_CR = re.compile(rb"(?<=\r)(?!\n)")  # after a CR not followed by LF: an old Mac line end


class Row(NamedTuple):
    line: int  # the row's first physical line (the header is line 1)
    last: int  # its last one: a quoted cell may hold line breaks
    values: Cells


@dataclass(frozen=True)
class Rejected:
    line: int
    last: int
    column: str  # empty when no single column is at fault
    value: str
    reason: str
    rows: int = 1  # the rows it stands for: all of a file's rows when its header refuses them


@dataclass
class Record:
    """One CSV record as read: its physical lines, and why it cannot be read as CSV ("" when it can)."""
    line: int
    last: int
    lines: list[str]
    problem: str = ""


class Unreadable(ValueError):
    """A record that is not CSV; `cell` is the index of a cell over the csv module's size limit, if that is why."""

    def __init__(self, reason: str, cell: int | None = None, value: str = ""):
        super().__init__(reason)
        self.reason, self.cell, self.value = reason, cell, value


def read_rows(handle: BinaryIO, spec: FileSpec, warnings: list[str]) -> Iterator[Row | Rejected]:
    """Every data row of one exchange file, validated, or rejected with its line and the reason: each non-blank
    record after the header comes out as exactly one of the two, whatever the bytes. Notes go to `warnings`."""
    stream = records(handle)
    for head in stream:
        try:
            header = [h.strip().lower() for h in cells_of(head)]
        except Unreadable as exc:
            yield from _refuse(spec.file, head, stream, "", f"the header cannot be read: {exc.reason}", warnings)
            return
        if any(header):
            break
    else:
        return  # empty, or blank lines only: no rows
    extra = [h or "(unnamed)" for h in header if h not in spec.column_names]
    if extra:
        warnings.append(f"{spec.file}: extra columns ignored: {', '.join(extra)}")
    missing = [c for c in spec.required if c not in header]
    twice = sorted({h for h in header if h in spec.column_names and header.count(h) > 1})
    if missing:
        yield from _refuse(spec.file, head, stream, missing[0],
                           f"required column {', '.join(missing)} missing from the header", warnings)
    elif twice:
        yield from _refuse(spec.file, head, stream, twice[0],
                           f"column {', '.join(twice)} is in the header more than once: which one holds the data?",
                           warnings)
    else:
        yield from _data_rows(spec, header, stream)


def _data_rows(spec: FileSpec, header: list[str], stream: Iterator[Record]) -> Iterator[Row | Rejected]:
    width = len(header)
    # The first row of a key is taken and every later one rejected naming it: rows already written cannot be
    # taken back, and a clerk reading the file top down expects the first. Memory: about 150 bytes a key.
    seen: dict[Any, int] = {}
    for rec in stream:
        try:
            cells = cells_of(rec)
        except Unreadable as exc:
            column = header[exc.cell] if exc.cell is not None and exc.cell < width else ""
            yield Rejected(rec.line, rec.last, column, exc.value, exc.reason)
            continue
        if not "".join(cells).strip():
            continue  # a blank line is not a row
        if len(cells) != width:
            yield Rejected(rec.line, rec.last, "", _clip(",".join(cells)),
                           f"the row has {len(cells)} cells but the header has {width}; check the quoting")
            continue
        try:
            values = validate(spec, dict(zip(header, cells, strict=True)))  # as many: checked above
        except RowError as exc:
            yield Rejected(rec.line, rec.last, exc.column, _clip(exc.value), exc.reason)
            continue
        key = values[spec.key[0]] if len(spec.key) == 1 else tuple(values[k] for k in spec.key)
        first = seen.setdefault(key, rec.line)
        if first != rec.line:
            shown = " / ".join(str(values[k]) for k in spec.key if values[k] is not None)
            yield Rejected(rec.line, rec.last, spec.key[0], _clip(shown),
                           f"same {' + '.join(spec.key)} as line {first}: a key is taken once per file, from its "
                           f"first row; delete this row, or correct line {first} with its values")
            continue
        yield Row(rec.line, rec.last, values)


def _refuse(file: str, head: Record, rest: Iterator[Record], column: str, reason: str,
            warnings: list[str]) -> Iterator[Rejected]:
    """A header that stops every row: one reject at the header counting the rows, so the summary stays honest."""
    count, last = 0, head.last
    for rec in rest:
        count, last = count + (not _blank(rec)), rec.last
    reason = f"{reason}; no row of this file was imported"
    if count:
        yield Rejected(head.line, last, column, "", f"{reason} ({count:,} rows, lines {head.line + 1}–{last})",
                       rows=count)
    else:
        warnings.append(f"{file}: {reason}")  # no row lost, but the file is still wrong


def _blank(rec: Record) -> bool:
    try:
        return not "".join(cells_of(rec)).strip()
    except Unreadable:
        return False


def _clip(value: str, most: int = 200) -> str:
    return value if len(value) <= most else value[:most] + "…"


def cells_of(rec: Record) -> list[str]:
    """The cells of one record (RFC 4180 quoting, strictly); Unreadable says why there are none."""
    if rec.problem:
        raise Unreadable(rec.problem, value=_clip("".join(rec.lines).rstrip("\r\n").replace("\x00", "\u2400")))
    if len(rec.lines) == 1 and '"' not in rec.lines[0] and len(rec.lines[0]) <= csv.field_size_limit():
        return rec.lines[0].rstrip("\r\n").split(",")  # what csv.reader gives for a line without quotes, faster
    try:
        rows = list(csv.reader(rec.lines, strict=True))
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            raise Unreadable(f"not valid CSV ({exc}); check the quoting") from None
        index, start = _longest_cell("".join(rec.lines))
        raise Unreadable(f"a cell holds more than {csv.field_size_limit():,} characters, the most one may hold: "
                         "is a closing quote missing, or a document pasted in?", index,
                         _clip("".join(rec.lines)[start:], 80)) from None
    if len(rows) > 1:  # cannot happen when records() splits as the csv module reads; refuse rather than lose rows
        raise Unreadable("a record boundary inside the row; check the quoting")
    return rows[0] if rows else []


def records(handle: BinaryIO) -> Iterator[Record]:
    """The CSV records of a byte stream with their physical lines. Each line is decoded alone, so a line that is
    not UTF-8 spoils its own record only; quotes are followed as the csv module follows them, so a quoted cell
    may span lines, and one left open is cut at the csv cell limit instead of swallowing the rest of the file."""
    rec: Record | None = None
    open_line = open_chars = 0  # the line where a quoted cell still open began (0: none), its characters so far
    for number, raw in enumerate(_physical_lines(handle), start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        text, problem = _decode(raw, number)
        if rec is None:
            rec = Record(number, number, [])
        rec.last = number
        rec.lines.append(text)
        rec.problem = rec.problem or problem
        opened = _open_quote(text, open_line > 0)
        if opened < 0:
            yield rec
            rec, open_line = None, 0
            continue
        if opened == 0:
            open_chars += len(text)
        else:
            open_line, open_chars = number, len(text) - opened
        if open_chars > csv.field_size_limit():
            rec.problem = rec.problem or (f"the quoted cell opened on line {open_line} runs past "
                                          f"{csv.field_size_limit():,} characters: is its closing quote missing?")
            yield rec
            rec, open_line = None, 0
    if rec is not None:
        rec.problem = rec.problem or f"the quoted cell opened on line {open_line} is never closed: a quote is missing"
        yield rec


def _physical_lines(handle: BinaryIO) -> Iterator[bytes]:
    """The lines with their ends, split at LF, CRLF and a lone CR, as the csv module reads text."""
    for chunk in handle:
        if b"\r" in chunk.removesuffix(b"\r\n"):  # chunks end at LF, so any other CR is a lone one
            yield from filter(None, LONE_CR.split(chunk))
        else:
            yield chunk


def _decode(raw: bytes, number: int) -> tuple[str, str]:
    """The line's text and why it cannot be read ("" when it can)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # No GBK or GB 18030 byte is a quote, comma or line end, so the replaced text keeps the record in step.
        return raw.decode("utf-8", "replace"), (
            f"line {number} is not UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start + 1}; GBK?): "
            "save the file as UTF-8 and import this row again")
    if "\x00" in text:
        return text, f"line {number} holds a NUL character: is the file UTF-16 or binary? save it as UTF-8 CSV"
    return text, ""


def _closing_quote(text: str, pos: int) -> int:
    """The quote closing a quoted cell whose text starts at `pos`; "" is a quote inside it. -1: not closed."""
    close = text.find('"', pos)
    while close >= 0 and text.startswith('"', close + 1):
        close = text.find('"', close + 2)
    return close


def _open_quote(line: str, quoted: bool) -> int:
    """Where a quoted cell still open at the end of `line` begins (-1: none is; 0: the one open when the line
    began), read as the csv module reads quotes: a quote opens a cell only as its first character."""
    if '"' not in line:
        return 0 if quoted else -1
    pos = opened = 0
    if not quoted and line.startswith('"'):
        quoted, pos, opened = True, 1, 1
    while True:
        if quoted:
            close = _closing_quote(line, pos)
            if close < 0:
                return opened
            pos = close + 1
        comma = line.find(",", pos)
        if comma < 0:
            return -1
        pos = comma + 1
        quoted = line.startswith('"', pos)
        if quoted:
            pos = opened = pos + 1


def _longest_cell(text: str) -> tuple[int, int]:
    """The index and start of a record's longest cell (in raw characters): the one over the csv size limit."""
    best, start = (-1, 0, 0), 0
    for index in range(len(text) + 1):
        pos = start
        if text.startswith('"', pos):
            close = _closing_quote(text, pos + 1)
            pos = len(text) if close < 0 else close + 1
        comma = text.find(",", pos)
        end = len(text) if comma < 0 else comma
        best = max(best, (end - start, -index, start))
        if comma < 0:
            break
        start = comma + 1
    return -best[1], best[2]


# ---- computed values (spec: region from the USCC, public_until, default validity, 万元 to yuan) ----

def organisation_props(row: Cells) -> dict[str, Any]:
    parsed = parse_uscc(row["uscc"])
    return {
        "name": row["name"], "legalForm": row["legal_form"], "status": row["status"], "address": row["address"],
        "regionCode": row["region_code"] or parsed.region_code, "establishedOn": row["established_on"],
        "usccChecksumValid": parsed.checksum_valid,
    }


def record_props(row: Cells) -> dict[str, Any]:
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


def list_entry_props(row: Cells) -> dict[str, Any]:
    valid_until, basis = row["valid_until"], "SOURCE"
    if valid_until is None:
        valid_until, basis = rules.default_valid_until(row["listed_on"]), "DEFAULT_3_YEARS"
    return {
        "listType": row["list_type"], "domain": row["domain"], "listedOn": row["listed_on"],
        "validUntil": valid_until, "validUntilBasis": basis, "removedOn": row["removed_on"], "reason": row["reason"],
        "authorityName": row["authority_name"], "authorityUscc": row["authority_uscc"], "recordId": row["record_id"],
        "subjectKind": row["subject_kind"], "subjectId": row["subject_id"],
    }
