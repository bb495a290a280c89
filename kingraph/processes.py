"""Resident memory of a process tree (psutil), for the ingest's budget and for the
peak of a tool it runs (``neo4j-admin import``)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psutil

# A process that ended, or that this user may not read, between listing and reading it.
GONE = (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError)


def descendants(root: psutil.Process, *, same_session: bool = False
                ) -> Iterator[psutil.Process]:
    """The descendants of ``root``; with ``same_session`` only those in its session (a
    descendant that started a session of its own, as the Neo4j server does, is not)."""
    session = os.getsid(root.pid) if same_session else None
    for proc in root.children(recursive=True):
        try:
            if session is None or os.getsid(proc.pid) == session:
                yield proc
        except GONE:
            continue


def tree_rss(root: psutil.Process, *, same_session: bool = False) -> int:
    """Resident bytes of ``root`` and its :func:`descendants` (one that ended meanwhile
    counts 0)."""
    total = 0
    for proc in [root, *descendants(root, same_session=same_session)]:
        try:
            total += proc.memory_info().rss
        except GONE:
            continue
    return total
