"""The store lock for the commands that write a graph: ``ingest``, ``db reset``,
``permits issue``.

They take the same exclusive lock as the officers' decisions in the API
(:func:`ingest.lock.exclusive`), so a load never runs beside a re-fusion or another
load; a command that finds the lock held says what holds it and waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kingraph.cli.common import err_console
from kingraph.settings import Settings


def store_root(config: Settings) -> Path:
    """The folder of the configured graph's ingest store."""
    from ingest.store import Store

    return Store.for_graph(config.var_dir, config.bolt_uri, config.neo4j_database).root


@contextmanager
def writing(config: Settings, kind: str) -> Iterator[None]:
    """Hold the graph's store lock for the block, waiting (and saying so) when busy."""
    from ingest.lock import exclusive

    def told(holder: str) -> None:
        err_console.print(f"waiting: the graph's store is locked by {holder}", highlight=False)

    with exclusive(store_root(config), kind, waiting=told):
        yield
