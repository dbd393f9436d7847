"""What the command line shows around an import (`creditfile import`, the demo set of `make run`): the
driver, the progress bar, the rejects file and the per-file summary. The import itself is graph/ingest."""

from __future__ import annotations

import logging
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

import queries
import settings
from graph.ingest.importer import Importer, write_rejects
from graph.store import schema as graph_schema
from graph.store.driver import UNAVAILABLE, Graph, open_driver
from graph.synthetic.generator import generate


async def run_import(folder: Path, rejects_path: Path, batch_size: int, console: Console) -> int:
    """Import and print the summary; returns the number of rejected rows. ConnectionError when Neo4j is away."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of exchange CSV files")
    # Two batches in flight may meet on a node; the driver retries and logs a warning a clerk cannot act on.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    driver = open_driver()
    try:
        with write_rejects(rejects_path) as rejects:
            await graph_schema.apply(driver)
            with Progress(TextColumn("{task.description:20}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                          TimeRemainingColumn(), console=console, transient=True) as progress:
                tasks: dict[str, TaskID] = {}

                def on_progress(file: str, done: int, total: int) -> None:
                    if file not in tasks:
                        tasks[file] = progress.add_task(file, total=total or 1)
                    progress.update(tasks[file], completed=done)

                importer = Importer(Graph(driver, bounded=False), batch_size=batch_size, on_reject=rejects.write,
                                    on_progress=on_progress)
                reports = await importer.import_folder(folder, ignore=(rejects_path,))
    except UNAVAILABLE as exc:
        raise ConnectionError(
            f"cannot reach Neo4j at {settings.neo4j().effective_uri} ({exc.__class__.__name__}); "
            "start it with `creditfile neo4j start` or set NEO4J_URI; rows already written are kept, "
            "run the same import again to complete it"
        ) from None
    finally:
        await driver.close()
    rejected = rejects.count
    table = Table("file", "read", "imported", "rejected", title=f"import of {folder}")
    for report in reports:
        table.add_row(report.file, f"{report.read:,}", f"{report.imported:,}", f"{report.rejected:,}")
    console.print(table)
    for report in reports:
        for warning in report.warnings:
            console.print(f"[yellow]warning:[/yellow] {warning}")
    console.print(f"{importer.pushed:,} pushes made to units for entries active on {importer.import_day} "
                  f"that had none (定向推送), in {importer.push_seconds:.1f} s")
    rows = sum(r.rejected for r in reports)
    if rows:  # rows, not report lines: a file refused at its header is one line for all its rows
        note = "" if rows == rejected else " (a file refused at its header is one line there)"
        console.print(f"{rows:,} rejected rows: see {rejects_path}{note}")
    return rows


DEMO_SEED = 2026


async def load_demo(orgs: int, console: Console) -> None:
    """The demo set of `make run`: a generated exchange folder, imported once into an empty graph."""
    driver = open_driver()
    try:
        rows = await Graph(driver).run(queries.get("graph_is_empty"))
    finally:
        await driver.close()
    if not rows[0]["empty"]:
        console.print("the graph holds data already; the demo set is not loaded again")
        return
    folder = settings.app().home / f"demo-{orgs}-{DEMO_SEED}"
    if not (folder / "organisations.csv").exists():
        console.print(f"generating a demo set of {orgs:,} organisations in {folder} …")
        generate(folder, orgs=orgs, seed=DEMO_SEED)
    await run_import(folder, folder / "rejects.csv", batch_size=10_000, console=console)
