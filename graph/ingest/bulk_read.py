"""The bulk load's reader: one exchange file's bytes to a table of raw cells, one row per CSV record, as
`exchange.read_rows` would split them.

Most files are plain: UTF-8 with no quote and no NUL, lines ending in LF or CRLF, none longer than the csv module's
cell limit. `exchange.cells_of` splits each such line at its commas, and polars does here, for all lines at once.
A file that is not plain is read record by record with `exchange.records` and `cells_of`, the reader of `creditfile
import`; a file whose header refuses every row is left whole to `exchange.read_rows`.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

import polars as pl

from graph.ingest import exchange
from graph.ingest.exchange import FileSpec, Record, Rejected, Unreadable

# What str.strip() strips: the characters for which str.isspace() is true (tests/test_bulk_read.py checks the list).
# polars' strip_chars() without characters strips Unicode White_Space, which leaves out \x1c-\x1f.
PY_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                 "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
LINE = "line"  # the record's first physical line (the header is line 1 unless blank lines come first)
LAST = "last"  # its last one


@dataclass
class RawTable:
    """A file's records: `cells` has LINE, LAST and one String column per column of the spec (null when the header
    lacks it); `rejects` the records that are not rows of the file (unreadable, wrong number of cells, or all of
    them when the header refuses them); `header` the cells of the header as read (stripped, lower case)."""
    spec: FileSpec
    header: list[str]
    cells: pl.DataFrame
    rejects: list[Rejected] = field(default_factory=list)

    @property
    def read(self) -> int:
        """The rows the file holds, as `creditfile import` counts them (a refused header counts all of its rows)."""
        return self.cells.height + sum(r.rows for r in self.rejects)


def read_table(data: bytes, spec: FileSpec, warnings: list[str]) -> RawTable:
    """The table of one file's bytes; notes (extra columns, a refused header without rows) go to `warnings`."""
    lines = _plain_lines(data.removeprefix(codecs.BOM_UTF8))
    if lines is None:
        return _read_records(data, spec, warnings)
    frame = (pl.DataFrame(lines).with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))
             .filter(pl.col("raw").str.replace_all(",", "", literal=True).str.strip_chars(PY_WHITESPACE) != ""))
    if frame.height == 0:
        return RawTable(spec, [], empty_cells(spec))  # blank lines only: no rows
    header = [h.strip().lower() for h in frame["raw"][0].split(",")]
    if _refused(spec, header):
        return _read_whole(data, spec, warnings, header)
    _warn_extra(spec, header, warnings)
    return _plain_rows(spec, header, frame.slice(1))


def _plain_lines(body: bytes) -> pl.Series | None:
    """The file's lines without their line ends ("" for an empty one) when every one of them is plain, else None.
    polars reads them, one line a cell: a separator byte the file does not hold, no quote character."""
    if b'"' in body or b"\x00" in body or body.count(b"\r") != body.count(b"\r\n"):
        return None
    separator = next((chr(b) for b in range(1, 9) if bytes([b]) not in body), None)
    if separator is None:
        return None
    if not body:
        return pl.Series("raw", [], dtype=pl.String)
    try:
        lines = pl.read_csv(body, has_header=False, separator=separator, quote_char=None, infer_schema=False,
                            new_columns=["raw"])["raw"]
    except pl.exceptions.ComputeError:  # a byte that is not UTF-8
        return None
    # A line of more characters than the cell limit goes to the csv module, which refuses it: the slow path.
    longest = lines.str.len_chars().max()
    if isinstance(longest, int) and longest + 2 > csv.field_size_limit():  # + its line end
        return None
    return lines.fill_null("")


def _refused(spec: FileSpec, header: list[str]) -> bool:
    """Whether `exchange.read_rows` refuses every row for this header (a required column missing or twice)."""
    return (any(c not in header for c in spec.required)
            or any(header.count(h) > 1 for h in header if h in spec.column_names))


def _warn_extra(spec: FileSpec, header: list[str], warnings: list[str]) -> None:
    extra = [h or "(unnamed)" for h in header if h not in spec.column_names]
    if extra:
        warnings.append(f"{spec.file}: extra columns ignored: {', '.join(extra)}")


