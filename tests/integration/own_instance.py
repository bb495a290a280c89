"""A small instance of the project's Neo4j for one test module, on free ports.

For tests that stop and restart their server or replace its store (the bulk import, a
store replaced behind a running process): the suite's own server is never touched.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from contextlib import closing, contextmanager

import pytest

from graphdb.server import LocalServer
from kingraph.settings import Settings


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def own_instance(settings: Settings, name: str, why_local: str, *, heap: str = "512m",
                 pagecache: str = "256m") -> Iterator[tuple[LocalServer, Settings]]:
    """Start instance ``name`` beside the suite's and remove it afterwards; the test is
    skipped (``why_local``) when the suite runs against an external graph."""
    if not settings.uses_local_server:
        pytest.skip(why_local)
    own = settings.model_copy(update={
        "neo4j_instance": name, "neo4j_bolt_port": free_port(),
        "neo4j_http_port": free_port(), "neo4j_heap": heap, "neo4j_pagecache": pagecache})
    server = LocalServer(own)
    try:
        server.start()
        yield server, own
    finally:
        server.stop()
        shutil.rmtree(server.home, ignore_errors=True)
