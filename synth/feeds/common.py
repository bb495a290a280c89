"""What every feed renderer shares: identity columns, addresses, record ids."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import places
from synth.truth import Truth

Ints = npt.NDArray[np.int64]
ROADS = ("海府路", "龙昆南路", "解放西路", "国兴大道", "滨海大道", "南海大道", "新华路",
         "人民路", "文明路", "和平路", "椰林路", "金盘路", "迎宾路", "建设路")
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


def record_id_prefix(feed: str, source: str) -> str:
    """The four letters that start every record id of a feed's source (``BISE``)."""
    return f"{feed[:2].upper()}{source[:2].upper()}"


def with_ids(frame: pl.DataFrame, feed: str, source: str) -> pl.DataFrame:
    """Prefix a frame with ``record_id`` (unique within feed and source) and ``source``."""
    rid = pl.format("{}{}", pl.lit(record_id_prefix(feed, source)),
                    pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(9))
    return frame.select(rid.alias("record_id"), pl.lit(source).alias("source"), pl.all())
