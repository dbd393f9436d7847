"""`creditfile import --bulk` (graph/ingest/bulk.py) against `creditfile import` on the same folder: the same graph
(every node and relationship with its properties, the schema, the pushes), the same reports and rejects; a
non-empty database refused in one line; a killed load leaves the database absent or whole, never half.

One bulk load into a Neo4j of its own serves the module (an offline import needs a stopped database, so not the
suite's); the online import runs on the suite's Neo4j."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncGraphDatabase

import settings
from graph import local
from graph.identifiers import make_uscc
from graph.ingest import bulk
from graph.ingest.importer import Importer, Reject
from graph.local import offline
from graph.store.driver import to_python
from graph.synthetic.generator import generate
from tests.exchange_folder import ORG_FLAGGED

DAY = date(2026, 11, 26)  # the generator's last day: many of its entries are active on it
NEW_ORG = make_uscc("9", "1", "110105", "MA0BULK1")
UNIT = make_uscc("1", "1", "110105", "00000019")
# Rows beyond the generator's: quoted cells with commas, a line break, a quote and a backslash (a file that is not
# plain, a multi-line value), a USCC failing its check characters, a year before 1000, one ID number under two ID
# types (links fan out to both persons), records with no penalty type (an empty list) and with padded ones, and an
# entry active on DAY whose measures name a unit (pushes).
EXTRA = {
    "organisations.csv": [f'{NEW_ORG},"甲，乙,公司\n第二行",有限责任公司,,2020-01-01,存续,"北京市, 1号"',
                          f'{ORG_FLAGGED},"引号""和\\反斜杠",,,0999-12-31,,'],
    "persons.csv": ["PASSPORT,E1234567,护照甲", "OTHER,e1234567,其他乙"],
    "roles.csv": [f"E1234567,{NEW_ORG},EXECUTIVE,董事,,"],
    "shareholdings.csv": [f"PERSON,E1234567,{NEW_ORG},30,2021-01-01,"],
    "records.csv": ["RX1,COURT_DEFAULTER,serious,PERSON,e1234567,,,,,,,,,2024-05-05,,,,,,,",
                    f"RX2,ADMIN_PENALTY,MINOR,ORGANISATION,{NEW_ORG},,,,,警告 ; ;罚款,,1.5,,2026-11-01,,,,,,,"],
    "record_persons.csv": ["RX1,E1234567,直接责任人"],
    "list_entries.csv": ["LX1,BLACKLIST,税收,PERSON,E1234567,2026-01-01,,,,,,RX1"],
    "events.csv": ["EX1,TRAINING,PERSON,E1234567,2026-01-02,,RX1,LX1,M-BID-BAN,,8,,,"],
}
NODE_KEYS = {"Organisation": ("uscc",), "Person": ("idType", "idNumber"), "Record": ("recordId",),
             "ListEntry": ("entryId",), "Measure": ("code",), "Event": ("eventId",), "Push": ("entryId", "measureCode")}
RANDOM = {"Person": ("pid",), "Push": ("pushId", "changedAt")}  # made afresh by each import


def make_folder(folder: Path) -> Path:
    generate(folder, orgs=300, seed=5, bad_rows=48)
    for file, rows in EXTRA.items():
        with (folder / file).open("a", encoding="utf-8", newline="") as handle:
            handle.write("".join(row + "\r\n" for row in rows))
    with (folder / "measures.csv").open(encoding="utf-8", newline="") as handle:
        measures = list(csv.DictReader(handle))
    for i, row in enumerate(measures):
        row["implementer_uscc"] = UNIT if i % 2 == 0 else ""
    with (folder / "measures.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(measures[0]))
        writer.writeheader()
        writer.writerows(measures)
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return make_folder(tmp_path_factory.mktemp("bulk-folder"))


@pytest.fixture(scope="module")
async def loaded(folder: Path, tmp_path_factory) -> AsyncIterator[tuple[bulk.BulkResult, list[Reject], Path]]:
    data = tmp_path_factory.mktemp("bulk-neo4j")
    rejects: list[Reject] = []
    result = await bulk.load(folder, data, port=local.free_port(), on_reject=rejects.append, import_day=DAY)
    try:
        yield result, rejects, data
    finally:
        local.stop(data)


async def snapshot(uri: str) -> dict[str, Any]:
    """Every node and relationship (by key, with its properties but those made at random), the schema."""
    driver = AsyncGraphDatabase.driver(uri, auth=settings.neo4j().auth, notifications_min_severity="OFF")
    try:
        nodes, _, _ = await driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
        rels, _, _ = await driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, labels(a) AS al, properties(a) AS a, "
            "labels(b) AS bl, properties(b) AS b")
        schema, _, _ = await driver.execute_query(
            "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint, state")
    finally:
        await driver.close()
    shot: dict[str, Any] = {"nodes": {}, "rels": {}, "schema": sorted(tuple(map(str, r.values())) for r in schema)}
    for record in nodes:
        (label,) = record["labels"]
        props = to_python(record["props"])
        key = _key(label, props)
        for name in RANDOM.get(label, ()):
            props.pop(name)
        shot["nodes"].setdefault(label, {})[key] = props
    for record in rels:
        ends = (_key(record["al"][0], record["a"]), _key(record["bl"][0], record["b"]))
        shot["rels"].setdefault(record["type"], []).append((ends, sorted(to_python(record["props"]).items())))
    for rel_type in shot["rels"]:
        shot["rels"][rel_type].sort()
    return shot


def _key(label: str, props: dict[str, Any]) -> tuple:
    return (label, *(props[k] for k in NODE_KEYS[label]))


async def test_the_bulk_load_makes_the_graph_and_rejects_of_creditfile_import(graph, folder, loaded) -> None:
    result, bulk_rejects, _ = loaded
    online_rejects: list[Reject] = []
    reports = await Importer(graph, import_day=DAY, on_reject=online_rejects.append).import_folder(folder)
    assert sorted(map(_reject, bulk_rejects)) == sorted(map(_reject, online_rejects))
    assert len(bulk_rejects) == 48  # the bad rows of the generator
    assert [vars(r) for r in result.reports] == [vars(r) for r in reports]

    online, offline_ = await snapshot(os.environ["NEO4J_URI"]), await snapshot(result.instance.uri)
    counts = {label: len(nodes) for label, nodes in online["nodes"].items()}
    assert {label: len(nodes) for label, nodes in offline_["nodes"].items()} == counts
    assert counts["Person"] > 800 and counts["Push"] > 10
    assert {t: len(r) for t, r in offline_["rels"].items()} == {t: len(r) for t, r in online["rels"].items()}
    for label, nodes in online["nodes"].items():
        assert offline_["nodes"][label] == nodes, label
    for rel_type, rels in online["rels"].items():
        assert offline_["rels"][rel_type] == rels, rel_type
    assert offline_["schema"] == online["schema"]
    assert result.pushed == counts["Push"]
    # The fan-out of one ID number held under two ID types, as MATCH (p:Person {idNumber: …}) makes it.
    assert len([r for r in online["rels"]["EXECUTIVE"] if r[0][1] == ("Organisation", NEW_ORG)]) == 2


def _reject(r: Reject) -> tuple:
    return r.file, r.line, r.column, r.value, r.reason


async def test_persons_get_distinct_random_uuids(loaded) -> None:
    result, _, _ = loaded
    driver = AsyncGraphDatabase.driver(result.instance.uri, auth=settings.neo4j().auth)
    try:
        records, _, _ = await driver.execute_query("MATCH (p:Person) RETURN collect(p.pid) AS pids")
    finally:
        await driver.close()
    pids = records[0]["pids"]
    assert len(set(pids)) == len(pids) and all(uuid.UUID(p).version == 4 and str(uuid.UUID(p)) == p for p in pids)


def test_a_non_empty_database_is_refused_in_one_line(folder, loaded, tmp_path) -> None:
    _, _, data = loaded
    done = subprocess.run([sys.executable, "-m", "api.cli", "import", "--bulk", str(folder), "--data", str(data),
                           "--rejects", str(tmp_path / "rejects.csv")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    error = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "nodes and the bulk load only fills an empty one" in error[0]
    assert "use `creditfile import` to add to it" in error[0]
    assert not (tmp_path / "rejects.csv").exists()
    assert local.status(data) is not None  # and the instance serves on


async def test_a_load_interrupted_after_its_import_is_finished_by_the_next(folder, loaded) -> None:
    result, _, data = loaded
    marker = {"import_day": DAY.isoformat(), "folder": str(folder), "empty_penalty_types": ["RX1"], "implementers": 7}
    (data / "data" / bulk.MARKER).write_text(json.dumps(marker))
    again = await bulk.load(folder, data, port=result.instance.port)
    assert again.resumed and again.pushed == 0  # every active entry has its pushes already: none twice
    assert not (data / "data" / bulk.MARKER).exists()


def test_a_killed_load_leaves_no_database_and_no_importer(folder, tmp_path) -> None:
    data = tmp_path / "neo4j"
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "import", "--bulk", str(folder), "--data", str(data),
                             "--port", str(local.free_port())], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = data / offline.STAGING / "import.log"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (log.exists() and log.stat().st_size):
        time.sleep(0.05)
    assert log.exists(), "the importer did not start"
    importer = [pid for pid in _importer_pids(data) if pid != proc.pid]
    os.kill(proc.pid, signal.SIGKILL)  # mid-import, as a terminal closed or an OOM killer would
    proc.wait()
    for _ in range(100):
        if not any(_alive(pid) for pid in importer):
            break
        time.sleep(0.1)
    assert importer and not any(_alive(pid) for pid in importer)  # the importer died with its parent
    assert not (data / "data").exists()  # absent: the store never left the staging folder
    offline.clear_leftovers(data)
    assert sorted(p.name for p in data.iterdir()) == []


def _importer_pids(data: Path) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(data).encode() in (proc / "environ").read_bytes():
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_install_swaps_the_data_folder_in_one_rename(tmp_path) -> None:
    (tmp_path / "data" / "databases" / "neo4j").mkdir(parents=True)
    (tmp_path / "data" / "old").touch()
    staged = tmp_path / offline.STAGING / "data"
    (staged / "databases" / "neo4j").mkdir(parents=True)
    (staged / "new").touch()
    (tmp_path / offline.STAGING / "import.log").write_text("IMPORT DONE")
    offline.install(tmp_path, staged)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["databases", "new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "logs"]
    assert (tmp_path / "logs" / offline.IMPORT_LOG).read_text() == "IMPORT DONE"
