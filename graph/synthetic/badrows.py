"""Invalid rows of every kind, for `creditfile generate --bad-rows R`: each breaks one rule of the format."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the generator calls `sprinkle`; these are only the types of its arguments
    from graph.synthetic.generator import Generator, Writers

BAD_USCC = "91440300MA0CF0X18O"  # invented; an 'O' is not in the USCC alphabet
NO_SUCH_ORG = "91110000MA0CF0N14Y"  # invented and valid; region 110000 is no county, so never generated


def _kinds(gen: Generator) -> list[tuple[str, dict[str, str]]]:
    """(file, cells) pairs; every one is rejected by the importer for a different reason."""
    org, person = gen.orgs[0].uscc, gen.persons[0]
    return [
        ("organisations.csv", {"uscc": BAD_USCC, "name": "坏代码有限公司"}),
        ("organisations.csv", {"uscc": "91440300MA5", "name": "短代码有限公司"}),
        ("organisations.csv", {"uscc": org[:-1] + "0" if org[-1] != "0" else org[:-1] + "1", "name": ""}),
        ("organisations.csv", {"uscc": "91440300MA5FAKE001", "name": "x", "established_on": "2020/01/01"}),
        ("organisations.csv", {"uscc": "91440300MA5FAKE002", "name": "x", "region_code": "44030"}),
        ("persons.csv", {"id_number": "110105194912310021", "name": "校验错"}),
        ("persons.csv", {"id_number": "110105194902310021", "name": "生日错"}),
        ("persons.csv", {"id_type": "DRIVING_LICENCE", "id_number": "A1234567", "name": "类型错"}),
        ("roles.csv", {"id_number": person, "uscc": org, "role": "CHAIRMAN", "start_on": "2020-01-01"}),
        ("roles.csv", {"id_number": person, "uscc": org, "role": "EXECUTIVE", "start_on": "2020-01-01",
                       "end_on": "2019-01-01"}),
        ("roles.csv", {"id_number": "440524188001010014", "uscc": org, "role": "EXECUTIVE"}),
        ("shareholdings.csv", {"holder_kind": "PERSON", "holder_id": person, "uscc": org, "percent": "120"}),
        ("shareholdings.csv", {"holder_kind": "BANK", "holder_id": person, "uscc": org}),
        ("records.csv", {"record_id": "BAD-R1", "category": "FRAUD", "severity": "SERIOUS",
                         "subject_kind": "ORGANISATION", "subject_id": org, "decided_on": "2024-01-01"}),
        ("records.csv", {"record_id": "BAD-R2", "category": "ADMIN_PENALTY", "severity": "SERIOUS",
                         "subject_kind": "ORGANISATION", "subject_id": org, "decided_on": "2024-01-01",
                         "fine_wan": "-3"}),
        ("records.csv", {"record_id": "BAD-R3", "category": "ADMIN_PENALTY", "severity": "GENERAL",
                         "subject_kind": "ORGANISATION", "subject_id": NO_SUCH_ORG,
                         "decided_on": "2024-01-01"}),
        ("records.csv", {"record_id": "BAD-R4", "category": "ADMIN_PENALTY", "severity": "GENERAL",
                         "subject_kind": "ORGANISATION", "subject_id": org, "decided_on": "2024-02-30"}),
        ("records.csv", {"record_id": "BAD-R5", "category": "ADMIN_PENALTY", "severity": "GENERAL",
                         "subject_kind": "ORGANISATION", "subject_id": org, "decided_on": "2024-03-01",
                         "repaired_on": "2023-03-01"}),
        ("record_persons.csv", {"record_id": "NO-SUCH-RECORD", "id_number": person}),
        ("list_entries.csv", {"entry_id": "BAD-L1", "list_type": "GREYLIST", "domain": "税收",
                              "subject_kind": "ORGANISATION", "subject_id": org, "listed_on": "2024-01-01"}),
        ("list_entries.csv", {"entry_id": "BAD-L2", "list_type": "BLACKLIST", "domain": "",
                              "subject_kind": "ORGANISATION", "subject_id": org, "listed_on": "2024-01-01"}),
        ("measures.csv", {"measure_code": "M-BAD", "name": "坏措施", "list_type": "ANY"}),
        ("events.csv", {"event_id": "BAD-E1", "event_type": "TRAINING", "subject_kind": "ORGANISATION",
                        "subject_id": org, "occurred_on": "2024-01-01", "hours": "0"}),
        ("events.csv", {"event_id": "BAD-E2", "event_type": "COMMITMENT", "subject_kind": "ORGANISATION",
                        "subject_id": org, "occurred_on": str(date(2024, 1, 1)), "interview_kind": "WARNING"}),
    ]


def sprinkle(writers: Writers, gen: Generator, count: int) -> None:
    """Append `count` invalid rows, cycling through every kind."""
    kinds = _kinds(gen)
    for i in range(count):
        file, cells = kinds[i % len(kinds)]
        if "record_id" in cells and file != "record_persons.csv":
            cells = {**cells, "record_id": f"{cells['record_id']}-{i}"}
        writers.row(file, **cells)
