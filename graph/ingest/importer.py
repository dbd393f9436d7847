"""`creditfile import DIR`: stream the exchange folder, validate every row, write good rows in batches.

Each batch is one `UNWIND` write transaction keyed on the exchange-format keys (MERGE), so an import run twice
changes nothing and an import killed part-way is completed by running it again. Before a batch is written,
one READ query checks which of its references (subjects, persons, records …) exist; rows whose references do
not are rejected. Only a batch or two are held at a time, and the keys of the file being read (to reject a key's
repeats), about 150 bytes a row; while Neo4j writes, the next batch is parsed. After the files, every entry
active on the import day that has no push yet is pushed to its units (graph/loop.py), in batches of entries.
"""

from __future__ import annotations

import asyncio
import csv
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import queries
import settings
from graph import loop
from graph.identifiers import parse_resident_id
from graph.ingest import exchange
from graph.ingest.exchange import Cells, FileSpec, Rejected
from graph.store.driver import Graph

REJECT_COLUMNS = ("file", "line", "column", "value", "reason")


@dataclass
class FileReport:
    file: str
    read: int = 0
    imported: int = 0
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class Reject:
    file: str
    line: int
    column: str
    value: str
    reason: str


@dataclass
class Batch:
    spec: FileSpec
    rows: list[tuple[int, Cells]] = field(default_factory=list)  # (line, validated row)


# ---- references: which keys a row needs to exist, by kind ----

def _subject_ref(row: Cells, kind: str = "subject_kind", key: str = "subject_id") -> tuple[str, str, str]:
    return ("usccs" if row[kind] == "ORGANISATION" else "idNumbers", row[key], key)


REFERENCES: dict[str, Callable[[Cells], list[tuple[str, str | None, str]]]] = {
    "roles.csv": lambda r: [("idNumbers", r["id_number"], "id_number"), ("usccs", r["uscc"], "uscc")],
    "shareholdings.csv": lambda r: [_subject_ref(r, "holder_kind", "holder_id"), ("usccs", r["uscc"], "uscc")],
    "records.csv": lambda r: [_subject_ref(r)],
    "record_persons.csv": lambda r: [("recordIds", r["record_id"], "record_id"),
                                     ("idNumbers", r["id_number"], "id_number")],
    "list_entries.csv": lambda r: [_subject_ref(r), ("recordIds", r["record_id"], "record_id")],
    "events.csv": lambda r: [_subject_ref(r), ("recordIds", r["record_id"], "record_id"),
                             ("entryIds", r["entry_id"], "entry_id"),
                             ("measureCodes", r["measure_code"], "measure_code")],
}
REF_WORDS = {"usccs": "no organisation with this USCC", "idNumbers": "no person with this ID number",
             "recordIds": "no record with this record_id", "entryIds": "no list entry with this entry_id",
             "measureCodes": "no measure with this measure_code"}
REF_HINT = {"usccs": "organisations.csv", "idNumbers": "persons.csv", "recordIds": "records.csv",
            "entryIds": "list_entries.csv", "measureCodes": "measures.csv"}


# ---- rows to query parameters ----

def _subject_params(row: Cells, kind: str = "subject_kind", key: str = "subject_id") -> dict[str, Any]:
    org = row[kind] == "ORGANISATION"
    return {"subjectUscc": row[key] if org else None, "subjectIdNumber": None if org else row[key]}


def _person_params(row: Cells) -> dict[str, Any]:
    birth, male = None, None
    if row["id_type"] == "RESIDENT_ID":
        parsed = parse_resident_id(row["id_number"])
        birth, male = parsed.birth_date, parsed.male
    return {"idType": row["id_type"], "idNumber": row["id_number"], "name": row["name"], "birthDate": birth,
            "male": male}


def _dated(row: Cells) -> dict[str, Any]:
    start = row["start_on"]
    return {"startOn": start, "endOn": row["end_on"], "startKey": start.isoformat() if start else ""}


