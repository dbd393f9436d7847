"""Bulk-load benchmark: `creditfile import --bulk DIR` of a generated folder of N organisations (about ten rows
each) into a new local Neo4j, end to end: process start, column-wise validation, the offline importer, Neo4j's
start, constraints and indexes, pushes. Prints rows per second, the steps' seconds as the command reports them,
and the command's own peak memory (Python; the Java importer and Neo4j are its children).

    make bench-bulk                          # N = 100,000
    make bench-bulk ARGS="--orgs 1000000"    # bench-data/ generates and keeps the folder first (it takes a while)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import count_rows, folder_for
from graph import local

STEPS = re.compile(r"(check|validate|import|start|finish) ([0-9.]+) s")


def run_once(orgs: int) -> dict:
    folder = folder_for(orgs)
    rows = count_rows(folder)
    data = Path(tempfile.mkdtemp(prefix="creditfile-bench-bulk-"))
    try:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "api.cli", "import", "--bulk", str(folder), "--data",
                                 str(data), "--port", str(local.free_port()), "--rejects", str(data / "rejects.csv")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        err = proc.stderr.read() if proc.stderr else ""
        _, status, usage = os.wait4(proc.pid, 0)  # the command's own resources, not its children's
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"bulk load failed ({os.waitstatus_to_exitcode(status)}): {err[-2000:]}")
    finally:
        local.stop(data)
        shutil.rmtree(data, ignore_errors=True)
    steps = {name: float(value) for name, value in STEPS.findall(" ".join(err.split()))}
    return {"orgs": orgs, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds,
            "peak_rss_mb": usage.ru_maxrss / 1024, "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=100_000)
    args = parser.parse_args()
    print(f"{'orgs':>9} {'rows':>10} {'seconds':>8} {'rows/s':>8} {'peak RSS':>9}  steps (s)")
    result = run_once(args.orgs)
    steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in result["steps"].items())
    print(f"{result['orgs']:>9,} {result['rows']:>10,} {result['seconds']:>8.1f} {result['rows_per_s']:>8,.0f} "
          f"{result['peak_rss_mb']:>6.0f} MB  {steps}", flush=True)


if __name__ == "__main__":
    main()
