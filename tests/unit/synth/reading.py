"""Reading a generated drop back as a department's files would be read: feeds as text
(each in the encoding the noise report names), truth files, and each row with the true
person key of every role from ``truth/record_links.parquet``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl


def feed(out: Path, name: str, *, copies: bool = False) -> pl.DataFrame:
    """Rows of one feed as written; without the within-source copies (``...D``) unless
    asked for."""
    report = json.loads((out / "truth" / "noise_report.json").read_text("utf-8"))
    text = (out / f"{name}.csv").read_bytes().decode(report["encodings"][f"{name}.csv"])
    frame = pl.read_csv(text.encode("utf-8"), infer_schema=False).fill_null("")
    return frame if copies else frame.filter(~pl.col("record_id").str.ends_with("D"))


def truth(out: Path, stem: str) -> pl.DataFrame:
    """One ``truth/<stem>.parquet`` file."""
    return pl.read_parquet(out / "truth" / f"{stem}.parquet")


def with_keys(out: Path, name: str) -> pl.DataFrame:
    """Rows of a feed with one true person-key column per role (null where the row names
    no one in that role)."""
    links = truth(out, "record_links").filter(pl.col("feed") == name)
    wide = links.pivot(on="role", index=["source", "record_id"], values="person_key")
    return feed(out, name).join(wide, on=["source", "record_id"], how="left")


def hard(out: Path, kind: str) -> pl.DataFrame:
    """The mentions of one hard-case kind: ``feed, source, record_id, role``."""
    return truth(out, "hard_cases").filter(pl.col("kind") == kind).drop("kind")


def as_date(cell: str) -> date:
    """A date cell in any of the three formats of feeds.md."""
    if "/" in cell:
        y, m, d = (int(x) for x in cell.split("/"))
        return date(y, m, d)
    digits = cell.replace("-", "")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def dates(column: str) -> pl.Expr:
    """A date column in any of the three formats, as a polars date (null where empty)."""
    c = pl.col(column)
    return (pl.when(c == "").then(None)
            .when(c.str.contains("/")).then(c.str.to_date("%Y/%-m/%-d", strict=False))
            .when(c.str.contains("-")).then(c.str.to_date("%Y-%m-%d", strict=False))
            .otherwise(c.str.to_date("%Y%m%d", strict=False)).alias(column))
