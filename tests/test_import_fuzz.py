"""Property-based fuzz of the import's reading layer (graph/ingest/exchange.py) and of graph/identifiers.py, without
Neo4j: whatever a file holds, every data row comes out accepted or rejected, and nothing raises but the
documented errors. Derandomised, so CI sees the same examples every run."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.identifiers import (
    USCC_ALPHABET,
    IdentifierError,
    make_resident_id,
    make_uscc,
    parse_resident_id,
    parse_uscc,
)
from graph.ingest import exchange
from graph.ingest.exchange import Rejected, Row, RowError

FUZZ = settings(derandomize=True, database=None, max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

USCCS = [make_uscc("9", "1", "440300", f"MA5F{i:04d}") for i in range(3)]
PERSONS = [make_resident_id("990101", date(1980, 1, 1), i) for i in (1, 2, 9)]  # 9 ends in X
SAMPLES = {  # plausible cells, so that some rows pass and some keys repeat
    "uscc": [*USCCS, USCCS[0].lower()], "subject_id": USCCS + PERSONS, "holder_id": USCCS + PERSONS,
    "id_number": [*PERSONS, PERSONS[2].lower(), "E1234567"], "record_id": ["R1", "R2"], "entry_id": ["L1"],
    "event_id": ["E1"], "measure_code": ["M-1"], "subject_kind": ["ORGANISATION", "person"],
    "holder_kind": ["ORGANISATION", "PERSON"], "role": ["EXECUTIVE"], "category": ["ADMIN_PENALTY"],
    "severity": ["GENERAL", "serious"], "list_type": ["BLACKLIST"], "event_type": ["TRAINING", "COMMITMENT"],
    "percent": ["50", "0", "1e400", "nan"], "fine_wan": ["1.5", "9e999999", "-1"], "hours": ["inf", "2"],
}
DATES = ["2024-01-01", "2024-02-30", "9999-12-31", "２０２４-０１-０１", ""]
JUNK = st.text(st.sampled_from([*list('ab ,"\r\n\x00\t张x-'), "\u2028", "\x85", "\ufeff", "😀"]), max_size=12)
SPEC = st.sampled_from(exchange.SPECS)


def cell(column: str) -> st.SearchStrategy[str]:
    samples = SAMPLES.get(column, DATES if column.endswith(("_on", "_until")) else ["x", "名称"])
    return st.one_of(st.sampled_from(samples), JUNK, st.text(max_size=8))


def rows_in(chunk: bytes) -> int:
    """The data rows of one written row, as the csv module reads them: a lone CR in a cell written unquoted
    (csv.writer does so when the line end is LF) ends a row. A row of blank cells is none."""
    text = chunk.decode("utf-8", "replace")  # a bad byte makes a cell non-blank, so its row counts
    return sum(bool("".join(cells).strip()) for cells in csv.reader(io.StringIO(text, newline="")))


@st.composite
def csv_file(draw) -> tuple[exchange.FileSpec, bytes, int]:
    """A file written by csv.writer under a right header: (spec, bytes, data rows that count)."""
    spec = draw(SPEC)
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = [draw(cell(c)) for c in spec.column_names]
        if draw(st.integers(0, 9)) == 0:  # ragged
            row = row[:draw(st.integers(0, len(row)))] + draw(st.lists(JUNK, max_size=2))
        rows.append(row)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\r\n", "\n"])))
    writer.writerow(spec.column_names)
    chunks = [out.getvalue().encode()]
    for row in rows:
        out.seek(0), out.truncate()
        writer.writerow(row)
        encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "gbk"]))  # a GBK row now and then
        chunks.append(out.getvalue().encode(encoding, errors="replace"))
    bom = draw(st.booleans())
    return spec, (b"\xef\xbb\xbf" if bom else b"") + b"".join(chunks), sum(map(rows_in, chunks[1:]))


def read(spec: exchange.FileSpec, data: bytes) -> list[Row | Rejected]:
    items = list(exchange.read_rows(io.BytesIO(data), spec, []))
    lines = [(i.line, i.last) for i in items]
    assert all(first <= last for first, last in lines) and all(a[1] < b[0] for a, b in itertools.pairwise(lines))
    return items


@settings(FUZZ, max_examples=80)  # the costliest to draw: a whole file of cells
@given(csv_file())
def test_every_written_row_is_accepted_or_rejected(case) -> None:
    spec, data, rows = case
    items = read(spec, data)
    accepted = sum(isinstance(i, Row) for i in items)
    rejected = sum(i.rows for i in items if isinstance(i, Rejected))
    assert accepted + rejected == rows, items
    assert all(i.line >= 2 and i.reason for i in items if isinstance(i, Rejected))


PIECES = st.sampled_from([b'"', b",", b"\n", b"\r", b"\r\n", b"\x00", b"\xef\xbb\xbf", "张三".encode("gbk"),
                          "张三".encode(), b"a", b" ", b"\xff", b'""', b"2024-01-01", USCCS[0].encode()])
NOISE = st.one_of(st.binary(max_size=60), st.lists(PIECES, max_size=40).map(b"".join))
BLANK = re.compile(r'[\s,"]*')


@FUZZ
@given(SPEC, NOISE, st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_every_line_after_the_header_is_in_a_row_or_blank(spec, noise, end) -> None:
    header = ",".join(spec.column_names).encode() + end
    items = read(spec, header + noise)
    covered = {n for i in items for n in range(i.line, i.last + 1)}
    physical = re.split(rb"\r\n|\r|\n", header + noise)
    if physical[-1] == b"":
        physical.pop()  # the file ends with a line end
    assert covered <= set(range(2, len(physical) + 1))
    for number, line in enumerate(physical[1:], start=2):
        assert number in covered or BLANK.fullmatch(line.decode("utf-8", "replace")), (number, line, items)


@FUZZ
@given(SPEC, NOISE)
def test_any_bytes_at_all_read_without_an_exception(spec, noise) -> None:
    for item in read(spec, noise):
        assert item.line >= 1 and (isinstance(item, Row) or item.reason)


CODE_CHARS = USCC_ALPHABET + "IOSVZxyz -²١" + "０"


def mutants(valid: list[str], chars: str) -> st.SearchStrategy[str]:
    """A valid code with one character replaced: reaches the checks behind the length and alphabet."""
    return st.builds(lambda code, pos, ch: code[:pos] + ch + code[pos + 1:], st.sampled_from(valid),
                     st.integers(0, 17), st.sampled_from(chars))


@FUZZ
@given(st.one_of(st.text(max_size=24), st.text(CODE_CHARS, min_size=17, max_size=19), mutants(USCCS, CODE_CHARS),
                 st.sampled_from(USCCS).map(lambda c: f" {c.lower()} ")))
def test_parse_uscc_gives_a_code_or_an_identifier_error(raw: str) -> None:
    try:
        parsed = parse_uscc(raw)
    except IdentifierError as exc:
        assert exc.position is None or 1 <= exc.position <= 18
        return
    assert len(parsed.code) == 18 and set(parsed.code) <= set(USCC_ALPHABET)
    assert parse_uscc(parsed.code) == parsed


ID_CHARS = "0123456789xX ²١０-"


@FUZZ
@given(st.one_of(st.text(max_size=24), st.text(ID_CHARS, min_size=17, max_size=19), mutants(PERSONS, ID_CHARS),
                 st.sampled_from(PERSONS).map(str.lower)))
def test_parse_resident_id_gives_a_number_or_an_identifier_error(raw: str) -> None:
    try:
        parsed = parse_resident_id(raw)
    except IdentifierError as exc:
        assert exc.position is None or 1 <= exc.position <= 18
        return
    assert re.fullmatch(r"[0-9]{17}[0-9X]", parsed.number)
    assert parse_resident_id(parsed.number) == parsed
    # The importer's one spelling of an ID number is the resident-ID parser's (defect: 'x' vs 'X').
    assert exchange.id_number("id_number", raw) == parsed.number


@FUZZ
@given(st.one_of(st.text(max_size=44), st.text(ID_CHARS, max_size=20)))
def test_id_number_normalises_once_or_says_why_not(raw: str) -> None:
    try:
        number = exchange.id_number("id_number", raw)
    except RowError as exc:
        assert exc.column == "id_number" and exc.reason
        return
    assert exchange.id_number("id_number", number) == number == number.strip().upper()