PARAMS: dict[str, Callable[[Cells], dict[str, Any]]] = {
    "organisations.csv": lambda r: {"uscc": r["uscc"], "props": exchange.organisation_props(r)},
    "persons.csv": _person_params,
    "roles.csv": lambda r: {"idNumber": r["id_number"], "uscc": r["uscc"], "role": r["role"], "title": r["title"],
                            **_dated(r)},
    "shareholdings.csv": lambda r: {
        "holderUscc": r["holder_id"] if r["holder_kind"] == "ORGANISATION" else None,
        "holderIdNumber": r["holder_id"] if r["holder_kind"] == "PERSON" else None,
        "uscc": r["uscc"], "percent": r["percent"], **_dated(r)},
    "records.csv": lambda r: {"recordId": r["record_id"], "props": exchange.record_props(r), **_subject_params(r)},
    "record_persons.csv": lambda r: {"recordId": r["record_id"], "idNumber": r["id_number"],
                                     "liability": r["liability"]},
    "list_entries.csv": lambda r: {"entryId": r["entry_id"], "props": exchange.list_entry_props(r),
                                   **_subject_params(r)},
    "measures.csv": lambda r: {"code": r["measure_code"], "props": {
        "name": r["name"], "tier": r["tier"], "legalBasis": r["legal_basis"], "listType": r["list_type"],
        "domain": r["domain"], "implementerName": r["implementer_name"], "implementerUscc": r["implementer_uscc"]}},
    "events.csv": lambda r: {"eventId": r["event_id"], **_subject_params(r), "props": {
        "eventType": r["event_type"], "occurredOn": r["occurred_on"], "dueOn": r["due_on"],
        "recordId": r["record_id"], "entryId": r["entry_id"], "measureCode": r["measure_code"],
        "interviewKind": r["interview_kind"], "hours": r["hours"], "agencyName": r["agency_name"],
        "agencyUscc": r["agency_uscc"], "details": r["details"],
        "subjectKind": r["subject_kind"], "subjectId": r["subject_id"]}},
}
NODE_FILES = {"organisations.csv", "persons.csv", "records.csv", "measures.csv", "events.csv"}
WRITE_QUERY = {spec.file: "import_" + spec.file.removesuffix(".csv") for spec in exchange.SPECS}


