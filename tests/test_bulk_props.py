"""The properties the bulk load computes column-wise (graph/ingest/bulk_props.py) against the ones the import
queries get from exchange.py and importer.py, row by row; without Neo4j."""

from __future__ import annotations

import random
import uuid
from datetime import date

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from graph.identifiers import USCC_ALPHABET, make_resident_id, make_uscc, parse_uscc
from graph.ingest import bulk_props, exchange, importer
from tests.test_import_fuzz import FUZZ


def test_uscc_checksum_flags_are_those_of_parse_uscc() -> None:
    rng = random.Random(7)
    codes = []
    for i in range(3000):
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(8))
        code = make_uscc(rng.choice("123456789ANY"), rng.choice(USCC_ALPHABET),
                         "".join(rng.choice("0123456789") for _ in range(6)), body)
        if i % 3:  # a wrong check character at 17 or 18, now and then
            pos = 16 + i % 2
            code = code[:pos] + rng.choice(USCC_ALPHABET) + code[pos + 1:]
        codes.append(code)
    flags = bulk_props.uscc_checksum_valid(pl.Series(codes)).to_list()
    assert flags == [parse_uscc(c).checksum_valid for c in codes]
    assert 0 < sum(flags) < len(flags)


def test_birth_date_and_sex_are_those_of_the_person_params() -> None:
    numbers = [make_resident_id("110105", date(1900 + i % 120, 1 + i % 12, 1 + i % 28), i % 999 + 1)
               for i in range(500)]
    rows = pl.DataFrame({"id_type": ["RESIDENT_ID"] * 500 + ["PASSPORT"], "id_number": [*numbers, "E1234567"]})
    birth, male = bulk_props.person_birth_and_sex(rows)
    got = rows.select(birth.alias("birthDate"), male.alias("male")).to_dicts()
    expected = [{k: importer._person_params({"id_type": t, "id_number": n, "name": "x"})[k]
                 for k in ("birthDate", "male")} for t, n in rows.iter_rows()]
    assert got == expected


PARTS = st.sampled_from(["警告", "罚款", " 罚款 ", "", " ", "\u3000", "\x1c", "a b", "x"])


@FUZZ
@given(st.one_of(st.none(), st.lists(PARTS, max_size=4).map(";".join).map(str.strip).filter(bool)))
def test_penalty_types_are_the_list_of_record_props(text: str | None) -> None:
    rows = pl.DataFrame({"penalty_types": [text]}, schema={"penalty_types": pl.String})
    got = rows.select(bulk_props.penalty_types(rows).alias("p"))["p"][0]
    expected = _record({"penalty_types": text})["penaltyTypes"]
    assert (got.split(";") if got is not None else []) == expected


def test_periods_are_those_of_the_rules() -> None:
    days = [date(2018, 1, 31), date(2024, 2, 29), date(2026, 3, 31), date(2026, 4, 1), date(2026, 8, 31)]
    rows = pl.DataFrame({"severity": [s for s in exchange.SEVERITIES for _ in days],
                         "decided_on": days * 3, "public_until": [None, date(2030, 1, 1), None, None, None] * 3},
                        schema={"severity": pl.String, "decided_on": pl.Date, "public_until": pl.Date})
    until, basis = bulk_props.record_period(rows)
    got = rows.select(until.alias("publicUntil"), basis.alias("publicUntilBasis")).to_dicts()
    assert got == [{k: _record(r)[k] for k in ("publicUntil", "publicUntilBasis")} for r in rows.to_dicts()]
    entries = pl.DataFrame({"listed_on": days, "valid_until": [None, date(2030, 1, 1), None, None, None]})
    until, basis = bulk_props.entry_validity(entries)
    got = entries.select(until.alias("validUntil"), basis.alias("validUntilBasis")).to_dicts()
    expected = [exchange.list_entry_props({**dict.fromkeys(exchange.BY_FILE["list_entries.csv"].column_names), **r})
                for r in entries.to_dicts()]
    assert got == [{k: e[k] for k in ("validUntil", "validUntilBasis")} for e in expected]


def _record(values: dict) -> dict:
    row = {**dict.fromkeys(exchange.BY_FILE["records.csv"].column_names), "severity": "MINOR",
           "decided_on": date(2024, 1, 1), **values}
    return exchange.record_props(row)


def test_pids_are_distinct_version_4_uuids() -> None:
    pids = bulk_props.random_uuids(5000).to_list()
    assert len(set(pids)) == 5000
    assert all(str(uuid.UUID(p)) == p and uuid.UUID(p).version == 4 for p in pids)
    assert bulk_props.random_uuids(0).to_list() == []
