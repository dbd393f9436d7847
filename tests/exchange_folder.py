"""Write small exchange folders for tests: rows as dicts, header in the format's column order."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.ingest import exchange

# Invented codes with right check characters (make_uscc), never a real company's: tests give them penalties.
ORG_A = "91440300MA0CF0A11H"  # 深圳示例通信技术有限公司, as A of tests/scenario.py
ORG_B = "91110000MA0CF0B18W"
ORG_UNKNOWN = "91330201MA0CF0U199"  # in no test folder
ORG_FLAGGED = "91350100MA0CF0F130"  # well-formed, fails its check: kept and flagged
PERSON_A = "11010519491231002X"
PERSON_B = "440524188001010014"
PERSON_C = "360426199101010071"


def write_folder(folder: Path, files: dict[str, list[dict]], extra_header: tuple[str, ...] = (),
                 bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file, rows in files.items():
        columns = list(exchange.BY_FILE[file].column_names) + list(extra_header)
        with (folder / file).open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: v for k, v in row.items()})
    return folder


def base_files() -> dict[str, list[dict]]:
    """Two organisations, three persons, roles: the references most rows need."""
    return {
        "organisations.csv": [
            {"uscc": ORG_A, "name": "深圳示例通信技术有限公司", "established_on": "1987-09-15"},
            {"uscc": ORG_B, "name": "北京示例测试有限公司"},
        ],
        "persons.csv": [
            {"id_number": PERSON_A, "name": "张三"},
            {"id_number": PERSON_B, "name": "李四"},
            {"id_number": PERSON_C, "name": "王五"},
        ],
    }
