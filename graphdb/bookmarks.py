"""Causal consistency across a flow: a write's bookmark travels to the reads after it.

On a Neo4j cluster, a read goes to a secondary that may not have applied the latest
write yet. A *bookmark* names a committed transaction; a transaction sent with it
waits until the serving member has applied that transaction. Within one driver the
driver's own bookmark manager chains every query of a process (the CLI, a notebook).
A **flow** carries bookmarks further: across the two drivers of an API worker, and,
through a client that echoes them (``X-Bookmarks``), across requests that land on
different workers or machines.

A flow is entered with :func:`following`; :mod:`graphdb.connection` sends the flow's
bookmarks with every read and write made inside it and records each write's new
bookmark. Flows live in a context variable, so they follow a request into its
worker threads and tasks, and two requests never see each other's bookmarks.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from kingraph.errors import InvalidArgument

# Neo4j's bookmarks are opaque text ("FB:" and base64 in 5.x); the shape accepted from
# a client is kept narrow so a header cannot smuggle anything else into a query.
BOOKMARK = re.compile(r"[A-Za-z0-9:+/=_.-]{1,256}")
MAX_BOOKMARKS = 16


class Flow:
    """The bookmarks of one flow: those it was given and those its writes produced."""

    def __init__(self, bookmarks: Iterable[str] = ()) -> None:
        """Start a flow that must see at least the transactions named by ``bookmarks``."""
        self._lock = threading.Lock()  # writes may finish in several worker threads
        self._bookmarks = frozenset(bookmarks)
        self._wrote = False

    @property
    def bookmarks(self) -> frozenset[str]:
        """What a transaction of this flow must wait for."""
        return self._bookmarks

    @property
    def wrote(self) -> bool:
        """True once a write of this flow has committed."""
        return self._wrote

    def advance(self, sent: Iterable[str], received: Iterable[str]) -> None:
        """A write sent with ``sent`` committed as ``received``: the new bookmarks
        supersede the ones the write waited for (others, from concurrent work of the
        same flow, stay)."""
        new = frozenset(received)
        if not new:
            return
        with self._lock:
            self._bookmarks = (self._bookmarks - frozenset(sent)) | new
            self._wrote = True


_FLOW: ContextVar[Flow | None] = ContextVar("kingraph_flow", default=None)


def current() -> Flow | None:
    """The flow the caller is in, if any."""
    return _FLOW.get()


@contextmanager
def following(flow: Flow) -> Iterator[Flow]:
    """Run the enclosed reads and writes in ``flow`` (restoring the previous one after)."""
    token = _FLOW.set(flow)
    try:
        yield flow
    finally:
        _FLOW.reset(token)


def parse(header: str | None) -> tuple[str, ...]:
    """Bookmarks from a client's comma-separated header value (none when absent or blank).

    Raises:
        InvalidArgument: More than :data:`MAX_BOOKMARKS`, or one of a shape Neo4j never
            issues (the message names neither).
    """
    if header is None or not header.strip():
        return ()
    values = tuple(v.strip() for v in header.split(",") if v.strip())
    if len(values) > MAX_BOOKMARKS or not all(BOOKMARK.fullmatch(v) for v in values):
        raise InvalidArgument(f"X-Bookmarks must be at most {MAX_BOOKMARKS} bookmarks this "
                              "service issued, separated by commas",
                              reason="bookmarks_malformed")
    return values


def render(bookmarks: Iterable[str]) -> str:
    """The header value for a set of bookmarks (sorted, so equal sets read the same)."""
    return ",".join(sorted(bookmarks))
