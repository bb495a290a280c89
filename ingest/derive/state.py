"""The graph a load should leave behind, and writing only its difference from the last one.

:func:`graph_state` turns stored rows, mentions and the resolver's decisions into
frames shaped like the graph model; :func:`apply` compares them with the state the
store says was applied last, writes the new and changed parts through
:mod:`graphdb.model`, deletes what vanished, and saves the new state.  Running it
twice writes nothing the second time; running it after an interruption writes again
what the graph may have missed (every write is idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import neo4j
import polars as pl

from graphdb import model
from ingest.derive import conflicts, relations, survivorship
from ingest.derive.conflicts import NO_RULINGS, Rulings
from ingest.feeds.catalogue import FEEDS
from ingest.feeds.mentions import record_key
from ingest.fusion.resolution import Resolution
from ingest.store import Store
from kingraph import divisions

Stage = Callable[[str, int | None], Callable[[int], None]]
EPISODE_FEEDS = {"household": "MEMBER_OF", "cohabitation": "LIVED_AT",
                 "employment": "EMPLOYED_BY"}



@dataclass
class GraphState:
    """Frames shaped like the graph model."""

    records: dict[str, pl.DataFrame]
    persons: pl.DataFrame
    mentions: pl.DataFrame
    child_of: pl.DataFrame
    married: pl.DataFrame
    episodes: dict[str, pl.DataFrame]
    reviews: pl.DataFrame  # possible matches and conflicts (``REVIEW_COLUMNS``)
    conflicts: dict[str, int]  # conflicts found, by kind


def _identity_columns(feed: str) -> set[str]:
    cols = set()
    for role in FEEDS[feed].roles:
        cols |= {role.id_number, role.person_name}
    return cols | {"former_name", "address"}


def record_frame(feed: str, rows: pl.DataFrame) -> pl.DataFrame:
    """Record nodes of one feed: key, provenance, the row as JSON, typed non-personal props."""
    spec = [c.name for c in FEEDS[feed].columns]
    facts = [c for c in spec if c not in _identity_columns(feed)
             and c not in ("record_id", "source")]
    return rows.select(
        record_key().alias("key"), "feed", "source", "record_id", "file", "line",
        "load_id", "content_hash",
        pl.struct([pl.col(c).cast(pl.String) for c in spec]).struct.json_encode().alias("data"),
        pl.struct(facts).alias("props"),
    )


def graph_state(rows: dict[str, pl.DataFrame], mentions: pl.DataFrame,
                resolution: Resolution, load_id: str, rulings: Rulings = NO_RULINGS
                ) -> GraphState:
    """Everything the graph should hold after this load.

    ``rulings`` are the officers' rulings on conflicts: dismissed statements are not
    used as evidence, decided conflicts are not disputed (:mod:`ingest.derive.conflicts`).
    """
    pids = resolution.assignments.select("mention_id", "pid")
    households = rows.get("household")
    persons = survivorship.golden(mentions, resolution.assignments, households)
    deaths = _deaths(persons)
    statements = relations.child_of_statements(rows, pids, rulings.dismissed)
    child_of = relations.child_of(statements)
    married, spans = _marriages(rows, pids, persons, deaths, rulings)
    found = conflicts.detect(statements, child_of, married, persons, mentions, pids, rulings,
                             spans=spans)
    episodes = {rel: relations.episodes(rows[feed], pids, feed)
                for feed, rel in EPISODE_FEEDS.items() if feed in rows}
    links = mentions.select("mention_id", pl.concat_str("feed", "source", "record_id",
                                                        separator="|").alias("record"),
                            "role").join(resolution.assignments, on="mention_id")
    link_rows = links.select("record", "role", "pid", "previous_pid",
                             pl.when(pl.col("anchored")).then(pl.lit("id_number"))
                             .otherwise(pl.lit("probabilistic")).alias("link"))
    reviews = pl.concat([_reviews(resolution, pids), found.reviews],
                        how="diagonal_relaxed").with_columns(pl.lit(load_id).alias("load_id"))
    return GraphState(
        records={feed: record_frame(feed, frame) for feed, frame in rows.items()},
        persons=persons, mentions=link_rows,
        child_of=conflicts.mark(child_of, found.disputed["child_of"]),
        married=conflicts.mark(married.drop("statements", "ended_by"),
                               found.disputed["married"]),
        episodes=episodes, reviews=reviews.select(REVIEW_COLUMNS), conflicts=found.counts,
    )


def _marriages(rows: dict[str, pl.DataFrame], pids: pl.DataFrame, persons: pl.DataFrame,
               deaths: dict[str, date], rulings: Rulings) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Marriage episodes from marriage rows and the household register, and the household
    spans behind them (:func:`ingest.derive.relations.with_household_marriages`)."""
    stated = (relations.marriages(rows["marriage"], pids, deaths, rulings.dismissed)
              if "marriage" in rows else pl.DataFrame(schema=relations.STATED_SCHEMA))
    sexes = persons.select("pid", pl.col("props").struct.field("sex"))
    spans = (relations.household_marriages(rows["household"], pids, sexes, deaths,
                                           rulings.dismissed)
             if "household" in rows else pl.DataFrame(schema=relations.SPAN_SCHEMA))
    return relations.with_household_marriages(stated, spans)


