"""``kingraph ingest`` and ``kingraph mentions export``: department drops into the graph."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import typer
from rich.table import Table

from kingraph.cli import drops
from kingraph.cli.common import (
    EXIT_MEMORY,
    EXIT_REFUSED,
    console,
    driver,
    err_console,
    settings,
    writing,
)
from kingraph.cli.progress import stages

if TYPE_CHECKING:
    import neo4j

    from ingest.budget import Budget
    from ingest.fusion import Engine
    from ingest.pipeline import BulkImport, LoadReport
    from ingest.store import Store
    from kingraph.settings import Settings

mentions_app = typer.Typer(help="Where every loaded record went.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``ingest`` and the ``mentions`` group."""
    app.command(name="ingest")(ingest)
    app.add_typer(mentions_app, name="mentions")


def ingest(
    drop: Path = typer.Argument(..., exists=True, file_okay=False, help="The drop directory."),
    encoding: str = typer.Option("auto", help="auto | utf-8 | gb18030"),
    batch_size: int = typer.Option(20_000, min=100, max=200_000, help="Rows per transaction."),
    evaluate: bool = typer.Option(False, help="Score fusion against the drop's truth/."),
    bulk: bool = typer.Option(True, help="Use neo4j-admin import for a large first load "
                                         "into an empty local database."),
    skip_unchanged: bool = typer.Option(False, help="Do nothing when this drop, with the same "
                                        "files and contents, is what the graph last loaded "
                                        "completely (make demo's restarts)."),
    wait: bool = typer.Option(True, help="Wait while another writer (a load, a reset, a "
                                         "permit run, an officer's re-fusion) holds the "
                                         "graph's store; --no-wait gives up at once "
                                         "(exit 75)."),
    engine: str | None = typer.Option(None, help="Where fusion runs: local | spark "
                                      "(default KINGRAPH_FUSION_ENGINE, else local; spark "
                                      "needs pip install -e '.[spark]' and Java 17)."),
    spark_master: str | None = typer.Option(None, help="The Spark master of --engine spark: "
                                            "local[N] or spark://host:7077 (default "
                                            "KINGRAPH_SPARK_MASTER, else local[2])."),
    retrain: bool = typer.Option(False, help="Train fusion's model (its weights) again on "
                                 "every stored row; otherwise the model trained on the "
                                 "first load is kept until the rows grow by a quarter, so "
                                 "persons a drop does not touch keep their pids."),
    full: bool = typer.Option(False, help="Fuse, derive and compare every row even when "
                              "the stored rows, the officers' decisions and rulings, the "
                              "model and the code are those the graph was last made "
                              "from (such a load is otherwise skipped: it would write "
                              "nothing)."),
    memory: str | None = typer.Option(None, help="The memory the load may use, its "
                                      "workers included (e.g. 8g; default "
                                      "KINGRAPH_INGEST_MEMORY, else unbounded): a load "
                                      "that needs more is refused before it writes, one "
                                      f"that passes it is stopped (exit {EXIT_MEMORY})."),
) -> None:
    """Read, clean, fuse and load a drop; print per-file counts and a summary.

    One writer at a time: the load holds the graph's store lock from start to end.
    Exits 3 when the load wrote what it could read but refused a file or quarantined
    a row (the counts are printed; ``kingraph mentions export`` lists each row).
    Fusion gives the same answer on either engine; Spark's stages show in the progress.
    With ``--memory`` the load keeps to a budget (:mod:`ingest.budget`).
    """
    from ingest.fusion import PieceLimits
    from ingest.pipeline import run
    from ingest.store import Store

    if encoding not in ("auto", "utf-8", "gb18030"):
        raise typer.BadParameter("encoding must be auto, utf-8 or gb18030")
    config = settings()
    fusion = _engine(config, engine, spark_master)
    budget = _budget(memory if memory is not None else config.ingest_memory)
    store = Store.for_graph(config.var_dir, config.bolt_uri, config.neo4j_database)
    stamp = drops.stamp(drop)
    with writing(store.root, "ingest", wait), driver(config) as drv:
        if skip_unchanged:
            loaded = drops.loaded(drv, config.neo4j_database, store, stamp)
            if loaded is not None:
                when = f"{loaded.finished:%Y-%m-%d %H:%M}" if loaded.finished else "?"
                console.print(f"drop unchanged since load {loaded.load_id} (finished "
                              f"{when}): not loaded again", highlight=False)
                return
        with stages(console) as stage, _watchdog(budget):
            _warn_if_store_outlived_graph(drv, config.neo4j_database, store)
            report = run(drop, drv, config.neo4j_database, store, encoding=encoding,
                         batch_size=batch_size, stage=stage, bulk=_bulk(config, bulk),
                         bulk_min_rows=config.bulk_min_rows, limits=PieceLimits.of(config),
                         engine=fusion, retrain=retrain, budget=budget, full=full)
        drops.remember(store, stamp, report.load_id)
    _print_report(report)
    if evaluate:
        _print_scores(store, drop / "truth")
    if report.refused_anything:
        _print_refusals(report)
        raise typer.Exit(EXIT_REFUSED)



