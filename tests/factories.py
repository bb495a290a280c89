"""Builders for small, readable test inputs (fictional people only)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from ingest.feeds.mentions import MENTION_SCHEMA
from ingest.fusion.resolution import Resolution, resolve
from kingraph import ids

PINYIN = {"王": "wang", "伟": "wei", "玮": "wei", "丽": "li", "陈": "chen", "明": "ming",
          "林": "lin", "芳": "fang", "符": "fu", "小": "xiao", "红": "hong", "强": "qiang",
          "张": "zhang", "静": "jing", "吴": "wu", "磊": "lei", "海": "hai", "燕": "yan",
          "建": "jian", "国": "guo", "梅": "mei", "玫": "mei"}


def person_id(born: date, sequence: int, area: str = "460106") -> str:
    """A valid ID number for a fictional person."""
    return ids.make(area, born, sequence)


@dataclass(frozen=True)
class Someone:
    """A fictional person of a hand-written drop."""

    id_number: str
    name: str
    sex: str
    born: date


def someone(name: str, sex: str, born: date, seq: int) -> Someone:
    """A fictional person with the ID number of ``born`` and sequence ``seq`` (odd
    sequences are men, even ones women: GB 11643)."""
    return Someone(person_id(born, seq), name, sex, born)


def mention(feed: str, record_id: str, role: str = "person", *, source: str = "public_security",
            id_number: str | None = None, name: str | None = None, sex: str | None = None,
            birth_date: date | None = None, division_code: str | None = "460106",
            **extra: Any) -> dict[str, Any]:
    """One person mention as the cleaning stage produces it."""
    parsed = ids.parse(id_number)
    keys = [PINYIN.get(ch, "?") for ch in name] if name else []
    row: dict[str, Any] = dict.fromkeys(MENTION_SCHEMA)
    row.update(
        mention_id=f"{feed}|{source}|{record_id}|{role}", feed=feed, source=source,
        record_id=record_id, role=role, file=f"{feed}.csv", line=2,
        id_number=parsed.number if parsed.usable else None,
        id_raw=None if parsed.usable else parsed.number, id_status=parsed.status.value,
        name=name, name_key="".join(keys) or None,
        name_initials="".join(k[0] for k in keys) or None,
        name_placeholder=name is None, name_partial=False, sex=sex, birth_date=birth_date,
        id_birth_date=parsed.birth_date, id_sex=parsed.sex, division_code=division_code,
    )
    row.update(extra)
    return row


def mentions_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A mentions frame with the documented schema."""
    return pl.DataFrame(rows, schema=MENTION_SCHEMA)


def background(n: int = 300) -> list[dict[str, Any]]:
    """Mentions of unrelated people (two rows each), so that fusion's u-probabilities are
    estimated on something real."""
    names = ["林芳", "张静", "吴磊", "符海", "陈燕", "王强", "张强", "林磊", "吴芳", "符燕"]
    rows = []
    for i in range(n):
        born = date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        number = person_id(born, 100 + 2 * (i % 400) + (i % 2))
        name = names[i % len(names)]
        for k in range(2):
            rows.append(mention("household", f"bg{i}-{k}", id_number=number, name=name,
                                birth_date=born, sex="1" if i % 2 else "2"))
    return rows


# The pid key of the unit tests (a real installation's is random: ``Store.pid_key``).
PID_KEY = bytes(range(32))


def fuse(frame: pl.DataFrame, **options: Any) -> Resolution:
    """:func:`ingest.fusion.resolution.resolve` under the tests' pid key."""
    return resolve(frame, pid_key=PID_KEY, **options)


def assigned_pids(assignments: pl.DataFrame, *mention_ids: str) -> list[str]:
    """The pid fusion gave each of ``mention_ids`` (``assignments``: mention_id, pid)."""
    lookup = dict(assignments.select("mention_id", "pid").iter_rows())
    return [lookup[m] for m in mention_ids]


def write_feed(folder: Path, feed: str, rows: list[dict[str, str]],
               name: str | None = None) -> Path:
    """A CSV file of one feed with the spec's header (``ingest.feeds.FEEDS``), absent cells
    empty."""
    from ingest.feeds.catalogue import FEEDS

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or feed}.csv"
    columns = [c.name for c in FEEDS[feed].columns]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path
