"""Import benchmark: generate N organisations (about ten rows each) and import them into an empty local
Neo4j with `creditfile import`, end to end. Prints rows per second and the importer's peak memory, for
N/4 and N, so that flat memory shows.

    make bench-import                     # N = 100,000
    make bench-import ARGS="--orgs 20000"
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from benchmarks.common import count_rows, folder_for, fresh_neo4j


def run_once(orgs: int, batch_size: int) -> dict:
    folder = folder_for(orgs)
    rows = count_rows(folder)
    with fresh_neo4j():
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "api.cli", "import", str(folder), "--batch-size",
                                 str(batch_size)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        err = proc.stderr.read()
        # wait4 gives the importer's own resource usage (not Neo4j's, which is another child of ours)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"import failed ({proc.returncode}): {err[-2000:]}")
    return {"orgs": orgs, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds,
            "peak_rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    args = parser.parse_args()
    print(f"{'orgs':>9} {'rows':>10} {'seconds':>8} {'rows/s':>8} {'importer peak RSS':>18}")
    for orgs in (args.orgs // 4, args.orgs):
        result = run_once(orgs, args.batch_size)
        print(f"{result['orgs']:>9,} {result['rows']:>10,} {result['seconds']:>8.1f} {result['rows_per_s']:>8,.0f} "
              f"{result['peak_rss_mb']:>15.0f} MB", flush=True)


if __name__ == "__main__":
    main()