def _budget(memory: str | None) -> Budget | None:
    from ingest.budget import Budget, MemoryBudgetError

    try:
        return Budget.of(memory)
    except MemoryBudgetError as exc:
        raise typer.BadParameter(str(exc)) from None


@contextmanager
def _watchdog(budget: Budget | None) -> Iterator[None]:
    """Keep the load within ``budget``: past it, the workers are stopped and this
    process ends with exit 12, as an interrupted load (:mod:`ingest.budget`)."""
    if budget is None:
        yield
        return
    from ingest.budget import Watchdog

    def stop(message: str) -> None:
        err_console.print(f"[bold red]stopped:[/] {message}", highlight=False, soft_wrap=True)
        os._exit(EXIT_MEMORY)

    with Watchdog(budget, stop) as dog:
        try:
            yield
        except BaseException:
            if dog.tripped is not None:  # a worker it stopped: its message and exit win
                time.sleep(30)
            raise


def _engine(config: Settings, name: str | None, master: str | None) -> Engine:
    """The fusion engine the options and settings name; Spark only where it is installed."""
    import importlib.util

    from ingest.fusion import Engine

    if name is not None and name not in ("local", "spark"):
        raise typer.BadParameter("--engine must be local or spark")
    engine = Engine.of(config, name, master)
    if master is not None and engine.name != "spark":
        raise typer.BadParameter("--spark-master is for --engine spark")
    if engine.name == "spark" and importlib.util.find_spec("pyspark") is None:
        raise typer.BadParameter("--engine spark needs pyspark: pip install -e '.[spark]'")
    return engine


def _warn_if_store_outlived_graph(drv: neo4j.Driver, database: str, store: Store) -> None:
    """An empty graph with earlier loads in its store: the load re-applies them too."""
    from graphdb.connection import read

    earlier = len(store.load_ids())
    if earlier and not read(drv, database, "any_person", "MATCH (p:Person) RETURN p LIMIT 1"):
        console.print(f"[yellow]warning: the graph is empty but its ingest store holds "
                      f"{earlier} earlier load(s), which this load applies again with the "
                      f"drop; to start from nothing, run `kingraph db reset --yes` first.[/]")


def _bulk(config: Settings, wanted: bool) -> BulkImport | None:
    """The offline importer of the local server, when allowed and possible."""
    if not wanted or not config.uses_local_server:
        return None
    from graphdb.bulk import import_full
    from graphdb.server import LocalServer

    server = LocalServer(config)
    return lambda nodes, rels: import_full(server, config.neo4j_database, nodes, rels)


