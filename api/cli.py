"""The `creditfile` command: local Neo4j, serving, import, generation."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import typer
from rich.console import Console

import settings
from graph import local

app = typer.Typer(no_args_is_help=True, add_completion=False, help="creditfile: the shared public credit file on Neo4j.")
neo4j_app = typer.Typer(no_args_is_help=True, help="A local Neo4j from the official Maven Central jars.")
app.add_typer(neo4j_app, name="neo4j")
console = Console(stderr=True)

DataOpt = typer.Option(None, "--data", help="Data folder of the instance (default .creditfile/neo4j-data).")


def fail(message: str, code: int = 1) -> None:
    console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


@neo4j_app.command("start")
def neo4j_start(port: int = typer.Option(7687, help="Bolt port."), data: Path = DataOpt) -> None:
    """Start Neo4j in the background; returns once Bolt answers and prints its URI."""
    try:
        instance = local.start(port=port, data=data)
    except (local.LocalNeo4jError, settings.SettingsError) as exc:
        fail(str(exc))
    print(instance.uri)


@neo4j_app.command("stop")
def neo4j_stop(data: Path = DataOpt) -> None:
    """Stop the Neo4j serving this data folder."""
    if not local.stop(data):
        console.print(f"no Neo4j running on {data or local.default_data_dir()}")


@neo4j_app.command("status")
def neo4j_status(data: Path = DataOpt) -> None:
    """Say whether a Neo4j serves this data folder (exit 3 when none does)."""
    instance = local.status(data)
    if instance is None:
        print(f"stopped ({data or local.default_data_dir()})")
        raise typer.Exit(3)
    print(f"running {instance.uri} pid {instance.pid} data {instance.data}")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000,
          workers: int = typer.Option(1, min=1, max=32, help="Server processes (each with its own driver).")) -> None:
    """Serve GraphQL (and GraphiQL) at http://HOST:PORT/graphql."""
    import uvicorn

    _ensure_assets()
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, log_level="info", workers=workers)


@app.command()
def assets() -> None:
    """Fetch GraphiQL's assets from the npm registry (pinned by hash) so the page works offline."""
    from api import assets as asset_files

    try:
        print(asset_files.fetch())
    except asset_files.AssetError as exc:
        fail(str(exc))


def _ensure_assets() -> None:
    from api import assets as asset_files

    if asset_files.missing():
        try:
            asset_files.fetch()
        except asset_files.AssetError as exc:
            console.print(f"[yellow]warning:[/yellow] GraphiQL page will not load: {exc}")


@app.command()
def run(
    host: str = "127.0.0.1",
    port: int = 8000,
    demo_orgs: int = typer.Option(2000, help="Organisations in the demo set loaded into an empty graph."),
) -> None:
    """Everything for a first look: local Neo4j (unless NEO4J_URI is set), schema, demo data, server."""
    started = None
    if settings.neo4j().uri is None:
        try:
            started = local.start()
        except local.LocalNeo4jError as exc:
            fail(str(exc))
        console.print(f"Neo4j running at {started.uri} (data {started.data})")
    try:
        from graph.demo import load_demo

        asyncio.run(load_demo(demo_orgs, console))
        console.print(f"GraphiQL: http://{host}:{port}/graphql")
        serve(host=host, port=port, workers=1)
    finally:
        if started is not None:
            console.print("stopping Neo4j…")
            local.stop(started.data)


@app.command("import")
def import_(
    folder: Path = typer.Argument(..., help="A folder of exchange-format CSV files."),
    rejects: Path = typer.Option(None, help="Where to write the rejects report (default FOLDER/rejects.csv)."),
    batch_size: int = typer.Option(10_000, min=1, max=100_000, help="Rows per write transaction."),
) -> None:
    """Import an exchange folder; exit 0 when no row was rejected, 1 otherwise."""
    from graph.bulk import run_import

    try:
        rejected = asyncio.run(run_import(folder, rejects or folder / "rejects.csv", batch_size, console))
    except (FileNotFoundError, ConnectionError) as exc:
        fail(str(exc), code=2)
    raise typer.Exit(0 if rejected == 0 else 1)


@app.command()
def generate(
    folder: Path = typer.Argument(..., help="Where to write the exchange folder."),
    orgs: int = typer.Option(..., "--orgs", min=1, help="Number of organisations."),
    seed: int = typer.Option(2026, help="Same seed, same folder."),
    bad_rows: int = typer.Option(0, "--bad-rows", min=0, help="Invalid rows to sprinkle in, of every kind."),
) -> None:
    """Write a realistic synthetic exchange folder."""
    from graph.generator import generate as write_folder

    counts = write_folder(folder, orgs=orgs, seed=seed, bad_rows=bad_rows)
    for file, n in counts.items():
        console.print(f"{file:20} {n:>10,} rows")


def main() -> None:
    try:
        app()
    except settings.SettingsError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
