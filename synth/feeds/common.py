"""What every feed renderer shares: identity columns, addresses, record ids."""

from __future__ import annotations

from collections import Counter

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import places
from synth.truth import Truth

Ints = npt.NDArray[np.int64]
ROADS = ("海府路", "龙昆南路", "解放西路", "国兴大道", "滨海大道", "南海大道", "新华路",
         "人民路", "文明路", "和平路", "椰林路", "金盘路", "迎宾路", "建设路")
#: What a 27/37/57/58 code on a row truly means (``truth/relation_codes.parquet``).
ADOPTIVE, STEP_RAISED, STEP = "adoptive", "step_raised", "step_not_raised"
VILLAGES = ("福山", "大坡", "新村", "南丰", "龙塘", "三门坡", "长坡", "东山", "凤凰", "加来")


def who(t: Truth, keys: Ints, prefix: str, role: str) -> dict[str, object]:
    """ID number and name columns of a role, plus its hidden link column."""
    return {f"{prefix}id_number": t.ids(keys), f"{prefix}name": t.names(keys),
            f"@{role}": keys}


def address(county: Ints, dwelling: Ints) -> npt.NDArray[np.str_]:
    """A plausible street or village address for each dwelling number in its county."""
    names = places.county_names()[county]
    road = np.array(ROADS)[dwelling % len(ROADS)]
    village = np.array(VILLAGES)[dwelling % len(VILLAGES)]
    num = (dwelling % 397 + 1).astype(str)
    urban = np.isin(county, places.index_of(places_urban()))
    street = np.char.add(np.char.add(road, num), "号")
    rural = np.char.add(np.char.add(np.char.add(village, "村"), num), "号")
    return np.char.add(names, np.where(urban, street, rural))


def places_urban() -> tuple[str, ...]:
    """Today's urban county codes (Haikou and Sanya districts)."""
    from synth.profile import HAIKOU, SANYA

    return HAIKOU + SANYA


def digits(values: Ints, width: int) -> npt.NDArray[np.str_]:
    """Non-negative integers as zero-padded text (numpy's zfill fails on empty arrays)."""
    if values.size == 0:
        return np.zeros(0, dtype=f"<U{width}")
    return np.asarray(np.char.zfill(values.astype(str), width))


def record_id_prefix(feed: str, source: str) -> str:
    """The four letters that start every record id of a feed's source (``BISE``)."""
    return f"{feed[:2].upper()}{source[:2].upper()}"


def with_ids(frame: pl.DataFrame, feed: str, source: str) -> pl.DataFrame:
    """Prefix a frame with ``record_id`` and ``source``.

    The ids number the frame's own rows from 1; the writer renumbers them to continue
    the source's ids of earlier parts (:class:`RecordIds`).
    """
    rid = record_ids(feed, source, 1, frame.height)
    return frame.select(rid.alias("record_id"), pl.lit(source).alias("source"), pl.all())


def record_ids(feed: str, source: str, first: int, n: int) -> pl.Expr:
    """``n`` record ids of a feed's source numbered from ``first`` (``BISE000000001``)."""
    number = pl.int_range(first, first + n, dtype=pl.Int64)
    return pl.format("{}{}", pl.lit(record_id_prefix(feed, source)),
                     number.cast(pl.String).str.zfill(9))


class RecordIds:
    """Record ids of each feed's source, continued from one part of a drop to the next."""

    def __init__(self) -> None:
        self.issued: Counter[tuple[str, str]] = Counter()

    def take(self, feed: str, source: str, n: int) -> pl.Expr:
        """The next ``n`` record ids of the feed's source."""
        first = self.issued[(feed, source)] + 1
        self.issued[(feed, source)] += n
        return record_ids(feed, source, first, n)

    def number(self, frame: pl.DataFrame, feed: str) -> pl.DataFrame:
        """A rendered frame of one source with record ids continuing that source's."""
        if frame.height == 0:
            return frame
        source = str(frame["source"][0])
        return frame.with_columns(self.take(feed, source, frame.height).alias("record_id"))


def join_kinds(*kinds: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    """Per row, the non-empty kinds joined with ``;`` (hard-case kinds of one mention)."""
    out = np.full(kinds[0].size, "", dtype=object)
    for k in kinds:
        has = k != ""
        out[has] = np.where(out[has] == "", k[has], out[has] + ";" + k[has])
    return np.asarray(out.astype(str))
