"""Duplicate rows: the same event delivered twice, within one source or across two.

Two noise kinds live here (counted in ``truth/noise_report.json``):

- ``duplicate_across``: an event one department reported is reported again by
  another under that department's own record id, as :data:`ECHOES` lists: a
  platform birth also self-collected (the copy states the child's ID number and
  name, which the village survey knows by then, and has no certificate number), a
  civil-affairs marriage, divorce or 复婚 also self-collected, a platform pregnancy
  also self-collected.  The copy's record id continues the second source's own
  sequence, so nothing in it marks it as a copy.  It is made before the other
  noise kinds, so each copy gets its own typos, formats and date conflicts.
- ``duplicate_within``: a row delivered twice by the same source, the second time
  under the first one's record id plus ``D``.  Made last, so it copies every other
  kind of noise of its row.

Both copies keep the hidden ``@role`` columns, so ``record_links`` stays exact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import polars as pl

from synth.feeds.common import RecordIds


@dataclass(frozen=True)
class Echo:
    """A feed's rows of one source that another source also reports.

    Attributes:
        feed: The feed.
        origin: The source whose rows are copied.
        copy: The source that reports them again.
        filled: ``(column, hidden column)`` pairs: the copy states the truth there.
        emptied: Columns the copying source does not hold.
    """

    feed: str
    origin: str
    copy: str
    filled: tuple[tuple[str, str], ...] = ()
    emptied: tuple[str, ...] = ()


ECHOES: tuple[Echo, ...] = (
    Echo("birth", "birth_platform", "self_collected",
         filled=(("child_id_number", "_child_id_number"), ("child_name", "_child_name")),
         emptied=("certificate_no",)),
    Echo("marriage", "civil_affairs", "self_collected"),
    Echo("pregnancy", "pregnancy_platform", "self_collected"),
)


def across(feed: str, frame: pl.DataFrame, rng: np.random.Generator, rate: float,
           counts: Counter[str], ids: RecordIds) -> pl.DataFrame:
    """Append a share ``rate`` of each echoed source's rows as the other source's rows.

    Args:
        feed: The feed name.
        frame: Rows of every source of the feed, as text, with hidden columns.
        rng: The noise stage's generator.
        rate: Share of the origin source's rows reported again.
        counts: Counter updated under ``duplicate_across``.
        ids: The drop's record ids; the copies take the copying source's next ones.

    Returns:
        The rows followed by the copies.
    """
    for echo in (e for e in ECHOES if e.feed == feed):
        origin = (frame["source"] == echo.origin).to_numpy()
        hit = origin & (rng.random(frame.height) < rate)
        copies = _restate(frame.filter(pl.Series(hit)), echo, ids)
        counts["duplicate_across"] += copies.height
        frame = pl.concat([frame, copies])
    return frame


def _restate(rows: pl.DataFrame, echo: Echo, ids: RecordIds) -> pl.DataFrame:
    """The copying source's version of ``rows``, under that source's next record ids."""
    return rows.with_columns(
        ids.take(echo.feed, echo.copy, rows.height).alias("record_id"),
        pl.lit(echo.copy).alias("source"),
        *[pl.col(hidden).alias(col) for col, hidden in echo.filled],
        *[pl.lit("").alias(col) for col in echo.emptied])


def within(frame: pl.DataFrame, rng: np.random.Generator, rate: float,
           counts: Counter[str]) -> pl.DataFrame:
    """Deliver a share ``rate`` of rows twice under a new record id of the same source."""
    hit = rng.random(frame.height) < rate
    dup = frame.filter(pl.Series(hit))
    counts["duplicate_within"] += dup.height
    dup = dup.with_columns(pl.col("record_id") + pl.lit("D"))
    return pl.concat([frame, dup])