def _deaths(persons: pl.DataFrame) -> dict[str, date]:
    died = persons.select("pid", pl.col("props").struct.field("death_date")).drop_nulls()
    return dict(died.iter_rows())


# The columns of a review row, possible matches and conflicts alike.
REVIEW_COLUMNS = ("review_id", "kind", "reason", "weight", "levels", "left_mention",
                  "right_mention", "left_pid", "right_pid", "records", "pids", "sides",
                  "load_id")


def _reviews(resolution: Resolution, pids: pl.DataFrame) -> pl.DataFrame:
    """Possible matches with the pids and records of both sides (``reason``: why fusion
    refused to link them, for a link refused as impossible)."""
    r = resolution.reviews
    lookup = pids.rename({"mention_id": "left_mention", "pid": "left_pid"})
    r = r.join(lookup, on="left_mention", how="left").join(
        pids.rename({"mention_id": "right_mention", "pid": "right_pid"}),
        on="right_mention", how="left")
    record = pl.col("left_mention").str.extract(r"^(.*)\|[^|]+$")
    other = pl.col("right_mention").str.extract(r"^(.*)\|[^|]+$")
    return r.with_columns(pl.concat_list(record, other).alias("records"),
                          pl.concat_list("left_pid", "right_pid").list.drop_nulls()
                          .alias("pids"),
                          pl.lit(None, pl.String).alias("sides"))


def _changed(new: pl.DataFrame, old: pl.DataFrame | None) -> pl.DataFrame:
    """Rows of ``new`` that are not identical in ``old`` (compared as JSON)."""
    if old is None or old.height == 0 or new.height == 0:
        return new
    sig = pl.struct(pl.all()).struct.json_encode().alias("_sig")
    old_sig = old.select(sig)
    return new.with_columns(sig).join(old_sig, on="_sig", how="anti").drop("_sig")


def _vanished(new: pl.DataFrame, old: pl.DataFrame | None, key: list[str]) -> pl.DataFrame:
    if old is None or old.height == 0:
        return new.select(key).clear()
    if new.height == 0:
        return old.select(key)
    return old.select(key).join(new.select(key), on=key, how="anti")


def apply(driver: neo4j.Driver, database: str, store: Store, graph: GraphState,
          batch_size: int, stage: Stage) -> dict[str, int]:
    """Write the difference between ``graph`` and the applied state; save the new state."""
    written: dict[str, int] = {}
    model.merge_divisions(driver, database, division_rows())
    written["records"] = _apply_records(driver, database, store, graph, batch_size, stage)
    persons = _changed(graph.persons, store.state("persons"))
    written["persons"] = model.merge_persons(driver, database, persons, batch_size,
                                             stage("write persons", persons.height))
    mentions = _changed_mentions(graph.mentions, store.state("assignments"))
    written["mentions"] = model.move_mentions(driver, database, mentions, batch_size,
                                              stage("write mentions", mentions.height))
    gone = _vanished(graph.persons, store.state("persons"), ["pid"])
    written["persons_deleted"] = model.delete_persons(driver, database, gone["pid"].to_list())
    written["child_of"] = _sync(driver, database, store, graph.child_of, "child_of",
                                ["child", "parent", "kind"], model.sync_child_of, batch_size,
                                stage)
    written["married"] = _sync(driver, database, store, graph.married, "married",
                               ["husband", "wife", "seq"], model.sync_married, batch_size,
                               stage)
    written["episodes"] = _apply_episodes(driver, database, store, graph, batch_size, stage)
    written["reviews"], written["reviews_closed"] = model.sync_reviews(
        driver, database, graph.reviews, batch_size)
    save(store, graph)
    return written


