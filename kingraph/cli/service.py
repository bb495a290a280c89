"""``kingraph serve`` and ``kingraph keys ...``: the REST API and its API keys."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from sqlite3 import Connection

import typer
from rich.table import Table

from kingraph.cli.common import console, err_console, settings

keys_app = typer.Typer(help="Create, list and revoke API keys (stored hashed).",
                       no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the keys group to the main app."""
    app.command()(serve)
    app.add_typer(keys_app, name="keys")


def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default from settings)."),
    port: int | None = typer.Option(None, help="Port to listen on (default from settings)."),
    workers: int = typer.Option(1, min=1, max=16, help="Worker processes, each listening on "
                                "the port (SO_REUSEPORT); rate budgets, jobs and the audit log "
                                "are shared through the service state. 2 on a 2-core machine."),
) -> None:
    """Run the REST API with uvicorn (JSON request logs on stderr, no access log)."""
    from api import serving

    config = settings()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(message)s")
    # uvicorn's access log prints raw paths and query strings (ID numbers): off.
    status = serving.run(config, host or config.api_host, port or config.api_port, workers)
    if status:
        raise typer.Exit(status)


@contextmanager
def _state() -> Iterator[Connection]:
    from api.state import connect

    with closing(connect(settings().service_db)) as conn:
        yield conn


@keys_app.command("create")
def create_key(
    role: str = typer.Option(..., help="officer, researcher, service or admin."),
    name: str = typer.Option(..., help="Who or what holds the key (a label)."),
) -> None:
    """Create a key and print it once; only its salted hash is stored."""
    from api import keys

    try:
        chosen = keys.Role(role)
    except ValueError:
        err_console.print(f"role must be one of {', '.join(keys.Role)}", highlight=False)
        raise typer.Exit(2) from None
    with _state() as conn:
        key, raw = keys.create(conn, chosen, name)
    console.print(f"key {key.key_id} ({key.role.value}, {key.name}) created; "
                  "store it now, it is not shown again:", highlight=False)
    typer.echo(raw)


@keys_app.command("list")
def list_keys() -> None:
    """Show every key: id, name, role, created, revoked."""
    from api import keys

    table = Table("id", "name", "role", "created", "revoked")
    with _state() as conn:
        for key in keys.listing(conn):
            table.add_row(key.key_id, key.name, key.role.value, key.created, key.revoked or "")
    console.print(table)


@keys_app.command("revoke")
def revoke_key(key_id: str = typer.Argument(..., help="The key id from `keys list`.")) -> None:
    """Revoke a key; the API refuses it from its next request on."""
    from api import keys

    with _state() as conn:
        if not keys.revoke(conn, key_id):
            console.print(f"no active key {key_id}", highlight=False)
            raise typer.Exit(1)
    console.print(f"key {key_id} revoked", highlight=False)
