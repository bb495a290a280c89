"""The ingest store: every accepted row and the last applied fusion state, as parquet.

Fusion is recomputed over *all* rows at each load (a new drop can join two persons
that earlier drops kept apart), so the accepted rows of every load are kept here,
latest version per record.  The state that was last applied to the graph
(assignments, golden persons, parent-child and marriage edges) is kept beside them so
that a load writes only what changed and deletes what vanished.

The store belongs to one graph: it records the id of the last load it applied, and
when that :Load node is missing from the graph (the database was wiped or another
store wrote it) the applied state is discarded and everything is written again.
Rows stay: they are the input, not the output.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl

from ingest.feeds.mentions import record_key


def server_address(uri: str) -> str:
    """The server a Neo4j URI names, as ``bolt://host:port``: the scheme (direct or
    routing, plain or TLS), credentials and routing context do not change the graph."""
    netloc = urlsplit(uri).netloc.rpartition("@")[2]
    return f"bolt://{netloc}"


class Store:
    """One directory of parquet files for one graph."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "rows").mkdir(parents=True, exist_ok=True)
        (root / "state").mkdir(parents=True, exist_ok=True)

    @staticmethod
    def for_graph(var_dir: Path, uri: str, database: str) -> Store:
        """The store of the graph at ``uri``/``database``: one store per server and
        database, whichever scheme reaches it (``bolt://`` direct or ``neo4j://``
        routing, with or without TLS)."""
        tag = hashlib.sha1(f"{server_address(uri)}/{database}".encode()).hexdigest()[:10]
        return Store(var_dir / "ingest" / f"{database}-{tag}")

    def rows(self, feed: str) -> pl.DataFrame | None:
        """Every accepted row of a feed so far, or None."""
        path = self.root / "rows" / f"{feed}.parquet"
        return pl.read_parquet(path) if path.exists() else None

    def feeds(self) -> list[str]:
        """Feeds with stored rows."""
        return sorted(p.stem for p in (self.root / "rows").glob("*.parquet"))

    def upsert(self, feed: str, accepted: pl.DataFrame) -> pl.DataFrame:
        """Merge new rows (later versions win); returns the rows that are new or changed.

        What reaches the graph is decided against the applied state (``records``),
        not against this return value, so a load interrupted after this call still
        writes these rows when it is run again.
        """
        incoming = accepted.with_columns(record_key().alias("_key")).unique(
            "_key", keep="last", maintain_order=True)
        old = self.rows(feed)
        if old is not None:
            old = old.with_columns(record_key().alias("_key"))
            same = incoming.join(old.select("_key", "content_hash"),
                                 on=["_key", "content_hash"], how="semi")
            incoming = incoming.join(same.select("_key"), on="_key", how="anti")
            kept = old.join(incoming.select("_key"), on="_key", how="anti")
            merged = pl.concat([kept, incoming], how="diagonal_relaxed")
        else:
            merged = incoming
        merged.drop("_key").write_parquet(self.root / "rows" / f"{feed}.parquet")
        return incoming.drop("_key")

    def state(self, name: str) -> pl.DataFrame | None:
        """A piece of the last applied state, or None."""
        path = self.root / "state" / f"{name}.parquet"
        return pl.read_parquet(path) if path.exists() else None

    def save_state(self, name: str, frame: pl.DataFrame) -> None:
        """Replace a piece of the applied state."""
        frame.write_parquet(self.root / "state" / f"{name}.parquet")

    def forget_state(self) -> None:
        """Drop the applied state (the graph no longer holds it)."""
        for path in (self.root / "state").glob("*.parquet"):
            path.unlink()
        (self.root / "state" / "meta.json").unlink(missing_ok=True)

    def last_load(self) -> str | None:
        """The id of the last load whose state was applied."""
        path = self.root / "state" / "meta.json"
        if not path.exists():
            return None
        return str(json.loads(path.read_text())["load_id"])

    def mark_applied(self, load_id: str) -> None:
        """Record that the state now matches the graph after ``load_id``."""
        (self.root / "state" / "meta.json").write_text(json.dumps({"load_id": load_id}))
