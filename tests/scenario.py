"""A small hand-built credit graph with known answers on known dates, imported through the real importer.

Organisations A (深圳示例通信技术有限公司), B, C, D, E; persons P1 张三, P2 李四, P3 王五. The organisations are
invented, with checksum-valid codes of no real company: the scenario gives them penalties.
- P1 was A's legal representative 2015-01-01 … 2022-12-31, P2 is since 2023-01-01; P1 leads B; P3 is C's
  principal; P2 is an executive of D; A holds 60% of D; P1 holds all of E.
- A's records: R1 SERIOUS 2022-06-01 (public until 2025-06-01); R2 GENERAL 2024-03-01 naming P3; R3 MINOR
  2025-01-01 repaired 2025-02-01; R4 GENERAL 2020-01-01 (expired 2021-01-01); R5 GENERAL 2024-05-01 revoked
  2024-06-01; R6 GENERAL decided 2027-01-01 (not yet).
- Entries: L1 BLACKLIST 税收 on A from 2022-07-01 (3 years by default) resting on R1; L2 KEY_ATTENTION 食品药品 on B
  2024-01-01 removed 2024-06-01; L3 BLACKLIST 拖欠农民工工资 on C 2025-01-01 valid until 2030-01-01.
- A was ordered to rectify R2 by 2024-04-01 and never reported it done.
"""

from __future__ import annotations

from pathlib import Path

from graph.ingest.importer import Importer
from tests.exchange_folder import write_folder

A, B, C, D, E = ("91440300MA0CF0A11H", "91110000MA0CF0B18W", "91310110MA0CF0C148", "91330201MA0CF0D10X",
                 "91330401MA0CF0E17K")
P1, P2, P3 = "11010519491231002X", "440524188001010014", "360426199101010071"


def rec(record_id: str, severity: str, decided: str, subject: str = A, **extra) -> dict:
    return {"record_id": record_id, "category": "ADMIN_PENALTY", "severity": severity, "subject_kind": "ORGANISATION",
            "subject_id": subject, "decided_on": decided, "authority_name": "深圳市市场监督管理局", **extra}


FILES = {
    "organisations.csv": [
        {"uscc": A, "name": "深圳示例通信技术有限公司"}, {"uscc": B, "name": "北京示例测试科技有限公司"},
        {"uscc": C, "name": "上海示例贸易有限公司"}, {"uscc": D, "name": "宁波示例港口物流有限公司"},
        {"uscc": E, "name": "嘉兴示例电子科技有限公司"},
    ],
    "persons.csv": [{"id_number": P1, "name": "张三"}, {"id_number": P2, "name": "李四"},
                    {"id_number": P3, "name": "王五"}],
    "roles.csv": [
        {"id_number": P1, "uscc": A, "role": "LEGAL_REPRESENTATIVE", "start_on": "2015-01-01", "end_on": "2022-12-31"},
        {"id_number": P2, "uscc": A, "role": "LEGAL_REPRESENTATIVE", "start_on": "2023-01-01"},
        {"id_number": P1, "uscc": B, "role": "LEGAL_REPRESENTATIVE", "start_on": "2010-01-01"},
        {"id_number": P3, "uscc": C, "role": "PRINCIPAL", "start_on": "2020-01-01"},
        {"id_number": P2, "uscc": D, "role": "EXECUTIVE", "title": "监事", "start_on": "2019-01-01"},
    ],
    "shareholdings.csv": [
        {"holder_kind": "ORGANISATION", "holder_id": A, "uscc": D, "percent": "60", "start_on": "2018-01-01"},
        {"holder_kind": "PERSON", "holder_id": P1, "uscc": E, "percent": "100", "start_on": "2016-01-01"},
    ],
    "records.csv": [
        rec("R1", "SERIOUS", "2022-06-01", fine_wan="50"), rec("R2", "GENERAL", "2024-03-01"),
        rec("R3", "MINOR", "2025-01-01", repaired_on="2025-02-01"), rec("R4", "GENERAL", "2020-01-01"),
        rec("R5", "GENERAL", "2024-05-01", revoked_on="2024-06-01"), rec("R6", "GENERAL", "2027-01-01"),
    ],
    "record_persons.csv": [{"record_id": "R2", "id_number": P3, "liability": "直接责任人"}],
    "list_entries.csv": [
        {"entry_id": "L1", "list_type": "BLACKLIST", "domain": "税收", "subject_kind": "ORGANISATION", "subject_id": A,
         "listed_on": "2022-07-01", "record_id": "R1"},
        {"entry_id": "L2", "list_type": "KEY_ATTENTION", "domain": "食品药品", "subject_kind": "ORGANISATION",
         "subject_id": B, "listed_on": "2024-01-01", "removed_on": "2024-06-01"},
        {"entry_id": "L3", "list_type": "BLACKLIST", "domain": "拖欠农民工工资", "subject_kind": "ORGANISATION",
         "subject_id": C, "listed_on": "2025-01-01", "valid_until": "2030-01-01"},
    ],
    "measures.csv": [
        {"measure_code": "M-BID-BAN", "name": "限制参加招标投标", "list_type": "BLACKLIST"},
        {"measure_code": "M-TAX", "name": "严格发票领用管理", "list_type": "BLACKLIST", "domain": "税收"},
        {"measure_code": "M-WAGE", "name": "限制新取得资质", "list_type": "BLACKLIST", "domain": "拖欠农民工工资"},
        {"measure_code": "M-INSPECT", "name": "提高抽查比例", "list_type": "KEY_ATTENTION"},
    ],
    "events.csv": [
        {"event_id": "E1", "event_type": "RECTIFICATION_ORDERED", "subject_kind": "ORGANISATION", "subject_id": A,
         "occurred_on": "2024-03-01", "due_on": "2024-04-01", "record_id": "R2"},
    ],
}


async def load(graph, folder: Path, extra: dict[str, list[dict]] | None = None) -> None:
    files = {name: list(rows) for name, rows in FILES.items()}
    for name, rows in (extra or {}).items():
        files.setdefault(name, []).extend(rows)
    rejects: list = []
    await Importer(graph, on_reject=rejects.append).import_folder(write_folder(folder, files))
    assert rejects == [], rejects
