"""`creditfile import` and `generate` as a user runs them: exit codes, summary, kill and resume."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from graph.ingest.importer import Importer
from graph.synthetic.generator import generate
from tests.test_ingest import fingerprint

CLI = [sys.executable, "-m", "api.cli"]


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=os.environ.copy(), timeout=600,
                          **kwargs)


def test_generation_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    generate(tmp_path / "a", orgs=300, seed=7, bad_rows=30)
    generate(tmp_path / "b", orgs=300, seed=7, bad_rows=30)
    generate(tmp_path / "c", orgs=300, seed=8)
    for file in (tmp_path / "a").iterdir():
        assert file.read_bytes() == (tmp_path / "b" / file.name).read_bytes(), file.name
    assert (tmp_path / "a/organisations.csv").read_bytes() != (tmp_path / "c/organisations.csv").read_bytes()


async def test_generated_10000_organisations_import_with_no_rejects(graph, tmp_path: Path) -> None:
    counts = generate(tmp_path, orgs=10_000, seed=11)
    rejects: list = []
    reports = await Importer(graph, on_reject=rejects.append).import_folder(tmp_path)
    assert rejects == []
    assert {r.file: r.imported for r in reports} == counts
    q = graph.driver.execute_query
    top = (await q("MATCH (p:Person)-[:LEGAL_REPRESENTATIVE]->(o) WITH p, count(DISTINCT o) AS n "
                   "RETURN max(n) AS top, percentileCont(n, 0.5) AS median")).records[0]
    assert top["top"] >= 24 and top["median"] == 1  # heavy-tailed: a few lead dozens
    chains = (await q("MATCH p = (:Organisation)-[:SHAREHOLDER]->(:Organisation)-[:SHAREHOLDER]->(:Organisation) "
                      "RETURN count(p) AS n")).records[0]["n"]
    assert chains > 0
    kinds = (await q("MATCH (r:Record) RETURN count(DISTINCT r.category) AS c, count(DISTINCT r.severity) AS s, "
                     "count(DISTINCT r.decidedOn.year) AS y")).records[0]
    assert (kinds["c"], kinds["s"]) == (6, 3) and kinds["y"] >= 8


async def test_cli_exit_status_and_summary(graph, tmp_path: Path) -> None:
    generate(tmp_path / "good", orgs=50, seed=3)
    done = cli("import", str(tmp_path / "good"))
    assert done.returncode == 0, done.stderr
    assert "organisations.csv" in done.stderr and "50" in done.stderr
    generate(tmp_path / "bad", orgs=50, seed=3, bad_rows=24)
    done = cli("import", str(tmp_path / "bad"), "--rejects", str(tmp_path / "rejects.csv"))
    assert done.returncode == 1
    lines = (tmp_path / "rejects.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,line,column,value,reason" and len(lines) == 25


async def test_cli_counts_every_row_of_a_file_refused_at_its_header(graph, tmp_path: Path) -> None:
    generate(tmp_path, orgs=5, seed=1)
    (tmp_path / "roles.csv").write_text("id_number,uscc,start_on\n1,2,3\n4,5,6\n\n7,8,9\n", encoding="utf-8")
    done = cli("import", str(tmp_path), "--rejects", str(tmp_path / "rejects.csv"))
    assert done.returncode == 1
    assert "3 rejected rows" in done.stderr  # the report has one line for the three
    with (tmp_path / "rejects.csv").open(encoding="utf-8", newline="") as handle:
        _, *rows = csv.reader(handle)
    assert [row[:4] for row in rows] == [["roles.csv", "1", "role", ""]]
    assert rows[0][4].startswith("required column role missing from the header")
    assert rows[0][4].endswith("no row of this file was imported (3 rows, lines 2–5)")


def test_cli_says_in_one_line_when_neo4j_is_away(tmp_path: Path) -> None:
    generate(tmp_path, orgs=5, seed=1)
    env = {**os.environ, "NEO4J_URI": "bolt://127.0.0.1:1"}
    done = subprocess.run([*CLI, "import", str(tmp_path)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in done.stderr
    assert "Traceback" not in done.stderr


async def test_an_import_killed_part_way_completes_when_run_again(graph, tmp_path: Path) -> None:
    generate(tmp_path, orgs=1500, seed=5)
    await Importer(graph).import_folder(tmp_path)
    complete = await fingerprint(graph)
    await graph.driver.execute_query("MATCH (n) DETACH DELETE n")

    proc = subprocess.Popen([*CLI, "import", str(tmp_path), "--batch-size", "100"], env=os.environ.copy(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill it once it is inside the roles file, well past the start
        roles = (await graph.driver.execute_query(
            "MATCH ()-[r:LEGAL_REPRESENTATIVE|EXECUTIVE]->() RETURN count(r) AS n")).records[0]["n"]
        if roles > 300:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = await fingerprint(graph)
    assert partial != complete  # it really stopped part-way
    await Importer(graph).import_folder(tmp_path)
    assert await fingerprint(graph) == complete
