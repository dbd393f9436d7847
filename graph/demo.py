"""The demo set of `make run`: a generated exchange folder, imported once into an empty graph."""

from __future__ import annotations

from rich.console import Console

import queries
import settings
from graph.bulk import run_import
from graph.driver import Graph, open_driver
from graph.generator import generate

DEMO_SEED = 2026


async def load_demo(orgs: int, console: Console) -> None:
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
