"""The bulk load's reading and validation (graph/ingest/bulk_read.py, bulk_check.py) against `creditfile import`'s
(exchange.read_rows), without Neo4j: the same rows with the same values, the same rejects with the same lines,
columns, values and reasons, the same warnings, for whatever a file holds."""

from __future__ import annotations

import io
import sys
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.identifiers import make_resident_id, make_uscc
from graph.ingest import exchange
from graph.ingest.bulk_check import check_table
from graph.ingest.bulk_read import LAST, LINE, PY_WHITESPACE, read_table
from tests.test_import_fuzz import FUZZ, NOISE, SPEC, csv_file

BY_FILE = exchange.BY_FILE
ORG = make_uscc("9", "1", "440300", "MA5F0001")
PERSON = make_resident_id("990101", date(1980, 1, 1), 9)  # ends in X


def bulk(spec: exchange.FileSpec, data: bytes) -> tuple[list, list, list[str], int]:
    warnings: list[str] = []
    table = read_table(data, spec, warnings)
    rows, rejects = check_table(table)
    got = [(row.pop(LINE), row.pop(LAST), row) for row in rows.iter_rows(named=True)]
    return got, [_rejected(r) for r in rejects], warnings, table.read


def online(spec: exchange.FileSpec, data: bytes) -> tuple[list, list, list[str], int]:
    warnings: list[str] = []
    items = list(exchange.read_rows(io.BytesIO(data), spec, warnings))
    rows = [(i.line, i.last, i.values) for i in items if isinstance(i, exchange.Row)]
    rejects = [_rejected(i) for i in items if isinstance(i, exchange.Rejected)]
    return rows, rejects, warnings, len(rows) + sum(r[5] for r in rejects)


def _rejected(r: exchange.Rejected) -> tuple:
    return r.line, r.last, r.column, r.value, r.reason, r.rows


def assert_same(spec: exchange.FileSpec, data: bytes) -> None:
    assert bulk(spec, data) == online(spec, data)


