"""``kingraph neo4j ...`` and ``kingraph db ...``: the local server and the schema."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from kingraph.cli.common import console, driver, settings, writing
from kingraph.errors import ConfigError

if TYPE_CHECKING:
    from graphdb.server import LocalServer

neo4j_app = typer.Typer(help="Install, start, stop and inspect the project's own Neo4j.",
                        no_args_is_help=True)
db_app = typer.Typer(help="The graph schema and contents.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the neo4j and db groups to the main app."""
    app.add_typer(neo4j_app, name="neo4j")
    app.add_typer(db_app, name="db")


def _local() -> LocalServer:
    from graphdb.server import LocalServer

    config = settings()
    if not config.uses_local_server:
        raise ConfigError(f"KINGRAPH_NEO4J_URI points at an external server ({config.bolt_uri}); "
                          "the local server commands do not apply")
    return LocalServer(config)


@neo4j_app.command()
def install() -> None:
    """Fetch the pinned Neo4j and APOC from Maven Central into var/."""
    server = _local()
    with console.status(f"Assembling Neo4j {server.version} and APOC with Maven..."):
        fetched = server.install()
    verb = "installed" if fetched else "already installed"
    console.print(f"Neo4j {server.version} Community + APOC {verb} in {server.dist}")


@neo4j_app.command()
def start() -> None:
    """Start the local Neo4j in the background and wait until Bolt answers."""
    server = _local()
    with console.status(f"Starting Neo4j {server.version} ({server.settings.neo4j_instance})..."):
        started = server.start()
    state = "started" if started else "already running"
    console.print(f"Neo4j {server.version} {state} at {server.settings.bolt_uri} "
                  f"(pid {server.pid()}, data in {server.home / 'data'})")


@neo4j_app.command()
def stop() -> None:
    """Stop the local Neo4j cleanly."""
    server = _local()
    with console.status("Stopping Neo4j..."):
        stopped = server.stop()
    console.print("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_app.command()
def status() -> None:
    """Report whether the local Neo4j is running (exit 0) or stopped (exit 3)."""
    state = _local().status()
    if state.running:
        console.print(f"running: Neo4j {state.version}, pid {state.pid}, {state.bolt_uri}")
    else:
        console.print(f"stopped: Neo4j {state.version} ({state.home})")
        raise typer.Exit(3)


@neo4j_app.command()
def logs(
    lines: int = typer.Option(40, "--lines", "-n", help="How many lines to show."),
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep printing new lines."),
) -> None:
    """Show the tail of the server log."""
    server = _local()
    console.print(server.log_tail(lines), markup=False, highlight=False)
    if follow:
        for line in server.follow_log():
            console.print(line, markup=False, highlight=False)


@neo4j_app.command()
def password() -> None:
    """Print the password of the local server (kept in var/, mode 600)."""
    console.print(_local().password(), markup=False, highlight=False)


@db_app.command()
def init() -> None:
    """Apply the schema (constraints and indexes); running it twice changes nothing."""
    from graphdb.schema import apply

    config = settings()
    with driver(config) as drv:
        report = apply(drv, config.neo4j_database)
    console.print(f"schema: {len(report.created)} created, {len(report.present)} already present")


@db_app.command()
def reset(
    yes: bool = typer.Option(False, "--yes", help="Confirm: every person, record, edge and "
                                                  "review decision of the graph goes."),
    keep_rows: bool = typer.Option(False, "--keep-rows", help="Keep the store's accepted "
                                   "rows (and load records): the next ingest writes them all "
                                   "again, rebuilding the graph and its applied state."),
    wait: bool = typer.Option(True, help="Wait while another writer holds the graph's "
                                         "store; --no-wait gives up at once (exit 75)."),
) -> None:
    """Empty the graph and its ingest store (loads, rows, fusion state) together, keeping
    the schema, so the next ingest starts from nothing.

    Emptying only the graph leaves the store's earlier loads, which the next ingest
    would apply again with the new drop. The API's keys and audit log are kept.
    With ``--keep-rows`` that is the point: the graph is rebuilt from the stored rows
    (after a damaged applied state, say).
    """
    from graphdb.admin import wipe
    from graphdb.schema import apply
    from ingest.store import Store

    if not yes:
        raise typer.BadParameter("this deletes the whole graph and its load history; "
                                 "add --yes to go ahead", param_hint="--yes")
    config = settings()
    store = Store.for_graph(config.var_dir, config.bolt_uri, config.neo4j_database)
    with writing(store.root, "reset", wait), driver(config) as drv:
        wipe(drv, config.neo4j_database)
        apply(drv, config.neo4j_database)
        if keep_rows:
            store.forget_state()
            store.tidy()
        else:
            store.clear()
    kept = "its accepted rows kept" if keep_rows else "emptied"
    console.print(f"graph emptied (schema kept); ingest store {store.root} {kept}")


@db_app.command()
def stats(json_out: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Counts of persons, records and edges by type, open reviews by kind, the last load."""
    import json

    from graphdb.stats import stats as graph_stats

    config = settings()
    with driver(config) as drv:
        found = graph_stats(drv, config.neo4j_database)
    if json_out:
        typer.echo(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
        return
    counts = Table("what", "count", title="graph")
    counts.add_row("persons", f"{found.persons:,}")
    counts.add_row("records", f"{found.records:,}")
    for kind, n in found.edges.items():
        counts.add_row(f"edges {kind}", f"{n:,}")
    counts.add_row("edges (all)", f"{found.edges_total:,}")
    for kind, n in found.open_reviews.items():
        counts.add_row(f"open reviews {kind}", f"{n:,}")
    counts.add_row("open reviews (all)", f"{sum(found.open_reviews.values()):,}")
    console.print(counts)
    loads = Table("", "load", "drop", "status", "started", "finished", title="loads")
    for label, info in (("last", found.last_load), ("last complete", found.last_complete)):
        if info is not None:
            loads.add_row(label, info.load_id, info.drop or "", info.status or "",
                          _when(info.started), _when(info.finished))
    console.print(loads if found.last_load else "no load yet")


def _when(value: datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value else ""
