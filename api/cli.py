"""The `creditfile` command: local Neo4j, serving, import, generation."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from rich.console import Console

import settings
from graph import local
from graph.rules import CHINA

if TYPE_CHECKING:
    from graph.store.driver import Graph

T = TypeVar("T")

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="creditfile: the shared public credit file on Neo4j.")
neo4j_app = typer.Typer(no_args_is_help=True, help="A local Neo4j from the official Maven Central jars.")
app.add_typer(neo4j_app, name="neo4j")
console = Console(stderr=True)

DataOpt = typer.Option(None, "--data", help="Data folder of the instance (default .creditfile/neo4j-data).")


def fail(message: str, code: int = 1) -> NoReturn:
    console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@neo4j_app.command("start")
def neo4j_start(port: int = typer.Option(7687, help="Bolt port."), data: Path | None = DataOpt) -> None:
    """Start Neo4j in the background; returns once Bolt answers and prints its URI."""
    try:
        instance = local.start(port=port, data=data)
    except (local.LocalNeo4jError, settings.SettingsError) as exc:
        fail(str(exc))
    print(instance.uri)


@neo4j_app.command("stop")
def neo4j_stop(data: Path | None = DataOpt) -> None:
    """Stop the Neo4j serving this data folder."""
    if not local.stop(data):
        console.print(f"no Neo4j running on {data or local.default_data_dir()}")


@neo4j_app.command("status")
def neo4j_status(data: Path | None = DataOpt) -> None:
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

    from api import logs

    _ensure_assets()
    # JSON lines from every process; our request log (api/logs.py) replaces uvicorn's access log.
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_config=logs.config(), log_level="info", access_log=False)


@app.command()
def assets() -> None:
    """Check that the front-end libraries served at /static are installed (`npm ci` installs them)."""
    from api import assets as asset_files

    if missing := asset_files.missing():
        fail(f"{', '.join(missing)} not found under {asset_files.node_modules()}: run `npm ci` in the project "
             "folder (`make install` does)")
    print(asset_files.node_modules())


def _ensure_assets() -> None:
    from api import assets as asset_files

    if missing := asset_files.missing():
        console.print(f"[yellow]warning:[/yellow] GraphiQL, /explore and /dashboard will not load: "
                      f"{', '.join(missing)} not found under {asset_files.node_modules()}; run `npm ci`")


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
        from api.importing import load_demo

        asyncio.run(load_demo(demo_orgs, console))
        # GraphiQL's schema explorer for everyone on a local demo (production keeps PUBLIC introspection off).
        os.environ.setdefault("CREDITFILE_PUBLIC_INTROSPECTION", "1")
        settings.app.cache_clear()
        key = _demo_key()
        console.print(f"GraphiQL: http://{host}:{port}/graphql")
        console.print("Demo key (ADMIN): paste this into GraphiQL's Headers tab (bottom left) to act as ADMIN:")
        print(f'{{"Authorization": "Bearer {key}"}}', flush=True)
        serve(host=host, port=port, workers=1)
    finally:
        if started is not None:
            console.print("stopping Neo4j…")
            local.stop(started.data)


def _demo_key() -> str:
    """A fresh ADMIN key for the demo (each `make run` makes one; `creditfile keys list` shows them)."""
    from graph import audit

    _, token = _with_graph(lambda graph: audit.create_key(
        graph, role="ADMIN", name="make run demo", agency_name=None, agency_uscc=None, region=None,
        subject_kind=None, subject_id=None, now=datetime.now(CHINA)))
    return token


@app.command("import")
def import_(
    folder: Path = typer.Argument(..., help="A folder of exchange-format CSV files."),
    rejects: Path | None = typer.Option(None, help="Where to write the rejects report (default FOLDER/rejects.csv)."),
    batch_size: int = typer.Option(10_000, min=1, max=100_000, help="Rows per write transaction."),
    bulk: bool = typer.Option(False, "--bulk", help="Load an EMPTY local Neo4j with Neo4j's offline importer "
                              "(same validation and rejects report, much faster); leaves Neo4j running on it."),
    data: Path | None = typer.Option(None, "--data", help="With --bulk: data folder of the local instance "
                                     "(default .creditfile/neo4j-data)."),
    port: int = typer.Option(7687, "--port", help="With --bulk: Bolt port when the instance is not running yet."),
) -> None:
    """Import an exchange folder; exit 0 when no row was rejected, 1 otherwise."""
    from api.importing import run_import

    if bulk:
        _bulk_import(folder, rejects or folder / "rejects.csv", data, port)
    try:
        rejected = asyncio.run(run_import(folder, rejects or folder / "rejects.csv", batch_size, console))
    except (FileNotFoundError, ConnectionError) as exc:
        fail(str(exc), code=2)
    raise typer.Exit(0 if rejected == 0 else 1)


# ---- `creditfile import --bulk` (graph/ingest/bulk.py) ----

def _bulk_import(folder: Path, rejects_path: Path, data: Path | None, port: int) -> NoReturn:
    from rich.table import Table

    from graph.ingest import bulk
    from graph.ingest.importer import write_rejects

    if data is None and settings.neo4j().uri is not None:
        fail("--bulk writes the files of a local Neo4j, and NEO4J_URI names another: give --data DIR of a local "
             "instance (creditfile neo4j start --data DIR), or use `creditfile import` without --bulk", code=2)
    partial = rejects_path.with_name(rejects_path.name + ".partial")  # in place once the load is done
    try:
        with write_rejects(partial) as rejects:
            result = asyncio.run(bulk.load(folder, data or local.default_data_dir(), port=port,
                                           on_reject=rejects.write, ignore=(rejects_path, partial),
                                           on_step=lambda step: console.print(f"{step} …")))
    except (bulk.NotEmpty, FileNotFoundError, local.LocalNeo4jError) as exc:
        partial.unlink(missing_ok=True)
        fail(str(exc), code=2)
    if result.resumed:
        partial.unlink()
        console.print(f"the bulk load interrupted earlier is complete: {result.pushed:,} pushes made")
        print(result.instance.uri)
        raise typer.Exit(0)
    partial.replace(rejects_path)
    table = Table("file", "read", "imported", "rejected", title=f"bulk load of {folder}")
    for report in result.reports:
        table.add_row(report.file, f"{report.read:,}", f"{report.imported:,}", f"{report.rejected:,}")
    console.print(table)
    for report in result.reports:
        for warning in report.warnings:
            console.print(f"[yellow]warning:[/yellow] {warning}")
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in result.seconds.items())
    console.print(f"{result.pushed:,} pushes made to units for entries active on {result.import_day} (定向推送); "
                  f"{steps}")
    rows = sum(r.rejected for r in result.reports)
    if rows:
        console.print(f"{rows:,} rejected rows: see {rejects_path}")
    print(result.instance.uri)
    raise typer.Exit(0 if rows == 0 else 1)


@app.command()
def generate(
    folder: Path = typer.Argument(..., help="Where to write the exchange folder."),
    orgs: int = typer.Option(..., "--orgs", min=1, help="Number of organisations."),
    seed: int = typer.Option(2026, help="Same seed, same folder."),
    bad_rows: int = typer.Option(0, "--bad-rows", min=0, help="Invalid rows to sprinkle in, of every kind."),
) -> None:
    """Write a realistic synthetic exchange folder."""
    from graph.synthetic.generator import generate as write_folder

    counts = write_folder(folder, orgs=orgs, seed=seed, bad_rows=bad_rows)
    for file, n in counts.items():
        console.print(f"{file:20} {n:>10,} rows")


keys_app = typer.Typer(no_args_is_help=True, help="API keys: made, listed and revoked here; stored only as a hash.")
app.add_typer(keys_app, name="keys")


def _with_graph(work: Callable[[Graph], Awaitable[T]]) -> T:
    """Run `work(graph)` against NEO4J_URI (or the local default) and close the driver."""
    from graph.store import schema as graph_schema
    from graph.store.driver import UNAVAILABLE, Graph, open_driver

    async def go() -> T:
        driver = open_driver()
        try:
            await graph_schema.apply(driver)
            return await work(Graph(driver))
        finally:
            await driver.close()

    try:
        return asyncio.run(go())
    except UNAVAILABLE as exc:
        fail(f"Neo4j does not answer at {settings.neo4j().effective_uri}: start it (creditfile neo4j start) "
             f"or set NEO4J_URI ({type(exc).__name__})", code=2)


@keys_app.command("create")
def keys_create(
    role: str = typer.Option(..., help="UNIT, INVESTIGATOR, AUTHORITY, DASHBOARD, SUBJECT or ADMIN."),
    name: str = typer.Option(..., help="A label, e.g. '苏州市财政局 采购系统'."),
    agency_name: str | None = typer.Option(None, help="The agency the key acts for (UNIT, AUTHORITY, INVESTIGATOR)."),
    agency_uscc: str | None = typer.Option(None, help="The agency's USCC."),
    region: str | None = typer.Option(None, help="A GB/T 2260 code prefix bounding dashboards (DASHBOARD, AUTHORITY)."),
    subject: str | None = typer.Option(None, help="SUBJECT keys: the USCC or ID number whose own file it reads."),
) -> None:
    """Make a key. Prints its id on the first line and the key alone on the last: it is shown only once."""
    from api.auth import Role, check_combination, subject_kind_of
    from graph import audit

    try:
        role_ = Role(role.strip().upper())
    except ValueError:
        fail(f"--role: one of {', '.join(r.value for r in Role if r is not Role.PUBLIC)}, not {role!r}")
    agency_uscc = agency_uscc.strip().upper() if agency_uscc else None
    subject = subject.strip().upper() if subject else None
    problem = check_combination(role_, agency_name, agency_uscc, region, subject)
    if problem:
        fail(problem)
    if not name.strip():
        fail("--name: give the key a label that says who uses it")

    async def work(graph: Graph) -> tuple[str, str]:
        kind = None
        if subject:
            kind = subject_kind_of(subject)
            if await audit.subject_key(graph, kind, subject) is None:
                fail(f"--subject: no {'organisation' if kind == 'ORGANISATION' else 'person'} {subject} in the "
                     "credit file; a SUBJECT key needs a subject that exists")
        return await audit.create_key(graph, role=role_.value, name=name.strip(), agency_name=agency_name,
                                      agency_uscc=agency_uscc, region=region, subject_kind=kind, subject_id=subject,
                                      now=datetime.now(CHINA))

    key_id, token = _with_graph(work)
    print(key_id)
    console.print(f"role {role_.value}, label {name.strip()!r}; the key is shown once, store it now:")
    print(token)


@keys_app.command("list")
def keys_list() -> None:
    """Every key: id, role, label, agency, region, subject, created, revoked — never the key."""
    from graph import audit

    rows = _with_graph(audit.list_keys)
    print("\t".join(("id", "role", "label", "agency", "region", "subject", "created", "revoked")))
    for k in rows:
        agency = f"{k.agency_name} ({k.agency_uscc})" if k.agency_name else ""
        print("\t".join((k.key_id, k.role, k.name, agency, k.region or "", k.subject_id or "", k.created_at or "",
                         k.revoked_at or "")))


@keys_app.command("revoke")
def keys_revoke(key_id: str = typer.Argument(..., help="The key's id (first line of `keys create`).")) -> None:
    """Revoke a key: refused from the next request on, in every server process."""
    from graph import audit

    revoked = _with_graph(lambda graph: audit.revoke_key(graph, key_id.strip(), datetime.now(CHINA)))
    if revoked is None:
        fail(f"no API key with id {key_id!r}; `creditfile keys list` shows them")
    print(f"{key_id} revoked at {revoked}")


def main() -> None:
    try:
        app()
    except settings.SettingsError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
