"""Neo4j's offline importer, `neo4j-admin database import full`, run from the jars the local launcher runs on
(org.neo4j.cli.AdminTool of neo4j-command-line, with the import command of neo4j-import-tool, both dependencies of
org.neo4j:neo4j), for the bulk load of an empty database.

The importer writes a new store under a staging folder inside the instance's folder; `install` then puts the
staging `data` folder (databases/ and transactions/) in place of the instance's with renames on one file system, the
last of which is the moment the new database appears: killed before it, the instance keeps what it had; killed in
the middle, it has no `data` folder, and starts empty. Never half a store.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from graph import local

ADMIN_MAIN = "org.neo4j.cli.AdminTool"
STAGING = ".bulk-staging"  # the importer's NEO4J_HOME, inside the instance's folder (so on its file system)
REPLACED = ".bulk-replaced"  # the data folder being replaced, until it is deleted
FILES = ".bulk-files"  # the CSV files for the importer, while it runs
IMPORT_LOG = "bulk-import.log"  # in the instance's logs/ after a load
DATABASE = "neo4j"
PR_SET_PDEATHSIG = 1  # prctl(2)
IMPORT_HEAP = "2g"  # the importer keeps its caches off the heap (it sizes them from the free memory)


def staging_dir(data: Path) -> Path:
    return data / STAGING


def clear_leftovers(data: Path) -> None:
    """Delete what a killed bulk load left beside the instance's data (never the instance's own `data`)."""
    for name in (STAGING, REPLACED, FILES):
        shutil.rmtree(data / name, ignore_errors=True)


def import_full(data: Path, nodes: Sequence[tuple[str | None, Path]], relationships: Sequence[tuple[str | None, Path]],
                *, threads: int, multiline: bool) -> Path:
    """Import the CSV files into a new store under the staging folder; returns the staging `data` folder."""
    java = shutil.which("java")
    if java is None:
        raise local.LocalNeo4jError("java not found on PATH: install Java 17+ for the bulk load")
    home = local.ensure_installed().resolve()  # the importer runs in the staging folder
    staging = staging_dir(data)
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "conf").mkdir(parents=True)
    # Only the folders: the importer reads the rest of its settings from its defaults.
    (staging / "conf" / "neo4j.conf").write_text(f"server.directories.data={staging / 'data'}\n"
                                                 f"server.directories.logs={staging / 'logs'}\n")
    cmd = [java, f"-Xmx{IMPORT_HEAP}", *local.JVM_FLAGS, "-cp", f"{home / 'lib'}/*", ADMIN_MAIN,
           "database", "import", "full", DATABASE, "--id-type=integer", f"--threads={threads}",
           "--bad-tolerance=0",  # every row was validated: a bad entry here is a bug, not data to skip
           f"--multiline-fields={'true' if multiline else 'false'}", f"--report-file={staging / 'import.report'}",
           *(_group("--nodes", label, path) for label, path in nodes),
           *(_group("--relationships", rel_type, path) for rel_type, path in relationships)]
    env = {**os.environ, "NEO4J_HOME": str(staging), "NEO4J_CONF": str(staging / "conf")}
    log = staging / "import.log"
    with log.open("w") as out:
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=staging,
                              preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    if done.returncode != 0:
        raise local.LocalNeo4jError(f"neo4j-admin database import failed: {_cause(log)} (log: {log})")
    return staging / "data"


def _die_with_parent() -> None:
    """Run in the importer's process before it starts Java: the kernel kills it when its parent dies, so a bulk
    load killed mid-import leaves no importer writing on (subprocess.run stops it on an exception already)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _group(option: str, name: str | None, path: Path) -> str:
    return f"{option}={name}={path}" if name else f"{option}={path}"


def _cause(log: Path) -> str:
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    causes = [line for line in lines if "Exception" in line or "Error" in line or "error" in line]
    return (causes or lines or ["no output"])[-1][:400]


def install(data: Path, staged: Path) -> None:
    """Put the staged `data` folder in place of the instance's (which holds an empty database, or nothing)."""
    target, replaced = data / "data", data / REPLACED
    shutil.rmtree(replaced, ignore_errors=True)
    if target.exists():
        target.rename(replaced)
    staged.rename(target)  # the new database is there from this rename on
    shutil.rmtree(replaced, ignore_errors=True)
    log = staging_dir(data) / "import.log"
    if log.exists():  # what the importer said, kept beside Neo4j's own logs
        (data / "logs").mkdir(exist_ok=True)
        log.replace(data / "logs" / IMPORT_LOG)
    shutil.rmtree(staging_dir(data), ignore_errors=True)
