"""An exchange folder to the offline importer's CSV files: every file read (bulk_read), validated (bulk_check),
checked against the keys of the files before it (bulk_refs) and written (bulk_write), with the same reports and
rejects as `creditfile import` (graph/ingest/importer.py). Rejects come out file by file, in the format's order,
each file's in line order; nothing is written to Neo4j here.

Files are read and validated two at a time (their rules are their own); references and writing then take them
one by one in the format's order, while the next files are being validated, so that both cores have work.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from graph.ingest import bulk_refs, bulk_write, exchange
from graph.ingest.bulk_check import ParseCache, check_table
from graph.ingest.bulk_read import RawTable, empty_cells, read_table
from graph.ingest.bulk_write import ImportFiles
from graph.ingest.exchange import Rejected
from graph.ingest.importer import FileReport, Reject

VALIDATORS = 2  # files validated at once


@dataclass
class Checked:
    report: FileReport
    rows: pl.DataFrame
    rejects: list[Rejected]


def prepare(folder: Path, out: Path, on_reject: Callable[[Reject], None] = lambda r: None,
            ignore: tuple[Path, ...] = ()) -> tuple[list[FileReport], ImportFiles]:
    """Validate the folder and write the import files into `out`; `ignore` names files not to warn about."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of exchange CSV files")
    files, known, reports = ImportFiles(out), bulk_refs.Known(), []
    parsed: ParseCache = {}
    specs = [spec for spec in exchange.SPECS if (folder / spec.file).exists()]
    with ThreadPoolExecutor(VALIDATORS, thread_name_prefix="bulk-check") as pool:
        pending: list[Future[Checked]] = [pool.submit(_check_file, folder / spec.file, spec, parsed)
                                          for spec in specs]
        try:
            for spec, future in zip(specs, pending, strict=True):
                reports.append(_take_file(spec, future.result(), files, known, on_reject))
        finally:
            for future in pending:
                future.cancel()
    if not files.nodes:  # the importer wants one node file at least
        spec = exchange.BY_FILE["organisations.csv"]
        rows, _ = check_table(RawTable(spec, [], empty_cells(spec)))
        bulk_write.organisations(files, rows)
    known_names = {spec.file for spec in exchange.SPECS} | {p.name for p in ignore if p.parent == folder}
    for stray in sorted(p.name for p in folder.glob("*.csv") if p.name not in known_names):
        reports.append(FileReport(stray, warnings=[f"{stray} is not a file of the exchange format; ignored"]))
    return reports, files


def _check_file(path: Path, spec: exchange.FileSpec, parsed: ParseCache) -> Checked:
    report = FileReport(spec.file)
    table = read_table(path.read_bytes(), spec, report.warnings)
    rows, rejects = check_table(table, parsed)
    report.read = table.read
    return Checked(report, rows, rejects)


def _take_file(spec: exchange.FileSpec, checked: Checked, files: ImportFiles, known: bulk_refs.Known,
               on_reject: Callable[[Reject], None]) -> FileReport:
    """References against the files before, then the import files; the report of the file."""
    rows, missing = bulk_refs.check(spec.file, checked.rows, known)
    known.add(spec.file, rows)
    bulk_write.WRITERS[spec.file](files, rows)
    report = checked.report
    report.imported = rows.height
    for item in sorted([*checked.rejects, *missing], key=lambda r: r.line):
        report.rejected += item.rows
        on_reject(Reject(spec.file, item.line, item.column, item.value, item.reason))
    return report
