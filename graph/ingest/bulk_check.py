"""The bulk load's validation: a file's raw cells (bulk_read) to the rows `exchange.validate` makes of them, one
column at a time, and the file's rejects.

Text is stripped and USCCs and ID numbers are matched against their forms for all rows at once; every other column
(dates, enumerations, amounts, division codes) is parsed by its own parser from exchange.py, once per distinct value.
Whole-row rules run as column expressions. A row that any of this does not plainly accept goes to `exchange.validate`
itself, which accepts it or names the rule it breaks: so the column-wise code only has to be right about what it
accepts, and every message is the one `creditfile import` writes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl

from graph import identifiers
from graph.ingest import exchange
from graph.ingest.bulk_read import LAST, LINE, PY_WHITESPACE, RawTable
from graph.ingest.exchange import Cells, FileSpec, Rejected, RowError

USCC_CHAR = "[0-9A-HJ-NP-RTUWXYa-hj-np-rtuwxy]"  # the USCC alphabet, either case, ASCII only
USCC_FORM = f"^[1-9ANYany]{USCC_CHAR}[0-9]{{6}}{USCC_CHAR}{{10}}$"
ID_FORM = f"^[0-9A-Za-z-]{{1,{identifiers.MAX_ID_NUMBER}}}$"
RESIDENT_FORM = "^[0-9]{17}[0-9X]$"
OK = "__ok"  # the column saying whether a row is plainly valid so far
STRIPPED = "__stripped_"  # before a column's name: its cells stripped
DIGITS = "__digits"  # the first 17 characters of an ID number as an integer (null unless digits)
DTYPES: dict[Callable[..., Any], pl.DataType] = {
    exchange.day: pl.Date(), exchange.wan_to_yuan: pl.Float64(), exchange.percent: pl.Float64(),
    exchange.positive: pl.Float64(),
}
# For `_writable` checks: the columns its computed periods read, per file.
PERIOD_INPUTS = {"records.csv": ("severity", "decided_on", "public_until"),
                 "list_entries.csv": ("listed_on", "valid_until")}


# Cells parsed so far, by parser: the value, or None when the parser refuses the cell.
ParseCache = dict[Callable[..., Any], dict[str, Any]]


class NoColumnForm(Exception):
    """A rule of the spec that has no column-wise form here: the file is validated row by row."""


def check_table(table: RawTable, parsed: ParseCache | None = None) -> tuple[pl.DataFrame, list[Rejected]]:
    """(the file's valid rows, typed as `exchange.validate` makes them, in line order, first of each key only;
    the rows rejected here), with the rejects of the reader. `parsed` keeps parsed cells from file to file."""
    spec, cells = table.spec, table.cells
    try:
        typed = _typed(spec, cells, {} if parsed is None else parsed)
        typed = _apply_checks(spec, typed)
    except NoColumnForm:
        typed = cells.with_columns(pl.lit(False).alias(OK))  # every row through exchange.validate
    plain = typed.filter(pl.col(OK)).drop(OK)
    slow = cells.filter(~typed[OK])
    kept, rejects = _validate_rows(spec, slow, plain.schema)
    rows = pl.concat([plain, kept]).sort(LINE) if kept.height else plain
    rows, repeats = _first_of_each_key(spec, rows)
    return rows, sorted([*table.rejects, *rejects, *repeats], key=lambda r: r.line)


# ---- cells to values ----

def _typed(spec: FileSpec, cells: pl.DataFrame, parsed: ParseCache) -> pl.DataFrame:
    # Stripped once, kept beside the raw cells (the distinct-value parsers take the raw one, as exchange.validate).
    stripped = cells.with_columns(pl.col(c).str.strip_chars(PY_WHITESPACE).alias(STRIPPED + c)
                                  for c in spec.column_names)
    values, oks = [], []
    for column in spec.columns:
        cell = pl.col(STRIPPED + column.name)
        empty = cell.is_null() | (cell.str.len_bytes() == 0)
        value, ok = _parsed(column, cells[column.name], cell, parsed)
        values.append(pl.when(empty).then(None).otherwise(value).alias(column.name))
        oks.append(pl.when(empty).then(not column.required).otherwise(ok))
    return stripped.select(LINE, LAST, *values, pl.all_horizontal(oks).fill_null(False).alias(OK))


def _parsed(column: exchange.Column, raw: pl.Series, stripped: pl.Expr, parsed: ParseCache,
            ) -> tuple[pl.Expr, pl.Expr]:
    """(the value, whether it is plainly valid) of a non-empty cell of this column."""
    if column.parse is exchange.text:
        return stripped, pl.lit(True)
    if column.parse is exchange.key_text:
        return stripped, stripped.str.len_chars() <= exchange.MAX_KEY_TEXT
    if column.parse is exchange.uscc:
        return _uscc(stripped)
    if column.parse is exchange.id_number:
        return _id_number(stripped)
    return _by_distinct_value(column, raw, parsed)


def _uscc(stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return stripped.str.to_uppercase(), stripped.str.contains(USCC_FORM).fill_null(False)


def _id_number(stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    ok = stripped.str.contains(ID_FORM) & stripped.str.contains("[0-9A-Za-z]")
    return stripped.str.to_uppercase(), ok.fill_null(False)


def _by_distinct_value(column: exchange.Column, raw: pl.Series, parsed: ParseCache) -> tuple[pl.Expr, pl.Expr]:
    """Parse each distinct cell once with the column's own parser (once per load for a parser of several columns,
    such as the dates'). A valid cell's value is never None, so a null value is an invalid cell."""
    known = parsed.setdefault(column.parse, {})
    keys, values = [], []
    for cell in raw.drop_nulls().unique().to_list():
        if cell not in known:
            try:
                known[cell] = column.parse(column.name, cell) if cell.strip() else None
            except Exception:  # exchange.validate says what is wrong with it, or raises it again
                known[cell] = None
        keys.append(cell)
        values.append(known[cell])
    dtype = DTYPES.get(column.parse) or _dtype_of(values)
    if not keys:
        return pl.lit(None, dtype), pl.lit(False)
    value = pl.col(column.name).replace_strict(keys, pl.Series(values, dtype=dtype), default=None,
                                               return_dtype=dtype)
    return value, value.is_not_null()


def _dtype_of(values: list[Any]) -> pl.DataType:
    dtype = pl.Series([v for v in values if v is not None]).dtype
    return pl.String() if dtype == pl.Null else dtype


# ---- whole-row rules ----

def _apply_checks(spec: FileSpec, rows: pl.DataFrame) -> pl.DataFrame:
    for check in spec.checks:
        rows = _check(spec, check, rows)
    return rows


def _check(spec: FileSpec, check: Callable[[Cells], None], rows: pl.DataFrame) -> pl.DataFrame:
    name, bound = check.__qualname__, inspect.getclosurevars(check).nonlocals
    ok = pl.col(OK)
    if name == "_id_type_default":
        return rows.with_columns(pl.col("id_type").fill_null("RESIDENT_ID"))
    if name == "_resident_id_when_resident":
        rows = rows.with_columns(pl.col("id_number").str.slice(0, 17).str.to_integer(strict=False).alias(DIGITS))
        valid = _resident_ok(rows["id_number"])
        return rows.with_columns((ok & ((pl.col("id_type") != "RESIDENT_ID") | valid)).alias(OK)).drop(DIGITS)
    if name == "_not_before.<locals>.check":
        later, earlier = pl.col(bound["later"]), pl.col(bound["earlier"])
        return rows.with_columns((ok & ~(later < earlier).fill_null(False)).alias(OK))
    if name == "_subject_id.<locals>.check" and _parser(spec, bound["id_col"]) is exchange.text:
        org = pl.col(bound["kind_col"]) == "ORGANISATION"
        text = pl.col(bound["id_col"])  # a text column: stripped already
        (as_uscc, uscc_ok), (as_id, id_ok) = _uscc(text), _id_number(text)
        return rows.with_columns(pl.when(org).then(as_uscc).otherwise(as_id).alias(bound["id_col"]),
                                 (ok & pl.when(org).then(uscc_ok).otherwise(id_ok)).alias(OK))
    if name == "_writable.<locals>.check" and spec.file in PERIOD_INPUTS:
        return rows.with_columns((ok & _computable(rows, bound["props"], PERIOD_INPUTS[spec.file])).alias(OK))
    if name == "_interview_fields":
        kind = pl.col("event_type")
        wrong = ((pl.col("interview_kind").is_not_null() & ~kind.is_in(["INTERVIEW_HELD", "INTERVIEW_REFUSED"]))
                 | (pl.col("hours").is_not_null() & (kind != "TRAINING")))
        return rows.with_columns((ok & ~wrong.fill_null(False)).alias(OK))
    raise NoColumnForm(f"{spec.file}: rule {name}")


def _parser(spec: FileSpec, name: str) -> Callable[[str, str], Any]:
    return next(c.parse for c in spec.columns if c.name == name)


def _resident_ok(numbers: pl.Series) -> pl.Expr:
    """Whether each ID number is a valid resident ID (GB 11643): form, real birth date, check character. Its first
    17 characters, read as one integer (DIGITS), give each digit by arithmetic."""
    col, body = pl.col("id_number"), pl.col(DIGITS)
    digits = [(body // 10 ** (16 - i)) % 10 for i in range(17)]
    total = pl.sum_horizontal([d * w for d, w in zip(digits, identifiers.RESIDENT_ID_WEIGHTS, strict=True)])
    check = total.mod(11).replace_strict(list(range(11)), list(identifiers.RESIDENT_ID_CHECK), default=None,
                                         return_dtype=pl.String)
    births = numbers.drop_nulls().str.slice(6, 8).unique().to_list()
    real = [int(b) for b in births if _real_day(b)]
    birth_ok = ((body // 1000) % 100_000_000).is_in(pl.Series(real, dtype=pl.Int64).implode())
    return (col.str.contains(RESIDENT_FORM) & birth_ok & (check == col.str.slice(17, 1))).fill_null(False)


def _real_day(yyyymmdd: str) -> bool:
    try:
        date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return True


def _computable(rows: pl.DataFrame, props: Callable[[Cells], Any], inputs: tuple[str, ...]) -> pl.Expr:
    """Whether the periods computed when the row is written can be computed (exchange._writable), per distinct
    combination of the columns they read."""
    blank: Cells = dict.fromkeys(rows.columns)
    bad = []
    for combo in rows.select(inputs).unique().iter_rows(named=True):
        try:
            props({**blank, **combo})
        except Exception:  # as in _by_distinct_value
            bad.append(combo)
    if not bad:
        return pl.lit(True)
    flagged = pl.DataFrame(bad, schema=rows.select(inputs).schema, orient="row").with_columns(pl.lit(True).alias("b"))
    marks = rows.select(inputs).join(flagged, on=list(inputs), how="left", nulls_equal=True, maintain_order="left")
    return pl.lit(marks["b"].is_null())


# ---- rows that need exchange.validate, and keys taken twice ----

def _validate_rows(spec: FileSpec, cells: pl.DataFrame, schema: pl.Schema) -> tuple[pl.DataFrame, list[Rejected]]:
    kept: list[Cells] = []
    rejects: list[Rejected] = []
    for row in cells.iter_rows(named=True):
        raw = {c: row[c] for c in spec.column_names if row[c] is not None}
        try:
            values = exchange.validate(spec, raw)
        except RowError as exc:
            rejects.append(Rejected(row[LINE], row[LAST], exc.column, _clip(exc.value), exc.reason))
            continue
        kept.append({LINE: row[LINE], LAST: row[LAST], **values})
    return pl.DataFrame(kept, schema=schema, orient="row"), rejects


def _first_of_each_key(spec: FileSpec, rows: pl.DataFrame) -> tuple[pl.DataFrame, list[Rejected]]:
    """The first row of each key; every later one rejected naming the first (exchange._data_rows)."""
    first = pl.col(LINE).min().over(list(spec.key))
    marked = rows.with_columns(first.alias("__first"))
    repeats = []
    for row in marked.filter(pl.col(LINE) != pl.col("__first")).iter_rows(named=True):
        shown = " / ".join(str(row[k]) for k in spec.key if row[k] is not None)
        line = row["__first"]
        repeats.append(Rejected(row[LINE], row[LAST], spec.key[0], _clip(shown),
                                f"same {' + '.join(spec.key)} as line {line}: a key is taken once per file, from its "
                                f"first row; delete this row, or correct line {line} with its values"))
    return marked.filter(pl.col(LINE) == pl.col("__first")).drop("__first"), repeats


def _clip(value: str, most: int = 200) -> str:
    return value if len(value) <= most else value[:most] + "…"