class Importer:
    def __init__(self, graph: Graph, batch_size: int = 10_000, in_flight: int = 2,
                 on_reject: Callable[[Reject], None] = lambda r: None,
                 on_progress: Callable[[str, int, int], None] = lambda f, done, total: None,
                 import_day: date | None = None):
        if batch_size < 1:
            raise ValueError("--batch-size must be at least 1")
        # Batches of one file are independent (references point to earlier files): see import_file.
        self.graph, self.batch_size, self.in_flight = graph, batch_size, max(1, in_flight)
        self.on_reject, self.on_progress = on_reject, on_progress
        # Entries active on the import day (today in China unless given) are pushed to their units after the files.
        self.import_day = import_day or loop.china_today()
        self.pushed, self.push_seconds = 0, 0.0

    async def import_folder(self, folder: Path, ignore: tuple[Path, ...] = ()) -> list[FileReport]:
        """Import the files of the folder in the format's order; `ignore` names files not to warn about."""
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} is not a folder of exchange CSV files")
        known = {spec.file for spec in exchange.SPECS} | {p.name for p in ignore if p.parent == folder}
        reports = [await self.import_file(folder / spec.file, spec)
                   for spec in exchange.SPECS if (folder / spec.file).exists()]
        for stray in sorted(p.name for p in folder.glob("*.csv") if p.name not in known):
            reports.append(FileReport(stray, warnings=[f"{stray} is not a file of the exchange format; ignored"]))
        # After every file, as the measures (their implementers) come after the entries (workflow.md section 1).
        started = time.perf_counter()
        self.pushed = await loop.push_imported_entries(self.graph, self.import_day, settings.app().feedback_days)
        self.push_seconds = time.perf_counter() - started
        return reports

    async def import_file(self, path: Path, spec: FileSpec) -> FileReport:
        report = FileReport(spec.file)
        pending: deque[asyncio.Task[None]] = deque()
        batch = Batch(spec)
        # Files of nodes write two batches at once, so Neo4j uses both cores. Files of relationships between
        # shared nodes (a serial leader's roles) write one at a time (in parallel they deadlock and retry, which
        # is slower), but the next batch's reference check already runs while the previous batch is written.
        chained = spec.file not in NODE_FILES
        try:
            for line, row in self._rows(path, spec, report):
                batch.rows.append((line, row))
                if len(batch.rows) >= self.batch_size:
                    while len(pending) >= self.in_flight:
                        await pending.popleft()
                    after = pending[-1] if chained and pending else None
                    pending.append(asyncio.create_task(self._write(batch, report, after)))
                    await asyncio.sleep(0)  # let the work go out; parse the next batch while Neo4j works
                    batch = Batch(spec)
            if batch.rows:
                pending.append(asyncio.create_task(self._write(batch, report, pending[-1] if chained and pending
                                                               else None)))
            while pending:
                await pending.popleft()
        finally:  # on an error, do not leave writes running behind the caller's back
            for task in pending:
                task.cancel()
        return report

    def _rows(self, path: Path, spec: FileSpec, report: FileReport) -> Iterator[tuple[int, Cells]]:
        """The file's good rows; every other row is reported here (exchange.read_rows leaves none out)."""
        total = path.stat().st_size
        with path.open("rb") as handle:
            for n, item in enumerate(exchange.read_rows(handle, spec, report.warnings), start=1):
                if isinstance(item, Rejected):
                    report.read += item.rows
                    self._reject(report, spec.file, item.line, item.column, item.value, item.reason, item.rows)
                else:
                    report.read += 1
                    yield item.line, item.values
                if n % 1000 == 0:
                    self.on_progress(spec.file, handle.tell(), total)
        self.on_progress(spec.file, total, total)

    def _reject(self, report: FileReport, file: str, line: int, column: str, value: str, reason: str,
                rows: int = 1) -> None:
        """Report a rejected row; `rows` > 1 when one reject stands for a whole file refused at its header."""
        report.rejected += rows
        self.on_reject(Reject(file, line, column, value, reason))

    async def _write(self, batch: Batch, report: FileReport, after: asyncio.Task[None] | None = None) -> None:
        rows = await self._check_references(batch, report)
        if after is not None:
            await after  # one write at a time for this file
        if rows:
            params = [PARAMS[batch.spec.file](row) for _, row in rows]
            await self.graph.run(queries.get(WRITE_QUERY[batch.spec.file]), rows=params)
            report.imported += len(rows)

    async def _check_references(self, batch: Batch, report: FileReport) -> list[tuple[int, Cells]]:
        refs_of = REFERENCES.get(batch.spec.file)
        if refs_of is None:
            return batch.rows
        wanted: dict[str, set[str]] = {kind: set() for kind in REF_WORDS}
        for _, row in batch.rows:
            for kind, key, _col in refs_of(row):
                if key is not None:
                    wanted[kind].add(key)
        found = (await self.graph.run(queries.get("import_existing_keys"),
                                      **{k: sorted(v) for k, v in wanted.items()}))[0]
        existing = {kind: set(found[kind]) for kind in REF_WORDS}
        kept = []
        for line, row in batch.rows:
            missing = [(kind, key, col) for kind, key, col in refs_of(row)
                       if key is not None and key not in existing[kind]]
            if missing:
                kind, key, col = missing[0]
                self._reject(report, batch.spec.file, line, col, key,
                             f"{REF_WORDS[kind]} in the graph or earlier in this import; add it to "
                             f"{REF_HINT[kind]} first")
            else:
                kept.append((line, row))
        return kept


class RejectsReport:
    """The rejects report CSV being written: `write` is the importer's reject sink; `count` the lines so far."""

    def __init__(self, handle: TextIO):
        self._writer = csv.writer(handle)
        self._writer.writerow(REJECT_COLUMNS)
        self.count = 0

    def write(self, reject: Reject) -> None:
        self.count += 1
        self._writer.writerow([reject.file, reject.line, reject.column, reject.value, reject.reason])


@contextmanager
def write_rejects(path: Path) -> Iterator[RejectsReport]:
    """The rejects report at `path`, open while the `with` block runs."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        yield RejectsReport(handle)