def _read_whole(data: bytes, spec: FileSpec, warnings: list[str], header: list[str]) -> RawTable:
    """A file `exchange.read_rows` refuses at its header: its rejects, made by it."""
    rejects: list[Rejected] = []
    for item in exchange.read_rows(io.BytesIO(data), spec, warnings):
        if not isinstance(item, Rejected):  # a header that refuses, refuses every row
            raise AssertionError(f"{spec.file}: a row was accepted under a refused header")
        rejects.append(item)
    return RawTable(spec, header, empty_cells(spec), rejects)


def _plain_rows(spec: FileSpec, header: list[str], lines: pl.DataFrame) -> RawTable:
    """The table of the non-blank lines after the header (LINE, "raw")."""
    width = len(header)
    frame = lines.with_columns((pl.col("raw").str.count_matches(",", literal=True) + 1).alias("width"))
    rejects = [Rejected(line, line, "", _clip(raw), f"the row has {n} cells but the header has {width}; check the "
                        "quoting") for line, raw, n in frame.filter(pl.col("width") != width)
               .select(LINE, "raw", "width").iter_rows()]
    split = (frame.filter(pl.col("width") == width)
             .select(LINE, pl.col(LINE).alias(LAST), pl.col("raw").str.split_exact(",", width - 1).alias("cells"))
             .unnest("cells"))
    positions = {name: i for i, name in reversed(list(enumerate(header)))}  # a spec column is there once
    cells = split.select(LINE, LAST, *(pl.col(f"field_{positions[c]}").alias(c) if c in positions
                                       else pl.lit(None, pl.String).alias(c) for c in spec.column_names))
    return RawTable(spec, header, cells, rejects)


def _read_records(data: bytes, spec: FileSpec, warnings: list[str]) -> RawTable:
    """A file that is not plain, record by record as `exchange.read_rows` reads it."""
    stream = exchange.records(io.BytesIO(data))
    header: list[str] | None = None
    for head in stream:
        try:
            header = [h.strip().lower() for h in exchange.cells_of(head)]
        except Unreadable:
            return _read_whole(data, spec, warnings, [])
        if any(header):
            break
    else:
        return RawTable(spec, [], empty_cells(spec))
    if _refused(spec, header):
        return _read_whole(data, spec, warnings, header)
    _warn_extra(spec, header, warnings)
    positions = [header.index(c) if c in header else -1 for c in spec.column_names]
    columns: list[list[str | None]] = [[] for _ in spec.column_names]
    spans: list[tuple[int, int]] = []
    rejects: list[Rejected] = []
    for rec in stream:
        row = _record_cells(rec, header, rejects)
        if row is None:
            continue
        spans.append((rec.line, rec.last))
        for column, pos in zip(columns, positions, strict=True):
            column.append(row[pos] if pos >= 0 else None)
    frame = pl.DataFrame({LINE: [s[0] for s in spans], LAST: [s[1] for s in spans],
                          **dict(zip(spec.column_names, columns, strict=True))},
                         schema=_cells_schema(spec))
    return RawTable(spec, header, frame, rejects)


def _record_cells(rec: Record, header: list[str], rejects: list[Rejected]) -> list[str] | None:
    """The cells of a record that is a row of the file; None for a blank one or one rejected here."""
    try:
        cells = exchange.cells_of(rec)
    except Unreadable as exc:
        column = header[exc.cell] if exc.cell is not None and exc.cell < len(header) else ""
        rejects.append(Rejected(rec.line, rec.last, column, exc.value, exc.reason))
        return None
    if not "".join(cells).strip():
        return None
    if len(cells) != len(header):
        rejects.append(Rejected(rec.line, rec.last, "", _clip(",".join(cells)),
                                f"the row has {len(cells)} cells but the header has {len(header)}; check the quoting"))
        return None
    return cells


def _cells_schema(spec: FileSpec) -> dict[str, pl.DataType]:
    return {LINE: pl.Int64(), LAST: pl.Int64(), **{c: pl.String() for c in spec.column_names}}


def empty_cells(spec: FileSpec) -> pl.DataFrame:
    return pl.DataFrame(schema=_cells_schema(spec))


def _clip(value: str, most: int = 200) -> str:
    return value if len(value) <= most else value[:most] + "…"
