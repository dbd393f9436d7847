"""Shared by the benchmark scripts: a generated folder per size (cached) and a fresh local Neo4j."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import settings
from graph import local
from graph.synthetic.generator import generate

BENCH_DATA = Path("bench-data")


def folder_for(orgs: int, seed: int = 2026) -> Path:
    folder = BENCH_DATA / f"orgs-{orgs}-seed-{seed}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {orgs:,} organisations into {folder} …", flush=True)
        generate(folder, orgs=orgs, seed=seed)
        (folder / ".complete").touch()
    return folder


def wait_ready(proc: subprocess.Popen, url: str, what: str) -> subprocess.Popen:
    """`proc` once `url` answers 200 (within 60 s); killed, and the benchmark stopped, if it never does."""
    import httpx2 as httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited at start-up (code {proc.returncode}); see its message above")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"{what} did not become ready")


def count_rows(folder: Path) -> int:
    total = 0
    for csv_file in folder.glob("*.csv"):
        if csv_file.name != "rejects.csv":
            with csv_file.open("rb") as handle:
                total += sum(1 for _ in handle) - 1
    return total


@contextlib.contextmanager
def fresh_neo4j() -> Iterator[str]:
    """An empty local Neo4j on a free port for the length of the block; its URI is put in NEO4J_URI."""
    data = Path(tempfile.mkdtemp(prefix="creditfile-bench-"))
    instance = local.start(port=local.free_port(), data=data)
    previous = os.environ.get("NEO4J_URI")
    os.environ["NEO4J_URI"] = instance.uri
    settings.neo4j.cache_clear()
    try:
        yield instance.uri
    finally:
        local.stop(data)
        shutil.rmtree(data, ignore_errors=True)
        if previous is None:
            os.environ.pop("NEO4J_URI", None)
        else:
            os.environ["NEO4J_URI"] = previous
        settings.neo4j.cache_clear()


@contextlib.contextmanager
def loaded_neo4j(orgs: int, seed: int = 2026) -> Iterator[str]:
    """A local Neo4j holding the generated set of `orgs` organisations (imported once, kept in bench-data/)."""
    import asyncio

    from rich.console import Console

    from api.importing import run_import

    data = (BENCH_DATA / f"neo4j-{orgs}-seed-{seed}").resolve()
    folder = folder_for(orgs, seed)
    instance = local.start(port=local.free_port(), data=data)
    previous = os.environ.get("NEO4J_URI")
    os.environ["NEO4J_URI"] = instance.uri
    settings.neo4j.cache_clear()
    try:
        if not (data / ".loaded").exists():
            print(f"importing {folder} into {data} …", flush=True)
            rejected = asyncio.run(run_import(folder, folder / "rejects.csv", 10_000, Console(stderr=True)))
            if rejected:
                raise SystemExit(f"{rejected} rows rejected while loading the benchmark set")
            (data / ".loaded").touch()
        yield instance.uri
    finally:
        local.stop(data)
        if previous is None:
            os.environ.pop("NEO4J_URI", None)
        else:
            os.environ["NEO4J_URI"] = previous
        settings.neo4j.cache_clear()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