def _print_report(report: LoadReport) -> None:
    table = Table(title=f"load {report.load_id}")
    for column in ("file", "feed", "encoding", "read", "applied", "quarantined", "status"):
        table.add_column(column)
    for f in report.files:
        status = "refused" if f.error else ("noted" if f.notes else "")
        table.add_row(f.file, f.feed, f.encoding or "", str(f.read), str(f.applied),
                      str(f.quarantined), status)
    console.print(table)
    # Below the table, whole: a table column would cut a long reason at the width.
    for f in report.files:
        if f.error:
            console.print(f"[red]refused:[/] {f.error}", highlight=False, soft_wrap=True)
        for note in f.notes:
            console.print(f"[yellow]{f.file}:[/] {note}", highlight=False, soft_wrap=True)
    if report.interrupted:
        console.print(f"[yellow]earlier load(s) killed before they finished, marked "
                      f"interrupted:[/] {', '.join(report.interrupted)}", highlight=False,
                      soft_wrap=True)
    for name in report.stray_files:
        console.print(f"[yellow]not a feed file, ignored:[/] {name}")
    if report.unchanged:
        console.print("nothing to fuse: the stored rows, the officers' decisions and rulings, "
                      "the model and the code are those the graph was last made from, so "
                      "fusion, derivation and the write were skipped (--full runs them)",
                      highlight=False, soft_wrap=True)
    else:
        console.print("fusion: " + ", ".join(f"{k} {v}" for k, v in report.fusion.items()))
    if report.model_trained is not None:
        console.print("fusion model: " + ("trained on this load's rows" if report.model_trained
                                          else "kept from an earlier load (--retrain trains it "
                                               "again)"), highlight=False)
    for split in report.fusion_splits:
        console.print("[yellow]a fusion piece above the size bound was split:[/] "
                      + ", ".join(f"{k} {v}" for k, v in split.items()))
    console.print("conflicts for review: " + (", ".join(
        f"{k.removeprefix('conflict_')} {v}" for k, v in sorted(report.conflicts.items()))
        or "none"))
    console.print("written: " + ", ".join(f"{k} {v}" for k, v in report.written.items()))
    console.print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items()))
    if report.peak_gib:
        admin = ("" if report.admin_peak_gib is None
                 else f", neo4j-admin import {report.admin_peak_gib}")
        console.print(f"peak memory (GiB): this process {max(report.peak_gib.values())}, "
                      f"fusion worker {report.fusion_worker_peak_gib}{admin}")


def _print_refusals(report: LoadReport) -> None:
    """What was refused, on stderr: the lines an operator or a script looks for."""
    reasons = ", ".join(f"{k} {v}" for k, v in report.quarantine_reasons.items())
    err_console.print(
        f"[bold yellow]refused:[/] {report.files_refused} of {len(report.files)} file(s) "
        f"refused, {report.rows_quarantined} row(s) quarantined"
        + (f" ({reasons})" if reasons else "")
        + "; everything else was loaded (exit 3; `kingraph mentions export` lists each "
        "quarantined row with its file, line and reason)", highlight=False, soft_wrap=True)


def _print_scores(store: Store, truth: Path) -> None:
    from ingest.fusion import evaluate
    from ingest.pipeline import mention_table

    mentions = mention_table(store).filter(pl.col("pid").is_not_null())
    child_of = store.state("child_of")
    married = store.state("married")
    scores = evaluate(mentions, child_of if child_of is not None else pl.DataFrame(),
                      married if married is not None else pl.DataFrame(), truth)
    table = Table(title="fusion quality against truth/")
    for column in ("what", "precision", "recall", "F1", "TP", "predicted", "true"):
        table.add_column(column)
    for s in scores:
        table.add_row(s.name, f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}",
                      str(s.true_positive), str(s.predicted), str(s.actual))
    console.print(table)


@mentions_app.command("export")
def export(out: Path = typer.Argument(..., help="The parquet file to write.")) -> None:
    """Every mention (feed, source, record_id, role) with its pid, or its quarantine reason,
    and the file and line it was read from."""
    from ingest.pipeline import mention_table
    from ingest.store import Store

    config = settings()
    table = mention_table(Store.for_graph(config.var_dir, config.bolt_uri,
                                          config.neo4j_database))
    table.write_parquet(out)
    console.print(f"{table.height} rows written to {out}")
