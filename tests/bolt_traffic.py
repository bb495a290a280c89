"""What the Neo4j driver sent and what the server answered, read from the driver's own
debug log (logger ``neo4j.io``, one line per Bolt message): per transaction, its access
mode, the bookmarks it waited for, the server's type of each query and the bookmark it
committed as.

This is what a cluster acts on: the access mode decides whether a secondary or the
primary serves a transaction, and the bookmarks what it waits for. So the tests can
show, on the local server, that reads go as READ, writes as WRITE, and a write's
bookmark reaches the next read. Kept: query texts (Cypher constants; values travel as
``$parameters``), modes, types, bookmarks. Parameter values are never stored, and the
logger is cut off from the root logger while recording, so they reach no report.
"""

from __future__ import annotations

import ast
import io
import json
import logging
import tokenize
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

LOGGER = "neo4j.io"
# The server's query types: "r" read only, "w" / "rw" change the graph, "s" schema
# commands and DBMS procedures (CREATE INDEX, but also dbms.components(), which READ
# transactions may run).
WRITE_TYPES = frozenset({"w", "rw"})
READ_TYPES = frozenset({"r"})


@dataclass
class Transaction:
    """One transaction as it crossed the wire."""

    thread: str
    connection: str
    mode: str  # "r" (READ) or "w" (WRITE), as the driver sent it
    sent: tuple[str, ...]  # the bookmarks it waited for
    queries: list[str] = field(default_factory=list)  # first line of each query
    types: list[str] = field(default_factory=list)  # the server's type of each query
    bookmark: str | None = None  # what it committed as
    failure: str | None = None  # the server's error code, if it failed

    @property
    def wrote(self) -> bool:
        """True when the server typed a query of it as a write query."""
        return bool(WRITE_TYPES.intersection(self.types))

    @property
    def only_read(self) -> bool:
        """True when the server typed every query of it as read only."""
        return bool(self.types) and READ_TYPES.issuperset(self.types)

    @property
    def name(self) -> str:
        """Its first query's first line, to name it in a failure."""
        return self.queries[0] if self.queries else "(no query)"


class BoltTraffic(logging.Handler):
    """A log handler that rebuilds transactions from the driver's Bolt messages."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.transactions: list[Transaction] = []
        self._open: dict[str, Transaction] = {}
        self._explicit: set[str] = set()  # connections inside a BEGIN ... COMMIT
        self.saved: tuple[int, bool] = (logging.NOTSET, True)  # the logger's, restored after

    def emit(self, record: logging.LogRecord) -> None:
        """Follow one Bolt message (``logging`` calls this under the handler's lock)."""
        args = record.args if isinstance(record.args, tuple) else ()
        if not args or not isinstance(args[0], int) or not isinstance(record.msg, str):
            return
        conn, message = f"{args[0]:04X}", record.msg
        if "C: BEGIN" in message:
            self._start(conn, record.threadName or "", _mapping(args[1]))
            self._explicit.add(conn)
        elif "C: RUN" in message:
            query, extra = _run_fields(str(args[1]))
            if conn not in self._explicit:
                self._start(conn, record.threadName or "", extra)
            if conn in self._open:
                self._open[conn].queries.append(query.strip().splitlines()[0])
        elif "S: SUCCESS" in message:
            self._success(conn, _mapping(args[1]))
        elif "S: FAILURE" in message:
            meta = _mapping(args[1])
            if conn in self._open:
                self._open[conn].failure = str(meta.get("neo4j_code") or meta.get("code"))
            self._close(conn)
        elif any(m in message for m in ("C: RESET", "C: ROLLBACK", "C: GOODBYE")):
            self._close(conn)

    def _start(self, conn: str, thread: str, extra: Mapping[str, Any]) -> None:
        self._close(conn)
        tx = Transaction(thread, conn, str(extra.get("mode", "w")),
                         tuple(extra.get("bookmarks", ())))
        self._open[conn] = tx
        self.transactions.append(tx)

    def _success(self, conn: str, meta: Mapping[str, Any]) -> None:
        tx = self._open.get(conn)
        if tx is None:
            return
        if "type" in meta:
            tx.types.append(str(meta["type"]))
        if "bookmark" in meta:
            tx.bookmark = str(meta["bookmark"])
            self._close(conn)

    def _close(self, conn: str) -> None:
        self._open.pop(conn, None)
        self._explicit.discard(conn)

    def dump(self, path: Path) -> None:
        """Write the transactions as JSON (for a notebook kernel's recording)."""
        path.write_text(json.dumps([asdict(t) for t in self.transactions]))


def load(path: Path) -> list[Transaction]:
    """Transactions written by :meth:`BoltTraffic.dump`."""
    return [Transaction(**{**t, "sent": tuple(t["sent"])}) for t in json.loads(path.read_text())]


def _mapping(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _run_fields(text: str) -> tuple[str, dict[str, Any]]:
    """The query and the extra of a logged ``RUN 'query' {params} {extra}``: the query is
    the leading string literal, the extra the last top-level ``{...}`` (plain values)."""
    first = next(t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                 if t.type == tokenize.STRING)
    query = str(ast.literal_eval(first.string))
    end = len(text)
    while (end := text.rfind("{", 0, end)) > 0:
        try:
            extra = ast.literal_eval(text[end:])
        except (ValueError, SyntaxError):
            continue
        if isinstance(extra, dict):
            return query, extra
    return query, {}


def attach() -> BoltTraffic:
    """Start recording the Bolt traffic of every driver in this process."""
    logger = logging.getLogger(LOGGER)
    traffic = BoltTraffic()
    traffic.saved = (logger.level, logger.propagate)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # parameter values must not reach pytest's log capture
    logger.addHandler(traffic)
    return traffic


def detach(traffic: BoltTraffic) -> None:
    """Stop a recording started by :func:`attach`."""
    logger = logging.getLogger(LOGGER)
    logger.removeHandler(traffic)
    logger.setLevel(traffic.saved[0])
    logger.propagate = traffic.saved[1]


@contextmanager
def recording() -> Iterator[BoltTraffic]:
    """Record the Bolt traffic of every driver in this process until the block ends."""
    traffic = attach()
    try:
        yield traffic
    finally:
        detach(traffic)


def misrouted(transactions: Iterable[Transaction],
              allowed: Mapping[str, str] | None = None) -> list[str]:
    """What a cluster would serve from the wrong member, one line per transaction.

    A write sent as READ (a secondary refuses it), and a transaction that only read
    sent as WRITE (it loads the primary), unless its first query line is in
    ``allowed`` (query line -> why it belongs on the primary).
    """
    allowed = allowed or {}
    found = []
    for tx in transactions:
        if tx.mode == "r" and (tx.wrote or tx.failure == "Neo.ClientError.Statement.AccessMode"):
            found.append(f"write sent as READ: {tx.name}")
        elif tx.mode == "w" and tx.only_read and tx.name not in allowed:
            found.append(f"read sent as WRITE: {tx.name}")
    return found


def unchained(transactions: Iterable[Transaction]) -> list[str]:
    """In one thread's sequence of transactions on one driver, those that did not wait
    for the bookmark the transaction before them committed as (causal consistency:
    each sees everything before it)."""
    found, previous = [], None
    for tx in transactions:
        if previous is not None and previous not in tx.sent:
            found.append(f"{tx.name} did not wait for the transaction before it")
        previous = tx.bookmark or previous
    return found

