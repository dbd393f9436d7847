"""The properties the import queries compute from a row, for all rows of a file at once: an organisation's
region and checksum flag, a person's birth date, sex and pid, a record's publication period and penalty types, an
entry's default validity (exchange.organisation_props, record_props, list_entry_props; importer._person_params).
Periods are computed by graph/rules.py once per distinct input, so they are the rules' own answers."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

import polars as pl

from graph import identifiers, rules
from graph.ingest.bulk_read import PY_WHITESPACE

ORG_CODE_VALUES = {ch: int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10 for ch in identifiers.USCC_ALPHABET}
UUID_VARIANT = {f"{i:x}": "89ab"[i & 3] for i in range(16)}


def _pairs(col: pl.Expr, start: int, count: int, values: dict[str, int], name: str) -> list[pl.Expr]:
    """`count` characters from `start`, each written as its value in two digits (`replace_many`, one pass), as
    Int64 numbers of at most 9 pairs each, named name0, name1 …"""
    pairs = col.str.slice(start, count).str.replace_many(list(values), [f"{v:02d}" for v in values.values()])
    return [pairs.str.slice(2 * chunk, 2 * min(9, count - chunk)).str.to_integer().alias(f"{name}{chunk // 9}")
            for chunk in range(0, count, 9)]


def _values(count: int, name: str) -> list[pl.Expr]:
    """The character values held by the numbers of `_pairs`, taken by arithmetic."""
    out: list[pl.Expr] = []
    for chunk in range(0, count, 9):
        size, number = min(9, count - chunk), pl.col(f"{name}{chunk // 9}")
        out += [(number // 100 ** (size - 1 - i)) % 100 for i in range(size)]
    return out


def uscc_checksum_valid(codes: pl.Series) -> pl.Series:
    """identifiers.Uscc.checksum_valid of valid USCCs: the GB 32100 check character (position 18) and the GB 11714
    one of the embedded organisation code (position 17)."""
    code = pl.col("code")
    frame = pl.DataFrame({"code": codes}).with_columns(*_pairs(code, 0, 17, identifiers.USCC_VALUES, "u"),
                                                       *_pairs(code, 8, 8, ORG_CODE_VALUES, "o"))
    total = pl.sum_horizontal([v * w for v, w in zip(_values(17, "u"), identifiers.USCC_WEIGHTS, strict=True)])
    check = ((31 - total.mod(31)).mod(31)).replace_strict(list(range(31)), list(identifiers.USCC_ALPHABET),
                                                          return_dtype=pl.String)
    org_total = pl.sum_horizontal([v * w for v, w in zip(_values(8, "o"), identifiers.ORG_CODE_WEIGHTS, strict=True)])
    org_check = (11 - org_total.mod(11)).replace_strict(
        list(range(1, 12)), [str(i) for i in range(1, 10)] + ["X", "0"], return_dtype=pl.String)
    valid = (check == code.str.slice(17, 1)) & (org_check == code.str.slice(16, 1))
    return frame.select(valid.alias("valid"))["valid"]


def region_code() -> pl.Expr:
    return pl.col("region_code").fill_null(pl.col("uscc").str.slice(2, 6))


def person_birth_and_sex(rows: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """(birthDate, male) of resident IDs (verified by then); null for other ID types."""
    resident = pl.col("id_type") == "RESIDENT_ID"
    digits = pl.col("id_number").str.slice(6, 8)
    days = rows.filter(resident)["id_number"].str.slice(6, 8).unique().to_list()
    births = [date(int(d[:4]), int(d[4:6]), int(d[6:8])) for d in days]
    birth = digits.replace_strict(days, pl.Series(births, dtype=pl.Date), default=None, return_dtype=pl.Date)
    male = pl.col("id_number").str.slice(16, 1).cast(pl.Int64, strict=False).mod(2) == 1
    return pl.when(resident).then(birth), pl.when(resident).then(male)


def random_uuids(n: int) -> pl.Series:
    """n random UUIDs (version 4), as Cypher's randomUUID() makes them: 16 random bytes each, in hex one a line."""
    if n == 0:
        return pl.Series("pid", [], dtype=pl.String)
    lines = os.urandom(16 * n).hex("\n", 16).encode()
    h = pl.col("h")
    return pl.read_csv(lines, has_header=False, new_columns=["h"], schema={"h": pl.String}).select(pl.concat_str([
        h.str.slice(0, 8), pl.lit("-"), h.str.slice(8, 4), pl.lit("-4"), h.str.slice(13, 3), pl.lit("-"),
        h.str.slice(16, 1).replace_strict(UUID_VARIANT, return_dtype=pl.String), h.str.slice(17, 3), pl.lit("-"),
        h.str.slice(20, 12)]).alias("pid"))["pid"]


_WS = "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE)  # a regex class of what str.strip() strips
_ITEM = f"[^;{_WS}](?:[^;]*[^;{_WS}])?"
TIDY_PENALTIES = f"^{_ITEM}(?:;{_ITEM})*$"  # items neither empty nor padded: the text is already the list


def penalty_types(rows: pl.DataFrame) -> pl.Expr:
    """The list of penalty types (`;`-separated, stripped, empty ones dropped), joined again by `;` for the import's
    array column; null for an empty list (the import cannot write one: bulk.py sets those afterwards)."""
    text = pl.col("penalty_types")
    if rows.select(text.str.contains(TIDY_PENALTIES).or_(text.is_null()).all()).item():
        return text
    parts = (text.str.split(";").list.eval(pl.element().str.strip_chars(PY_WHITESPACE))
             .list.eval(pl.element().filter(pl.element() != "")))
    return pl.when(parts.list.len() > 0).then(parts.list.join(";"))


def period(rows: pl.DataFrame, given: str, inputs: tuple[str, ...], compute: Callable[..., tuple[date, str]],
           ) -> tuple[pl.Expr, pl.Expr]:
    """(the period's end, its basis): the given date with basis SOURCE, or `compute(*inputs)` per distinct inputs."""
    missing = rows.filter(pl.col(given).is_null()).select(inputs).unique()
    computed = [compute(*combo) for combo in missing.iter_rows()]
    table = missing.with_columns(pl.Series("__end", [c[0] for c in computed], dtype=pl.Date),
                                 pl.Series("__basis", [c[1] for c in computed], dtype=pl.String))
    joined = rows.select(inputs).join(table, on=list(inputs), how="left", nulls_equal=True, maintain_order="left")
    end = pl.col(given).fill_null(pl.lit(joined["__end"]))
    basis = pl.when(pl.col(given).is_not_null()).then(pl.lit("SOURCE")).otherwise(pl.lit(joined["__basis"]))
    return end, basis


def record_period(rows: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    return period(rows, "public_until", ("severity", "decided_on"), rules.public_until)


def entry_validity(rows: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    def default(listed_on: date) -> tuple[date, str]:
        return rules.default_valid_until(listed_on), "DEFAULT_3_YEARS"
    return period(rows, "valid_until", ("listed_on",), default)

