"""The ``kingraph`` command line: one Typer app, one module per command group.

This is the top of the dependency graph: the only place that may import every
layer (ingest, graphdb, queries, api) and that reads the settings.
"""

from __future__ import annotations

import typer

from kingraph.cli import (
    common,
    contacts,
    ingest,
    kinship,
    migration,
    permits,
    server,
    service,
    synth,
)

app = typer.Typer(
    name="kingraph",
    help="Kingraph: population relationship engine on Neo4j.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (server, ingest, service, synth, kinship, migration, permits, contacts):
    module.register(app)


def main() -> None:
    """Entry point of the ``kingraph`` script."""
    common.run(app)
