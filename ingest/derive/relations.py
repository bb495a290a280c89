"""Facts between persons, derived from cleaned rows once every mention has a pid.

Stated parent–child links (birth rows, bloodline rows) are strong; links inferred
from household relation codes (a head's 子/女 is the head's child) are marked
``inferred`` and weaker.  Every derived fact lists the record keys behind it.

Parent–child links are first derived as *statements*: one row per thing a row says
(``statement`` names it: the mention of the parent, ``birth|birth_platform|B1|mother``,
or for an inference the member's row and ``inferred_head``/``inferred_spouse``), with
the parent's ``side`` where the row states it (mother or father).  An officer can
dismiss a statement as evidence (:mod:`ingest.derive.conflicts`); the edges are the
remaining statements grouped by (child, parent, kind).

Inputs are the cleaned feed frames (``ingest.feeds.clean.CleanFeed.accepted``, all loads
together) and ``pids`` (``mention_id, pid``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from ingest.feeds.mentions import record_key

# GB/T 4761 codes, read as "what the relative is to the person".
PARENT_CODES = {"51": "biological", "52": "biological", "57": "adoptive", "58": "adoptive"}
CHILD_CODES = {**{f"{c}": "biological" for c in (*range(20, 27), *range(30, 37))},
               "27": "adoptive", "37": "adoptive"}
HEAD, SPOUSES = "02", ("10", "11", "12")
HEAD_CHILD = tuple(f"{c}" for c in (*range(20, 27), *range(30, 37)))
HEAD_PARENT = ("51", "52")
STATED_CONFIDENCE, HEAD_CONFIDENCE, SPOUSE_CONFIDENCE = 1.0, 0.7, 0.6
SAME_EVENT_DAYS = 90

STATEMENT_SCHEMA: dict[str, Any] = {
    "child": pl.String, "parent": pl.String, "kind": pl.String, "inferred": pl.Boolean,
    "confidence": pl.Float64, "records": pl.List(pl.String), "side": pl.String,
    "statement": pl.String}
# Bloodline parent codes that name the side: 51 father, 52 mother, 57/58 step or adoptive.
PARENT_SIDES = {"51": "father", "52": "mother", "57": "father", "58": "mother"}
MARRIAGE_EVENTS = ("marriage", "remarriage")


def with_pid(frame: pl.DataFrame, pids: pl.DataFrame, role: str, alias: str) -> pl.DataFrame:
    """Add the pid of ``role`` on each row as column ``alias``."""
    mention = pl.concat_str(record_key(), pl.lit(role), separator="|")
    return frame.with_columns(mention.alias("_m")).join(
        pids.rename({"mention_id": "_m", "pid": alias}), on="_m", how="left").drop("_m")


def _edges(frame: pl.DataFrame, child: str, parent: str, kind: pl.Expr, side: pl.Expr,
           parent_role: str) -> pl.DataFrame:
    """Stated edges: one statement per row, named by the mention of the parent."""
    return frame.filter(pl.col(child).is_not_null() & pl.col(parent).is_not_null()).select(
        pl.col(child).alias("child"), pl.col(parent).alias("parent"), kind.alias("kind"),
        pl.lit(False).alias("inferred"), pl.lit(STATED_CONFIDENCE).alias("confidence"),
        pl.concat_list(record_key()).alias("records"), side.cast(pl.String).alias("side"),
        pl.concat_str(record_key(), pl.lit(parent_role), separator="|").alias("statement"))


def child_of_from_births(births: pl.DataFrame, pids: pl.DataFrame) -> pl.DataFrame:
    """Child -> mother and child -> father, biological, from birth rows."""
    b = with_pid(with_pid(with_pid(births, pids, "child", "c"), pids, "mother", "m"),
                 pids, "father", "f")
    bio = pl.lit("biological")
    return pl.concat([_edges(b, "c", "m", bio, pl.lit("mother"), "mother"),
                      _edges(b, "c", "f", bio, pl.lit("father"), "father")])


def child_of_from_bloodline(rows: pl.DataFrame, pids: pl.DataFrame) -> pl.DataFrame:
    """Parent and child codes of bloodline rows, oriented child -> parent.

    A parent code names the side (51 father, 52 mother); a child code does not (the
    code gives the child's sex), so those statements have no side.
    """
    b = with_pid(with_pid(rows, pids, "person", "p"), pids, "relative", "r")
    up = b.filter(pl.col("relation").is_in(list(PARENT_CODES)))
    down = b.filter(pl.col("relation").is_in(list(CHILD_CODES)))
    return pl.concat([
        _edges(up, "p", "r", pl.col("relation").replace_strict(PARENT_CODES),
               pl.col("relation").replace_strict(PARENT_SIDES), "relative"),
        _edges(down, "r", "p", pl.col("relation").replace_strict(CHILD_CODES),
               pl.lit(None, pl.String), "person"),
    ])


def child_of_from_households(rows: pl.DataFrame, pids: pl.DataFrame) -> pl.DataFrame:
    """Inferred: a head's children are the head's (and the head's spouse's) children."""
    h = with_pid(rows, pids, "person", "pid").filter(pl.col("pid").is_not_null())
    members = h.select("household_id", "relation_to_head", "pid", record_key().alias("rec"))
    heads = members.filter(pl.col("relation_to_head") == HEAD).select(
        "household_id", pl.col("pid").alias("head"), pl.col("rec").alias("head_rec"))
    spouses = members.filter(pl.col("relation_to_head").is_in(SPOUSES)).select(
        "household_id", pl.col("pid").alias("spouse"), pl.col("rec").alias("spouse_rec"))
    kids = members.filter(pl.col("relation_to_head").is_in(HEAD_CHILD))
    parents = members.filter(pl.col("relation_to_head").is_in(HEAD_PARENT))
    bio = pl.lit("biological")

    def inferred(frame: pl.DataFrame, child: str, parent: str, recs: list[str],
                 confidence: float, by: str) -> pl.DataFrame:
        return frame.select(
            pl.col(child).alias("child"), pl.col(parent).alias("parent"), bio.alias("kind"),
            pl.lit(True).alias("inferred"), pl.lit(confidence).alias("confidence"),
            pl.concat_list(recs).alias("records"), pl.lit(None, pl.String).alias("side"),
            pl.concat_str(recs[0], pl.lit(by), separator="|").alias("statement"))

    return pl.concat([
        inferred(kids.join(heads, on="household_id"), "pid", "head", ["rec", "head_rec"],
                 HEAD_CONFIDENCE, "inferred_head"),
        inferred(kids.join(spouses, on="household_id"), "pid", "spouse",
                 ["rec", "spouse_rec"], SPOUSE_CONFIDENCE, "inferred_spouse"),
        inferred(parents.join(heads, on="household_id"), "head", "pid", ["rec", "head_rec"],
                 HEAD_CONFIDENCE, "inferred_head"),
    ]).filter(pl.col("child") != pl.col("parent"))


def child_of_statements(feeds: dict[str, pl.DataFrame], pids: pl.DataFrame,
                        dismissed: frozenset[str] = frozenset()) -> pl.DataFrame:
    """Every parent-child statement of the rows (``STATEMENT_SCHEMA``), less those an
    officer dismissed as evidence."""
    parts = []
    if "birth" in feeds:
        parts.append(child_of_from_births(feeds["birth"], pids))
    if "bloodline" in feeds:
        parts.append(child_of_from_bloodline(feeds["bloodline"], pids))
    if "household" in feeds:
        parts.append(child_of_from_households(feeds["household"], pids))
    if not parts:
        return pl.DataFrame(schema=STATEMENT_SCHEMA)
    found = pl.concat(parts).filter(pl.col("child") != pl.col("parent"))
    if dismissed:
        found = found.filter(~pl.col("statement").is_in(list(dismissed)))
    return found


def child_of(statements: pl.DataFrame) -> pl.DataFrame:
    """All parent-child edges, one per (child, parent, kind), with their records."""
    return statements.group_by("child", "parent", "kind").agg(
        pl.col("inferred").all(), pl.col("confidence").max(),
        pl.col("records").explode().unique().sort(),
    ).sort("child", "parent", "kind")


def marriage_statement() -> pl.Expr:
    """The statement a marriage row makes: ``feed|source|record_id|event``."""
    return pl.concat_str(record_key(), pl.lit("event"), separator="|")


def marriages(rows: pl.DataFrame, pids: pl.DataFrame, deaths: dict[str, date],
              dismissed: frozenset[str] = frozenset()) -> pl.DataFrame:
    """One row per marriage episode: ``husband, wife, seq, married_on, ended_on,
    end_reason, records, statements``.  A 复婚 (``remarriage``) opens a new episode.

    ``statements`` names the rows that state the wedding (``record|event``); a row
    whose statement an officer dismissed is not used at all.
    """
    m = with_pid(with_pid(rows, pids, "husband", "husband"), pids, "wife", "wife")
    m = m.filter(pl.col("husband").is_not_null() & pl.col("wife").is_not_null())
    if dismissed:
        m = m.filter(~marriage_statement().is_in(list(dismissed)))
    # Ties on the date are broken on the record key: never on the order rows were stored.
    m = m.with_columns(record_key().alias("record")).sort("husband", "wife", "event_date",
                                                          "record", nulls_last=False)
    episodes: list[dict[str, Any]] = []
    for (husband, wife), events in m.group_by(["husband", "wife"], maintain_order=True):
        episodes.extend(_episodes(str(husband), str(wife), events, deaths))
    schema: dict[str, Any] = {"husband": pl.String, "wife": pl.String, "seq": pl.Int64,
              "married_on": pl.Date, "ended_on": pl.Date, "end_reason": pl.String,
              "records": pl.List(pl.String), "statements": pl.List(pl.String)}
    return pl.DataFrame(episodes, schema=schema)


def _episodes(husband: str, wife: str, events: pl.DataFrame,
              deaths: dict[str, date]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for event, day, record in events.select("event", "event_date", "record").iter_rows():
        if event in MARRIAGE_EVENTS:
            start = current["married_on"] if current else None
            if current and isinstance(start, date) and abs((day - start).days) <= SAME_EVENT_DAYS:
                current["records"].append(record)
                current["statements"].append(f"{record}|event")
                continue
            current = {"husband": husband, "wife": wife, "seq": len(out) + 1,
                       "married_on": day, "ended_on": None, "end_reason": None,
                       "records": [record], "statements": [f"{record}|event"]}
            out.append(current)
        elif event == "divorce":
            if not out or out[-1]["ended_on"] is not None:
                # A divorce whose marriage no department recorded: the marriage existed,
                # its start is unknown.
                out.append({"husband": husband, "wife": wife, "seq": len(out) + 1,
                            "married_on": None, "ended_on": None, "end_reason": None,
                            "records": [], "statements": []})
            last = out[-1]
            last["ended_on"], last["end_reason"] = day, "divorce"
            last["records"].append(record)
            current = None
    for episode in out:
        if episode["ended_on"] is None:
            died = [d for d in (deaths.get(husband), deaths.get(wife)) if d is not None]
            if died:
                episode["ended_on"], episode["end_reason"] = min(died), "death"
    return out


def episodes(rows: pl.DataFrame, pids: pl.DataFrame, feed: str) -> pl.DataFrame:
    """Per-record episode edges: ``record, pid, target, target_props, division_code, props``.

    Rows of one target may describe it differently (two addresses of one dwelling): every
    row carries the target's properties from its latest row (by ``from_date``, then record
    key), so the node shows the same whatever order rows were loaded in.
    """
    frame = _episode_rows(rows, pids, feed)
    latest = pl.col("target_props").sort_by(
        pl.col("props").struct.field("from_date"), "record", nulls_last=False).last()
    return frame.with_columns(latest.over("target"))


def _episode_rows(rows: pl.DataFrame, pids: pl.DataFrame, feed: str) -> pl.DataFrame:
    r = with_pid(rows, pids, "person", "pid").filter(pl.col("pid").is_not_null())
    common: list[Any] = [record_key().alias("record"), "pid", "division_code"]
    span = [pl.col("from_date"), pl.col("to_date")]
    if feed == "household":
        return r.select(*common, pl.col("household_id").alias("target"),
                        pl.struct(pl.lit(None, pl.String).alias("_")).alias("target_props"),
                        pl.struct(pl.col("registered_on").alias("from_date"),
                                  pl.col("deregistered_on").alias("to_date"),
                                  "relation_to_head", "division_code", "hukou_type",
                                  pl.col("deregistered_reason").alias("reason")).alias("props"))
    if feed == "cohabitation":
        return r.select(*common, pl.col("dwelling_id").alias("target"),
                        pl.struct("division_code", "address").alias("target_props"),
                        pl.struct(*span, "division_code").alias("props"))
    return r.select(*common, pl.col("employer_code").alias("target"),
                    pl.struct(pl.col("employer_name").alias("name"),
                              "division_code").alias("target_props"),
                    pl.struct(*span, "division_code").alias("props"))
