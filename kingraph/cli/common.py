"""What every command shares: settings, a console, a driver, error reporting."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import neo4j
import typer
from pydantic import ValidationError
from rich.console import Console

from kingraph.errors import KingraphError, StoreBusy
from kingraph.settings import Settings

# Written to a file or a pipe, rich would cut tables at 80 columns: there a table is
# as wide as its content needs (up to LOG_WIDTH; COLUMNS, when set, still wins).
LOG_WIDTH = 240


def _console(stderr: bool = False) -> Console:
    probe = Console(stderr=stderr)
    if probe.is_terminal or os.environ.get("COLUMNS"):
        return probe
    return Console(stderr=stderr, width=LOG_WIDTH)


console = _console()
err_console = _console(stderr=True)

# Exit statuses (README, "Exit statuses"): 0 done; 1 an engine error; 2 bad usage or
# settings; 3 a load that refused a file or quarantined a row; 75 (EX_TEMPFAIL) another
# writer holds the store and the command would not wait: nothing was done.
EXIT_ERROR = 1
EXIT_REFUSED = 3
EXIT_MEMORY = 12  # ENOMEM: a load stopped for passing its --memory budget
EXIT_BUSY = 75


def settings() -> Settings:
    """The settings from the environment."""
    return Settings()


def activate_policy(config: Settings) -> None:
    """Make the policy table the settings choose the one this command's decisions use."""
    from queries.eligibility import policy, policy_file

    policy.activate(policy_file.configured(config.policy_file, config.var_dir))


@contextmanager
def driver(config: Settings | None = None) -> Iterator[neo4j.Driver]:
    """A verified driver for the configured Neo4j, closed afterwards."""
    from graphdb.connection import open_driver

    drv = open_driver(config or settings())
    try:
        yield drv
    finally:
        drv.close()


@contextmanager
def writing(store_root: Path, kind: str, wait: bool) -> Iterator[None]:
    """Hold the graph's store lock (``ingest.lock``) for the block, saying so if it waits.

    Args:
        store_root: the graph's store folder.
        kind: what this command is, shown to other writers (``ingest``, ``reset``, ...).
        wait: wait for another writer to finish, or raise ``StoreBusy`` at once.
    """
    from ingest.lock import exclusive

    def waiting(holder: str) -> None:
        err_console.print(f"waiting: the graph's store is locked by {holder}; this "
                          f"{kind} starts when it has finished (--no-wait to give up)",
                          highlight=False, soft_wrap=True)

    with exclusive(store_root, kind, wait=wait, waiting=waiting):
        yield


def run(app: typer.Typer) -> None:
    """Run the app; engine errors become a one-line message and exit status 1 (12: a
    load refused for its --memory budget).

    Typer's standalone mode handles usage errors and ``typer.Exit`` codes itself;
    only errors the engine raises on purpose are caught here.
    """
    try:
        app()
    except StoreBusy as exc:
        err_console.print(f"[bold yellow]busy:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(EXIT_BUSY)
    except KingraphError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(EXIT_MEMORY if exc.reason == "memory_budget" else EXIT_ERROR)
    except ValidationError as exc:
        err_console.print(f"[bold red]invalid settings:[/] {exc}", highlight=False)
        sys.exit(2)
