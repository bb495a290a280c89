"""Batched writes: ``UNWIND $rows`` in one transaction per batch, never a round trip per row."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import neo4j
import polars as pl

from graphdb.connection import write

DEFAULT_BATCH = 20_000
log = logging.getLogger("kingraph.graphdb")


def rows_of(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Frame rows as dicts of driver-friendly values (dates stay ``datetime.date``)."""
    return frame.to_dicts()


def chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    """Consecutive slices of at most ``size`` rows."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def run_batches(driver: neo4j.Driver, database: str, name: str, cypher: str,
                frame: pl.DataFrame, batch_size: int = DEFAULT_BATCH,
                advance: Callable[[int], None] | None = None, **params: Any) -> int:
    """Run ``cypher`` (which must ``UNWIND $rows``) over the frame in batches; rows written."""
    done = 0
    clock = time.perf_counter()
    for start in range(0, frame.height, batch_size):
        part = frame.slice(start, batch_size)
        write(driver, database, name, cypher, rows=rows_of(part), **params)
        done += part.height
        if advance is not None:
            advance(part.height)
    if done:
        seconds = time.perf_counter() - clock
        log.info("%s: %d rows in %.2f s (%.0f rows/s)", name, done, seconds, done / seconds)
    return done


def iso(value: date | None) -> str | None:
    """A date as ISO text (for JSON payloads), None kept."""
    return value.isoformat() if value is not None else None