def _apply_records(driver: neo4j.Driver, database: str, store: Store, graph: GraphState,
                   batch_size: int, stage: Stage) -> int:
    old = store.state("records")
    total = 0
    changed = {}
    for feed, frame in graph.records.items():
        fresh = frame
        if old is not None:
            fresh = frame.join(old, on=["key", "content_hash"], how="anti")
        changed[feed] = fresh
        total += fresh.height
    advance = stage("write records", total)
    return sum(model.merge_records(driver, database, fresh, batch_size, advance)
               for fresh in changed.values())


def _changed_mentions(new: pl.DataFrame, old: pl.DataFrame | None) -> pl.DataFrame:
    """Mentions that are new or now point at another pid or link differently."""
    if old is None or old.height == 0:
        return new
    return new.join(old.select("record", "role", "pid", "link"),
                    on=["record", "role", "pid", "link"], how="anti")


def _sync(driver: neo4j.Driver, database: str, store: Store, new: pl.DataFrame, name: str,
          key: list[str], sync: Callable[..., int], batch_size: int, stage: Stage) -> int:
    if new.height == 0 and store.state(name) is None:
        return 0
    old = store.state(name)
    upsert = _changed(new, old)
    delete = _vanished(new, old, key) if new.height else (
        old.select(key) if old is not None else new)
    return sync(driver, database, upsert, delete, batch_size,
                stage(f"write {name}", upsert.height))


def _apply_episodes(driver: neo4j.Driver, database: str, store: Store, graph: GraphState,
                    batch_size: int, stage: Stage) -> int:
    total = 0
    for rel, frame in graph.episodes.items():
        old = store.state(f"episodes_{rel}")
        rows = _changed(frame, old)
        previous = (old.select("record", pl.col("pid").alias("previous_pid"))
                    if old is not None else
                    pl.DataFrame(schema={"record": pl.String, "previous_pid": pl.String}))
        rows = rows.join(previous, on="record", how="left")
        total += model.sync_episodes(driver, database, rel, rows, batch_size,
                                     stage(f"write {rel}", rows.height),
                                     _gone(frame, old) if old is not None else None)
    return total


def _gone(new: pl.DataFrame, old: pl.DataFrame) -> model.Gone:
    """Episodes, places of targets and targets that the old state had and the new lacks:
    a corrected row may name another household, dwelling or division."""
    def places(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select("target", "division_code").drop_nulls().unique()

    return model.Gone(
        episodes=old.join(new, on="record", how="anti").select(
            "record", pl.col("pid").alias("previous_pid")),
        places=places(old).join(places(new), on=["target", "division_code"], how="anti"),
        targets=old.select("target").unique().join(new.select("target"), on="target",
                                                   how="anti"))


def save(store: Store, graph: GraphState) -> None:
    """Record ``graph`` as the state now applied to the graph."""
    store.save_state("records", pl.concat([f.select("key", "content_hash")
                                           for f in graph.records.values()]))
    store.save_state("persons", graph.persons)
    store.save_state("assignments", graph.mentions.select(
        pl.concat_str("record", "role", separator="|").alias("mention_id"), "pid",
        "record", "role", "link"))
    store.save_state("child_of", graph.child_of)
    store.save_state("married", graph.married)
    for rel, frame in graph.episodes.items():
        store.save_state(f"episodes_{rel}", frame)


def division_rows() -> pl.DataFrame:
    """The division table as a frame (code, name, level, validity, successor)."""
    return pl.DataFrame([
        {"code": d.code, "name": d.name, "level": d.level, "valid_from": d.valid_from,
         "valid_to": d.valid_to, "successor": d.successor}
        for d in divisions.table().values()
    ])
