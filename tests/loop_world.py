"""A small credit graph for the joint-punishment loop, imported through the real importer, and the credentials
that act on it.

Organisations A, B, C; person P1. Records of A: R1 SERIOUS 2026-01-10 (active), R3 GENERAL 2020-01-01 (expired
2021), R4 GENERAL 2026-10-01; of B: R2. The measure catalogue, for BLACKLIST: M-BID (every domain, unit U1),
M-TAX (税收, U2), M-LOAN (every domain, U3), M-FOOD (食品药品, U2), M-NOBODY (no implementer USCC: no push); for
KEY_ATTENTION: M-INSPECT (U1). So a BLACKLIST 税收 listing is pushed to U1, U2 and U3.
With `entries`: L-OLD (A, expired 2021), L-ACTIVE (B, BLACKLIST 食品药品 since 2026-01-01: pushed at import to U1,
U3 and U2), L-GONE (C, KEY_ATTENTION removed 2025-06-01).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from api.auth import Principal, Role
from graph.ingest.importer import Importer
from tests.exchange_folder import write_folder
from tests.scenario import P1, A, B, C

U1, U2, U3 = "113205001000000161", "11320500100000024U", "11320500100000032N"
AUTH1, AUTH2 = "113205002000000133", "11320500200000021X"

AUTHORITY = Principal(Role.AUTHORITY, credential_id="k-auth1", name="test", agency_name="苏州市发展和改革委员会",
                      agency_uscc=AUTH1)
OTHER_AUTHORITY = Principal(Role.AUTHORITY, credential_id="k-auth2", name="test", agency_name="苏州市市场监督管理局",
                            agency_uscc=AUTH2)
UNIT1 = Principal(Role.UNIT, credential_id="k-u1", name="test", agency_name="苏州市财政局", agency_uscc=U1)
UNIT2 = Principal(Role.UNIT, credential_id="k-u2", name="test", agency_name="苏州市税务局", agency_uscc=U2)
UNIT3 = Principal(Role.UNIT, credential_id="k-u3", name="test", agency_name="中国银行苏州分行", agency_uscc=U3)
INVESTIGATOR = Principal(Role.INVESTIGATOR, credential_id="k-inv", name="test", agency_name="苏州市公安局",
                         agency_uscc=AUTH2)
ADMIN = Principal(Role.ADMIN, credential_id="k-admin", name="test")
PUBLIC = Principal(Role.PUBLIC)


def rec(record_id: str, severity: str, decided: str, subject: str = A) -> dict:
    return {"record_id": record_id, "category": "ADMIN_PENALTY", "severity": severity, "subject_kind": "ORGANISATION",
            "subject_id": subject, "decided_on": decided, "authority_name": "苏州市市场监督管理局",
            "authority_uscc": AUTH2}


def measure(code: str, list_type: str, unit: str | None, domain: str = "", name: str = "") -> dict:
    return {"measure_code": code, "name": name or code, "list_type": list_type, "domain": domain,
            "implementer_name": {U1: "苏州市财政局", U2: "苏州市税务局", U3: "中国银行苏州分行"}.get(unit or "", ""),
            "implementer_uscc": unit or ""}


FILES = {
    "organisations.csv": [{"uscc": A, "name": "深圳示例通信技术有限公司"},
                          {"uscc": B, "name": "北京示例测试科技有限公司"},
                          {"uscc": C, "name": "上海示例贸易有限公司"}],
    "persons.csv": [{"id_number": P1, "name": "张三"}],
    "records.csv": [rec("R1", "SERIOUS", "2026-01-10"), rec("R2", "SERIOUS", "2026-02-01", B),
                    rec("R3", "GENERAL", "2020-01-01"), rec("R4", "GENERAL", "2026-10-01")],
    "measures.csv": [
        measure("M-BID", "BLACKLIST", U1, name="限制参加政府采购"), measure("M-TAX", "BLACKLIST", U2, "税收"),
        measure("M-LOAN", "BLACKLIST", U3), measure("M-FOOD", "BLACKLIST", U2, "食品药品"),
        measure("M-NOBODY", "BLACKLIST", None), measure("M-INSPECT", "KEY_ATTENTION", U1),
    ],
}
ENTRIES = [
    {"entry_id": "L-OLD", "list_type": "BLACKLIST", "domain": "税收", "subject_kind": "ORGANISATION", "subject_id": A,
     "listed_on": "2020-01-01", "valid_until": "2021-01-01", "authority_uscc": AUTH1, "authority_name": "旧"},
    {"entry_id": "L-ACTIVE", "list_type": "BLACKLIST", "domain": "食品药品", "subject_kind": "ORGANISATION",
     "subject_id": B, "listed_on": "2026-01-01", "authority_uscc": AUTH1, "authority_name": "苏州市发展和改革委员会"},
    {"entry_id": "L-GONE", "list_type": "KEY_ATTENTION", "domain": "食品药品", "subject_kind": "ORGANISATION",
     "subject_id": C, "listed_on": "2025-01-01", "removed_on": "2025-06-01"},
]


async def load(graph, folder: Path, entries: bool = False, import_day: date | None = None,
               more_entries: list[dict] = ()) -> Importer:
    files = dict(FILES)
    if entries:
        files["list_entries.csv"] = ENTRIES + list(more_entries)
    rejects: list = []
    importer = Importer(graph, on_reject=rejects.append, import_day=import_day)
    await importer.import_folder(write_folder(folder, files))
    assert rejects == [], rejects
    return importer