def test_whitespace_is_what_str_strip_strips() -> None:
    assert set(PY_WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


@settings(FUZZ, max_examples=40)
@given(csv_file())
def test_any_written_file_gives_the_rows_and_rejects_of_creditfile_import(case) -> None:
    spec, data, _ = case
    assert_same(spec, data)


@settings(FUZZ, max_examples=60)
@given(SPEC, NOISE, st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_any_bytes_after_a_header_give_the_rows_and_rejects_of_creditfile_import(spec, noise, end) -> None:
    assert_same(spec, ",".join(spec.column_names).encode() + end + noise)


# Cells that reach the column-wise rules: valid ones and near misses, spelled as clerks and other systems spell them.
PAD = ["", " ", "\u3000", "\x1c", "\xa0", "\u200b", "\ufeff"]  # the last two are not white space
USCC_POOL = [ORG, ORG.lower(), make_uscc("Y", "1", "110105", "12345678"), ORG[:-1] + ("0" if ORG[-1] != "0" else "1"),
             ORG[:16] + "X" + ORG[17], ORG[:5] + "ſ" + ORG[6:], ORG[:9] + "K" + ORG[10:], ORG.replace("4", "４", 1),
             "Z" + ORG[1:], ORG[:3] + "A" + ORG[4:], ORG[:17], ORG + "1"]
RESIDENTS = [make_resident_id("440524", date(1980, 2, 29), 7), make_resident_id("990101", date(2001, 12, 31), 2)]
ID_POOL = [PERSON, PERSON.lower(), *RESIDENTS, RESIDENTS[0][:-1] + "0", "440524198002300011", "000000000001010015",
           "E1234567", "e-12", "---", "ß", "A" * 40, "A" * 41, "１２３", "x_1"]
DATE_POOL = ["2024-01-01", "2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2024-1-01",
             "２０２４-０１-０１", "2019-12-31", "2026-04-01"]
NUMBER_POOL = ["1.5", "1，5", "-0", "0", "100", "100.5", "1e400", "nan", "inf", "50%", "0x10", "١٢", "1_000", "3"]
TEXT_POOL = ["x", "名称", "a\x1cb", "罚款;警告", " ; ", "R1", "R2", "M-1", "L1", "E" * 200, "E" * 201, "440300",
             "44030", "４４０３００"]
ENUMS = {"subject_kind": exchange.SUBJECT_KINDS, "holder_kind": exchange.SUBJECT_KINDS, "id_type": exchange.ID_TYPES,
         "role": exchange.ROLES, "category": exchange.CATEGORIES, "severity": exchange.SEVERITIES,
         "list_type": exchange.LIST_TYPES, "event_type": exchange.EVENT_TYPES,
         "interview_kind": exchange.INTERVIEW_KINDS}


def _pool(column: exchange.Column) -> tuple[list[str], list[str]]:
    """(valid cells, near misses and odd spellings) for the column."""
    if column.name in ENUMS:
        values = list(ENUMS[column.name])
        return values, [values[0].lower(), values[-1].replace("S", "ſ").lower(), values[0].replace("I", "ı"), "X"]
    if column.name == "uscc" or column.parse is exchange.uscc:
        return USCC_POOL[:4], USCC_POOL[4:]
    if column.name in ("subject_id", "holder_id"):
        return USCC_POOL[:4] + ID_POOL[:4], USCC_POOL[4:] + ID_POOL[4:]
    if column.parse is exchange.id_number:
        return ID_POOL[:8], ID_POOL[8:]
    if column.parse is exchange.day:
        return DATE_POOL[:3], DATE_POOL[3:]
    if column.parse in (exchange.wan_to_yuan, exchange.percent, exchange.positive):
        return NUMBER_POOL[:5], NUMBER_POOL[5:]
    return TEXT_POOL[:9], TEXT_POOL[9:]


@st.composite
def plain_file(draw) -> tuple[exchange.FileSpec, bytes]:
    """A plain file (no quotes, one line a row) of cells near the rules' edges, most of them valid."""
    spec = draw(SPEC)
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        cells = []
        for column in spec.columns:
            valid, odd = _pool(column)
            choice = draw(st.integers(0, 19))
            value = "" if choice == 0 else draw(st.sampled_from(odd if choice == 1 else valid))
            pad = draw(st.sampled_from(PAD)) if choice == 2 else ""
            cells.append(pad + value + pad)
        rows.append(",".join(cells))
    return spec, lines(",".join(spec.column_names), *rows, end=draw(st.sampled_from(["\n", "\r\n"])))


@settings(FUZZ, max_examples=100)
@given(plain_file())
def test_cells_near_the_rules_edges_give_the_rows_and_rejects_of_creditfile_import(case) -> None:
    assert_same(*case)


def lines(*rows: str, end: str = "\n") -> bytes:
    return "".join(row + end for row in rows).encode()


HEADERS = {name: ",".join(spec.column_names) for name, spec in BY_FILE.items()}
CASES = {
    "plain rows, a blank line and one of commas, a wrong width, CRLF": ("organisations.csv", lines(
        HEADERS["organisations.csv"], f"{ORG},甲公司,,,2020-01-01,存续,地址", "", " , ,", f"{ORG.lower()},乙",
        f" {ORG} ,丙,,440301,,,", end="\r\n")),
    "blank lines before the header, BOM, extra and unnamed columns": ("persons.csv", b"\xef\xbb\xbf" + lines(
        "", " ,", "id_type,ID_Number,name,,note", f",{PERSON.lower()},张三,,x", f"passport,{PERSON},李四,,",
        f"RESIDENT_ID,{PERSON[:-1]}1,王五,,")),
    "a required column missing": ("roles.csv", lines("id_number,uscc,start_on", "1,2,3", "", "4,5,6")),
    "a column twice": ("roles.csv", lines("id_number,uscc,role,role", "1,2,3,4")),
    "header only, no line end": ("events.csv", HEADERS["events.csv"].encode()),
    "blank lines only": ("events.csv", b"\n \n,,\n"),
    "quoted cells over two lines, a lone CR": ("records.csv", lines(
        HEADERS["records.csv"],
        f'R1,admin_penalty,ſerious,ORGANISATION,{ORG},"文号,1","a\nb",,,"警告; ;罚款",,"1,234.5",0,2024-01-01,,,,,,,',
        f"R2,OTHER,MINOR,PERSON,{PERSON},,,,,,,,,2024-02-29,,,,,,,", end="\r")),
    "subjects, dates and amounts at the edges": ("records.csv", lines(
        HEADERS["records.csv"],
        f"R1,OTHER,MINOR,ORGANISATION,{ORG},,,,,;,,1e3,,0999-12-31,,,,,,,",
        f"R2,OTHER,GENERAL,PERSON,{PERSON},,,,,,,-0,,9999-12-31,,,,,,,",
        f"R3,OTHER,SERIOUS,ORGANISATION,{ORG[:-1]}Z,,,,,,,nan,,2024-01-01,,,,,,,",
        f"R4,OTHER,SERIOUS,ORGANISATION,{ORG},,,,,,,,,２０２４-０１-０１,,,,,,,",
        f"R5,OTHER,SERIOUS,ORGANISATION,{ORG},,,,,,,,,2024-01-01,2023-01-01,,,,,,",
        f"R1,OTHER,SERIOUS,ORGANISATION,{ORG},,,,,,,,,2024-01-01,,,,,,,",
        f"R6,OTHER,SERIOUS,ORGANISATION,\x1c{ORG}\u3000,,,,,,,,,2024-01-01,,,,,,,{ORG}")),
    "interviews, hours, keys too long": ("events.csv", lines(
        HEADERS["events.csv"], f"E1,TRAINING,ORGANISATION,{ORG},2024-01-01,,,,,WARNING,,,,",
        f"E2,training,ORGANISATION,{ORG},2024-01-01,,,,,,2.5,,,",
        f"{'E' * 201},COMMITMENT,PERSON,x-1,2024-01-01,,,,,,,,,",
        "E3,INTERVIEW_HELD,PERSON,---,2024-01-01,,,,,reminder,,,,")),
    "a line not UTF-8, a NUL": ("measures.csv", lines(HEADERS["measures.csv"]) + "M-1,名,,,BLACKLIST,,,\n".encode("gbk")
                                + b"M-2,n\x00,,,REDLIST,,,\nM-3,n,,,REDLIST,,,\n"),
    "a cell over the csv limit": ("measures.csv", lines(HEADERS["measures.csv"],
                                                        "M-1," + "x" * 140_000 + ",,,REDLIST,,,")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_edge_cases_give_the_rows_and_rejects_of_creditfile_import(case: str) -> None:
    file, data = CASES[case]
    assert_same(BY_FILE[file], data)


def test_the_vectorised_path_takes_plain_rows_without_exchange_validate(monkeypatch) -> None:
    calls = []
    real = exchange.validate
    monkeypatch.setattr(exchange, "validate", lambda spec, raw: calls.append(raw) or real(spec, raw))
    data = lines(HEADERS["persons.csv"], *(f"RESIDENT_ID,{make_resident_id('110105', date(1990, 1, 1), i)},张{i}"
                                           for i in range(1, 200)), f"RESIDENT_ID,{PERSON[:-1]}1,错")
    rows, rejects, _, _ = bulk(BY_FILE["persons.csv"], data)
    assert len(rows) == 199 and len(rejects) == 1
    assert len(calls) == 1  # only the row with a wrong check character went through the row-by-row rules


def test_a_key_repeated_names_its_first_line() -> None:
    data = lines(HEADERS["roles.csv"], f"{PERSON},{ORG},EXECUTIVE,,,", f"{PERSON.lower()},{ORG},executive,,,")
    rows, rejects, _, _ = bulk(BY_FILE["roles.csv"], data)
    assert len(rows) == 1 and rejects[0][:3] == (3, 3, "id_number")
    assert rejects[0][4].startswith("same id_number + uscc + role + start_on as line 2")


def test_the_frame_has_the_types_of_the_values() -> None:
    table = read_table(lines(HEADERS["shareholdings.csv"], f"PERSON,{PERSON},{ORG},50%,2020-01-01,"),
                       BY_FILE["shareholdings.csv"], [])
    rows, _ = check_table(table)
    assert rows.schema["percent"] == pl.Float64 and rows.schema["start_on"] == pl.Date
    assert rows.row(0, named=True)["percent"] == 50.0
