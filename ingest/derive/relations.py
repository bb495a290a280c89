"""Facts between persons, derived from cleaned rows once every mention has a pid.

Stated parent–child links (birth rows, bloodline rows) are strong; links inferred
from household relation codes (a head's 子/女 is the head's child) are marked
``inferred`` and weaker.  Every derived fact lists the record keys behind it.

GB/T 4761 codes 27/37 (adopted or step son/daughter) and 57/58 (step or adoptive
father/mother) do not say which: such a link is of kind ``step_or_adoptive``, never
read as adoptive (an adoption is legal kinship, art. 1111; a step relation is kinship
by marriage unless the step-parent raised the child, art. 1072).

Marriages come from marriage rows (:func:`marriages`) and from the household register
(:func:`household_marriages`): a head (02) and a spouse (10 spouse, 11 husband, 12
wife) registered in the same household over the same time are married at least over
that time.  Such a marriage is ``inferred``, weaker than a marriage row: where it
overlaps a row-stated marriage of the same couple its rows only join that marriage's
evidence (:func:`with_household_marriages`); otherwise it is an episode of its own.

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

import itertools
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import polars as pl

from ingest.feeds.mentions import record_key

# GB/T 4761 codes, read as "what the relative is to the person".
STEP_OR_ADOPTIVE = "step_or_adoptive"
PARENT_CODES = {"51": "biological", "52": "biological", "57": STEP_OR_ADOPTIVE,
                "58": STEP_OR_ADOPTIVE}
CHILD_CODES = {**{f"{c}": "biological" for c in (*range(20, 27), *range(30, 37))},
               "27": STEP_OR_ADOPTIVE, "37": STEP_OR_ADOPTIVE}
HEAD, SPOUSES = "02", ("10", "11", "12")
HUSBAND_CODE, WIFE_CODE = "11", "12"  # the spouse is the head's husband / wife
HEAD_CHILD = tuple(f"{c}" for c in (*range(20, 27), *range(30, 37)))
HEAD_STEP_OR_ADOPTED = ("27", "37")
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
STATED_SCHEMA: dict[str, Any] = {
    "husband": pl.String, "wife": pl.String, "seq": pl.Int64, "married_on": pl.Date,
    "ended_on": pl.Date, "end_reason": pl.String, "records": pl.List(pl.String),
    "statements": pl.List(pl.String), "ended_by": pl.String}


def with_pid(frame: pl.DataFrame, pids: pl.DataFrame, role: str, alias: str) -> pl.DataFrame:
    """Add the pid of ``role`` on each row as column ``alias``.

    A mention id is ``feed|source|record_id|role``, so only the pids whose id starts with
    one of the frame's feeds and ends with ``role`` can match: the join is made against
    those alone (a scan of the ids instead of a hash table of every mention: 2.2 s ->
    0.2 s for the husbands of the marriage rows at 1 M persons).
    """
    mention = pl.concat_str(record_key(), pl.lit(role), separator="|")
    feeds = frame.get_column("feed").unique().to_list() if frame.height else []
    ids = pl.col("mention_id")
    mine = (pids.filter(ids.str.ends_with(f"|{role}")
                        & pl.any_horizontal(*(ids.str.starts_with(f"{f}|") for f in feeds)))
            if feeds else pids.clear())
    return frame.with_columns(mention.alias("_m")).join(
        mine.rename({"mention_id": "_m", "pid": alias}), on="_m", how="left").drop("_m")


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


def _inferred(frame: pl.DataFrame, child: str, parent: str, recs: list[str],
              confidence: float, by: str, kind: str = "biological") -> pl.DataFrame:
    """Household inferences as statements, named by the member's row and ``by``."""
    return frame.select(
        pl.col(child).alias("child"), pl.col(parent).alias("parent"), pl.lit(kind).alias("kind"),
        pl.lit(True).alias("inferred"), pl.lit(confidence).alias("confidence"),
        pl.concat_list(recs).alias("records"), pl.lit(None, pl.String).alias("side"),
        pl.concat_str(recs[0], pl.lit(by), separator="|").alias("statement"))


def child_of_from_households(rows: pl.DataFrame, pids: pl.DataFrame,
                             married: pl.DataFrame | None = None,
                             born: pl.DataFrame | None = None) -> pl.DataFrame:
    """Inferred: a head's children (20-26, 30-36) are the head's; a head's parents (51/52)
    the head's parents; a head's adopted-or-step child (27/37) is the head's, of kind
    ``step_or_adoptive`` (the code does not say whether the head's spouse is a parent: no
    link to the spouse).

    A code states what a member is *to the head*, never to the head's spouse: the head's
    son may be the spouse's stepson (a child of the head's earlier marriage).  So a head's
    child is inferred to be the spouse's child only when the child was born while head
    and spouse were married (:func:`born_in_marriage`); a child born before the couple's
    earliest known wedding day, or whose birth date or wedding day is unknown, gets no
    link to the spouse (a step-parent read as a parent is worse than a link missing).

    Args:
        rows: household rows.
        pids: ``mention_id, pid``.
        married: marriage episodes (``husband, wife, married_on, ended_on``); without
            them no child is linked to the head's spouse.
        born: ``pid, birth_date`` (the golden persons').
    """
    h = with_pid(rows, pids, "person", "pid").filter(pl.col("pid").is_not_null())
    members = h.select("household_id", "relation_to_head", "pid", record_key().alias("rec"))
    heads = members.filter(pl.col("relation_to_head") == HEAD).select(
        "household_id", pl.col("pid").alias("head"), pl.col("rec").alias("head_rec"))
    spouses = members.filter(pl.col("relation_to_head").is_in(SPOUSES)).select(
        "household_id", pl.col("pid").alias("spouse"), pl.col("rec").alias("spouse_rec"))
    kids = members.filter(pl.col("relation_to_head").is_in(HEAD_CHILD))
    step_or_adopted = members.filter(pl.col("relation_to_head").is_in(HEAD_STEP_OR_ADOPTED))
    parents = members.filter(pl.col("relation_to_head").is_in(HEAD_PARENT))
    spouse_kids = kids.join(spouses, on="household_id").join(heads, on="household_id")
    spouse_kids = born_in_marriage(spouse_kids, married, born)
    return pl.concat([
        _inferred(kids.join(heads, on="household_id"), "pid", "head", ["rec", "head_rec"],
                  HEAD_CONFIDENCE, "inferred_head"),
        _inferred(spouse_kids, "pid", "spouse", ["rec", "spouse_rec"], SPOUSE_CONFIDENCE,
                  "inferred_spouse"),
        _inferred(parents.join(heads, on="household_id"), "head", "pid", ["rec", "head_rec"],
                  HEAD_CONFIDENCE, "inferred_head"),
        _inferred(step_or_adopted.join(heads, on="household_id"), "pid", "head",
                  ["rec", "head_rec"], HEAD_CONFIDENCE, "inferred_head", STEP_OR_ADOPTIVE),
    ]).filter(pl.col("child") != pl.col("parent"))


# A child born this long after a marriage ended (a husband's death) is still born of it.
POSTHUMOUS_DAYS = 300


def born_in_marriage(pairs: pl.DataFrame, married: pl.DataFrame | None,
                     born: pl.DataFrame | None) -> pl.DataFrame:
    """The rows of ``pairs`` (``pid`` a head's child, ``head``, ``spouse``) whose child was
    born while head and spouse were married: on or after the first day of one of their
    marriage episodes (row-stated, or inferred from the register) and before its end (or
    within :data:`POSTHUMOUS_DAYS` after it).  A null wedding day or birth date settles
    nothing: such rows are left out."""
    if married is None or born is None or pairs.height == 0:
        return pairs.clear()
    periods = married.filter(pl.col("married_on").is_not_null()).select(
        pl.min_horizontal("husband", "wife").alias("_a"),
        pl.max_horizontal("husband", "wife").alias("_b"),
        pl.col("married_on").alias("_from"), pl.col("ended_on").alias("_to"))
    keyed = pairs.join(born.select(pl.col("pid"), pl.col("birth_date").alias("_born")),
                       on="pid", how="left").with_columns(
        pl.min_horizontal("head", "spouse").alias("_a"),
        pl.max_horizontal("head", "spouse").alias("_b"),
        pl.int_range(pl.len()).alias("_row"))
    inside = keyed.join(periods, on=["_a", "_b"]).filter(
        pl.col("_born").is_not_null() & (pl.col("_born") >= pl.col("_from"))
        & (pl.col("_to").is_null()
           | (pl.col("_born") <= pl.col("_to") + pl.duration(days=POSTHUMOUS_DAYS))))
    return keyed.filter(pl.col("_row").is_in(inside["_row"].implode())).select(pairs.columns)


def child_of_statements(feeds: Mapping[str, pl.DataFrame], pids: pl.DataFrame,
                        dismissed: frozenset[str] = frozenset(), *,
                        married: pl.DataFrame | None = None,
                        born: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every parent-child statement of the rows (``STATEMENT_SCHEMA``), less those an
    officer dismissed as evidence.  ``married`` and ``born`` (the marriage episodes, the
    persons' birth dates) decide which household children are the head's spouse's too
    (:func:`child_of_from_households`)."""
    parts = []
    if "birth" in feeds:
        parts.append(child_of_from_births(feeds["birth"], pids))
    if "bloodline" in feeds:
        parts.append(child_of_from_bloodline(feeds["bloodline"], pids))
    if "household" in feeds:
        parts.append(child_of_from_households(feeds["household"], pids, married, born))
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
    """One row per marriage episode (``STATED_SCHEMA``).  A 复婚 (``remarriage``) opens a
    new episode.

    ``statements`` names the rows that state the wedding (``record|event``), ``ended_by``
    the divorce row that ended it; a row whose statement an officer dismissed is not used
    at all.
    """
    m = with_pid(with_pid(rows, pids, "husband", "husband"), pids, "wife", "wife")
    m = m.filter(pl.col("husband").is_not_null() & pl.col("wife").is_not_null())
    if dismissed:
        m = m.filter(~marriage_statement().is_in(list(dismissed)))
    # Ties on the date are broken on the record key: never on the order rows were stored.
    m = m.with_columns(record_key().alias("record")).sort("husband", "wife", "event_date",
                                                          "record", nulls_last=False)
    episodes = _per_couple(m.select("husband", "wife", "event", "event_date", "record"),
                           _episodes, deaths)
    return pl.DataFrame(episodes, schema=STATED_SCHEMA)


Couple = Callable[[list[tuple[Any, ...]], dict[str, date]], list[dict[str, Any]]]


def _per_couple(rows: pl.DataFrame, build: Couple, deaths: dict[str, date]
                ) -> list[dict[str, Any]]:
    """``build`` on each couple's rows, in one pass over ``rows`` (``husband, wife, …``,
    sorted so a couple's rows are adjacent)."""
    out: list[dict[str, Any]] = []
    for _, group in itertools.groupby(rows.iter_rows(), key=lambda row: row[:2]):
        out.extend(build(list(group), deaths))
    return out


def _episodes(events: list[tuple[Any, ...]], deaths: dict[str, date]
              ) -> list[dict[str, Any]]:
    """One couple's rows (``husband, wife, event, event_date, record``, by date) as
    marriage episodes."""
    husband, wife = str(events[0][0]), str(events[0][1])
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for _, _, event, day, record in events:
        if event in MARRIAGE_EVENTS:
            start = current["married_on"] if current else None
            if current and isinstance(start, date) and abs((day - start).days) <= SAME_EVENT_DAYS:
                current["records"].append(record)
                current["statements"].append(f"{record}|event")
                continue
            current = {"husband": husband, "wife": wife, "seq": len(out) + 1,
                       "married_on": day, "ended_on": None, "end_reason": None,
                       "records": [record], "statements": [f"{record}|event"],
                       "ended_by": None}
            out.append(current)
        elif event == "divorce":
            if not out or out[-1]["ended_on"] is not None:
                # A divorce whose marriage no department recorded: the marriage existed,
                # its start is unknown.
                out.append({"husband": husband, "wife": wife, "seq": len(out) + 1,
                            "married_on": None, "ended_on": None, "end_reason": None,
                            "records": [], "statements": [], "ended_by": None})
            last = out[-1]
            last["ended_on"], last["end_reason"], last["ended_by"] = day, "divorce", record
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

    Every row of one target (a dwelling, an employer) carries the same ``target_props``:
    those of its latest row (see :func:`settled_targets`).
    """
    return settled_targets(_episode_rows(rows, pids, feed))


def settled_targets(frame: pl.DataFrame) -> pl.DataFrame:
    """Give every row of a target the target properties of its latest row (latest start,
    then the greatest record key), so that what a dwelling's or an employer's node holds
    is a function of all its rows, not of the order they are written in (the bulk
    importer keeps one row per target, transactions apply every row in turn)."""
    if frame.height == 0:
        return frame
    order = frame.with_columns(pl.col("props").struct.field("from_date").alias("_start"))
    chosen = (order.sort(["target", "_start", "record"], nulls_last=False)
              .group_by("target", maintain_order=True).last().select("target", "target_props"))
    return frame.drop("target_props").join(chosen, on="target", how="left",
                                           maintain_order="left").select(frame.columns)


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


# --- marriages the household register shows ---------------------------------------------

HOUSEHOLD_GAP_DAYS = 90  # a couple's spans this close are one marriage (they moved together)
LEFT_HOUSEHOLD = "left_household"  # the register stopped showing them as spouses
INFERRED_MARRIAGE = "inferred_marriage"  # what a spouse's household row states
SPAN_SCHEMA: dict[str, Any] = {
    "husband": pl.String, "wife": pl.String, "from_date": pl.Date, "to_date": pl.Date,
    "end_reason": pl.String, "records": pl.List(pl.String), "statements": pl.List(pl.String)}
MARRIED_SCHEMA: dict[str, Any] = {**STATED_SCHEMA, "inferred": pl.Boolean}


def _head_is_husband(head_sex: pl.Expr, spouse_sex: pl.Expr, code: pl.Expr) -> pl.Expr:
    """Which of head and spouse is the husband (also: of a bloodline row's person and the
    relative the code names).  The code says it (11: the spouse is the head's husband, 12:
    his wife) unless a known sex (GB/T 2261.1) contradicts it; code 10 (spouse) leaves it
    to the persons' sex.  Null when nothing settles it or the two disagree: two persons
    of one sex, code 10 between persons of unknown sex, or a code that a sex contradicts
    (a sex read off a mistyped number, a code miskeyed: which is wrong is not known)."""
    m_h, f_h = (head_sex == "1").fill_null(False), (head_sex == "2").fill_null(False)
    m_s, f_s = (spouse_sex == "1").fill_null(False), (spouse_sex == "2").fill_null(False)
    by_sex = (pl.when((m_h & ~m_s) | (f_s & ~f_h)).then(True)
              .when((f_h & ~f_s) | (m_s & ~m_h)).then(False)
              .otherwise(None))
    return (pl.when(code == WIFE_CODE).then(pl.when(f_h | m_s).then(None).otherwise(True))
            .when(code == HUSBAND_CODE).then(pl.when(m_h | f_s).then(None).otherwise(False))
            .otherwise(by_sex))


def household_spouse_pairs(rows: pl.DataFrame, pids: pl.DataFrame, sexes: pl.DataFrame,
                           dismissed: frozenset[str] = frozenset()) -> pl.DataFrame:
    """Each head's row and spouse's row of one household whose registrations overlap:
    ``husband, wife, from_date, to_date`` (the overlap; null to: still together, null from:
    neither row says when it began), ``reason`` (how the row that ended first ended),
    ``records`` and ``statement`` (the spouse's row, ``record|inferred_marriage``).

    ``sexes`` is ``pid, sex`` (the golden persons').
    """
    h = with_pid(rows, pids, "person", "pid").filter(pl.col("pid").is_not_null())
    members = h.select("household_id", "relation_to_head", "pid", record_key().alias("rec"),
                       pl.col("registered_on").alias("start"),
                       pl.col("deregistered_on").alias("end"),
                       pl.col("deregistered_reason").alias("reason"))
    heads = members.filter(pl.col("relation_to_head") == HEAD)
    spouses = members.filter(pl.col("relation_to_head").is_in(SPOUSES))
    pairs = heads.join(spouses, on="household_id", suffix="_s").filter(
        pl.col("pid") != pl.col("pid_s"))
    pairs = pairs.join(sexes, on="pid", how="left").join(
        sexes.rename({"pid": "pid_s", "sex": "sex_s"}), on="pid_s", how="left")
    start = pl.max_horizontal("start", "start_s")  # nulls ignored: the other row's date
    end = pl.min_horizontal("end", "end_s")  # nulls (still registered) ignored
    head_husband = _head_is_husband(pl.col("sex"), pl.col("sex_s"), pl.col("relation_to_head_s"))
    found = pairs.with_columns(start.alias("from_date"), end.alias("to_date"),
                               head_husband.alias("head_husband")).filter(
        pl.col("head_husband").is_not_null()
        & (pl.col("from_date").is_null() | pl.col("to_date").is_null()
           | (pl.col("from_date") < pl.col("to_date"))))
    found = found.select(
        pl.when("head_husband").then("pid").otherwise("pid_s").alias("husband"),
        pl.when("head_husband").then("pid_s").otherwise("pid").alias("wife"),
        "from_date", "to_date",
        pl.when(pl.col("end") == pl.col("to_date")).then("reason").otherwise("reason_s")
        .alias("reason"),
        pl.concat_list("rec", "rec_s").alias("records"),
        pl.concat_str("rec_s", pl.lit(INFERRED_MARRIAGE), separator="|").alias("statement"))
    if dismissed:
        found = found.filter(~pl.col("statement").is_in(list(dismissed)))
    return found


def household_marriages(rows: pl.DataFrame, pids: pl.DataFrame, sexes: pl.DataFrame,
                        deaths: dict[str, date], dismissed: frozenset[str] = frozenset()
                        ) -> pl.DataFrame:
    """The spans over which the register shows each couple as head and spouse
    (``SPAN_SCHEMA``): a couple's pairs of rows, in date order, are one span while each
    begins within :data:`HOUSEHOLD_GAP_DAYS` of the last one's end (a move together).

    A span ended by a death (the row's reason, or a spouse's death date) ends with
    ``death``; one that simply ends, with :data:`LEFT_HOUSEHOLD` (the register no longer
    shows them together: not proof of a divorce); an open span is ended by a spouse's death.
    """
    # A total order: a couple's pairs that start and end on the same day (registered
    # together in two households) are read in one order whatever the rows' order.
    pairs = household_spouse_pairs(rows, pids, sexes, dismissed).sort(
        "husband", "wife", "from_date", "to_date", "reason", "statement", nulls_last=False)
    spans = _per_couple(pairs.select("husband", "wife", "from_date", "to_date", "reason",
                                     "records", "statement"), _spans, deaths)
    return pl.DataFrame(spans, schema=SPAN_SCHEMA)


def _spans(pairs: list[tuple[Any, ...]], deaths: dict[str, date]) -> list[dict[str, Any]]:
    """One couple's pairs of rows (``husband, wife, from_date, to_date, reason, records,
    statement``, by start) as spans."""
    husband, wife = str(pairs[0][0]), str(pairs[0][1])
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for _, _, start, end, reason, records, statement in pairs:
        last_end = current["to_date"] if current else None
        joined = current is not None and (
            last_end is None or start is None or (start - last_end).days <= HOUSEHOLD_GAP_DAYS)
        if current is not None and joined:
            if last_end is not None and (end is None or end > last_end):
                current["to_date"], current["end_reason"] = end, reason
            current["records"] += records
            current["statements"].append(statement)
            continue
        current = {"husband": husband, "wife": wife, "from_date": start, "to_date": end,
                   "end_reason": reason, "records": list(records), "statements": [statement]}
        out.append(current)
    died = min((d for d in (deaths.get(husband), deaths.get(wife)) if d), default=None)
    for span in out:
        span["records"] = sorted(set(span["records"]))
        span["statements"] = sorted(set(span["statements"]))
        end = span["to_date"]
        after_start = died is not None and (span["from_date"] is None
                                            or died >= span["from_date"])
        if died is not None and after_start and (
                end is None or abs((end - died).days) <= HOUSEHOLD_GAP_DAYS):
            span["to_date"], span["end_reason"] = died if end is None else end, "death"
        elif end is not None:
            span["end_reason"] = "death" if span["end_reason"] == "death" else LEFT_HOUSEHOLD
        else:
            span["end_reason"] = None
    return out


def _overlaps(start: date | None, end: date | None, other_start: date | None,
              other_end: date | None) -> bool:
    """Whether two periods overlap (a null start is the beginning of time, a null end open)."""
    return ((other_end is None or start is None or start < other_end)
            and (end is None or other_start is None or other_start < end))


def with_household_marriages(stated: pl.DataFrame, spans: pl.DataFrame
                             ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every marriage episode (``MARRIED_SCHEMA``) and the spans with the episode they support.

    A span that overlaps a row-stated episode of the same couple adds its household rows to
    that episode's records (the rows stay the evidence of the dates: a row is never
    overridden); any other span is an episode of its own, ``inferred``, from its first day
    seen together to its end.  Each couple's episodes are then numbered by date (``seq``).

    Returns:
        The episodes, and the spans (``SPAN_SCHEMA``) with ``seq`` and ``merged`` (True
        when the span joined a row-stated episode).
    """
    couple = ["husband", "wife"]
    touched = stated.join(spans.select(couple).unique(), on=couple, how="semi")
    untouched = stated.join(spans.select(couple).unique(), on=couple, how="anti")
    by_couple: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for episode in touched.iter_rows(named=True):
        by_couple.setdefault((episode["husband"], episode["wife"]), []).append(
            {**episode, "inferred": False})
    placed: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for span in spans.iter_rows(named=True):
        episodes = by_couple.setdefault((span["husband"], span["wife"]), [])
        placed.append((span, _place(span, episodes)))
    for episodes in by_couple.values():
        episodes.sort(key=lambda e: (e["married_on"] or date.min, e["inferred"], e["seq"]))
        for seq, episode in enumerate(episodes, 1):
            episode["seq"] = seq
    married = pl.concat([
        untouched.with_columns(pl.lit(False).alias("inferred")),
        pl.DataFrame([e for es in by_couple.values() for e in es], schema=MARRIED_SCHEMA)])
    placed_rows = [{**span, "seq": episode["seq"], "merged": not episode["inferred"]}
                   for span, episode in placed]
    schema = {**SPAN_SCHEMA, "seq": pl.Int64, "merged": pl.Boolean}
    return married.sort("husband", "wife", "seq"), pl.DataFrame(placed_rows, schema=schema)


def _place(span: dict[str, Any], episodes: list[dict[str, Any]]) -> dict[str, Any]:
    """The episode a span supports: the first row-stated one it overlaps, else a new one."""
    for episode in episodes:
        if not episode["inferred"] and _overlaps(span["from_date"], span["to_date"],
                                                 episode["married_on"], episode["ended_on"]):
            episode["records"] = sorted({*episode["records"], *span["records"]})
            return episode
    episode = {"husband": span["husband"], "wife": span["wife"], "seq": len(episodes) + 1,
               "married_on": span["from_date"], "ended_on": span["to_date"],
               "end_reason": span["end_reason"], "records": list(span["records"]),
               "statements": [], "ended_by": None, "inferred": True}
    episodes.append(episode)
    return episode


# --- couples other rows state -----------------------------------------------------------

STATED_SPOUSES = "stated_spouses"  # what a bloodline, certificate or pregnancy row states
END_UNKNOWN = "unknown"  # no row says whether, or when, a marriage known only so ended
# The feeds that name a couple as husband and wife, the roles and the row's date: a
# family-planning certificate is issued to a married couple, a pregnancy registration
# names the woman's husband.
COUPLE_ROLES = {"certificate": ("husband", "wife", "issued_on"),
                "pregnancy": ("husband", "woman", "registered_on")}
COUPLE_SCHEMA: dict[str, Any] = {"husband": pl.String, "wife": pl.String, "on": pl.Date,
                                 "record": pl.String, "statement": pl.String}


def couple_statements(feeds: Mapping[str, pl.DataFrame], pids: pl.DataFrame,
                      sexes: pl.DataFrame, dismissed: frozenset[str] = frozenset()
                      ) -> pl.DataFrame:
    """Couples rows other than marriage rows state (``COUPLE_SCHEMA``), one per row.

    A bloodline row whose relative is the person's spouse (GB/T 4761 10 spouse, 11
    husband, 12 wife) states a marriage; who is the husband is read from the persons' sex,
    else from the code (as for a head and spouse, :func:`household_spouse_pairs`): two
    persons of one sex, or code 10 between persons of unknown sex, state nothing.  A
    certificate row (husband, wife) and a pregnancy row (woman, husband) name a married
    couple.  ``on`` is the row's date (collected, issued, registered); ``statement`` is
    ``record|stated_spouses``, which an officer may dismiss.
    """
    parts = []
    if "bloodline" in feeds:
        b = with_pid(with_pid(feeds["bloodline"].filter(
            pl.col("relation").is_in(SPOUSES)), pids, "person", "p"), pids, "relative", "r")
        b = b.filter(pl.col("p").is_not_null() & pl.col("r").is_not_null()
                     & (pl.col("p") != pl.col("r")))
        b = b.join(sexes.rename({"pid": "p", "sex": "_sp"}), on="p", how="left").join(
            sexes.rename({"pid": "r", "sex": "_sr"}), on="r", how="left")
        person_husband = _head_is_husband(pl.col("_sp"), pl.col("_sr"), pl.col("relation"))
        b = b.with_columns(person_husband.alias("_ph")).filter(pl.col("_ph").is_not_null())
        parts.append(b.select(
            pl.when("_ph").then("p").otherwise("r").alias("husband"),
            pl.when("_ph").then("r").otherwise("p").alias("wife"),
            pl.col("collected_on").alias("on"), record_key().alias("record")))
    for feed, (husband, wife, on) in COUPLE_ROLES.items():
        if feed not in feeds:
            continue
        c = with_pid(with_pid(feeds[feed], pids, husband, "husband"), pids, wife, "wife")
        c = c.filter(pl.col("husband").is_not_null() & pl.col("wife").is_not_null()
                     & (pl.col("husband") != pl.col("wife")))
        parts.append(c.select("husband", "wife", pl.col(on).alias("on"),
                              record_key().alias("record")))
    if not parts:
        return pl.DataFrame(schema=COUPLE_SCHEMA)
    found = pl.concat(parts).with_columns(
        pl.concat_str("record", pl.lit(STATED_SPOUSES), separator="|").alias("statement"))
    if dismissed:
        found = found.filter(~pl.col("statement").is_in(list(dismissed)))
    return found.select(list(COUPLE_SCHEMA)).cast(COUPLE_SCHEMA)  # type: ignore[arg-type]


def with_stated_couples(married: pl.DataFrame, couples: pl.DataFrame,
                        deaths: dict[str, date]) -> pl.DataFrame:
    """``married`` (``MARRIED_SCHEMA``) and one ``inferred`` episode for each couple that
    only other rows state (:func:`couple_statements`): they were married, from a day no
    row says (``married_on`` null: on or before the first row's date) until a spouse's
    death, or to an end no row says (``end_reason`` :data:`END_UNKNOWN`, ``ended_on``
    null: not a current marriage, not a divorce).  A couple that already has an episode
    gains nothing from such rows (their dates say less than the episode's)."""
    couple = ["husband", "wife"]
    alone = couples.join(married.select(couple).unique(), on=couple, how="anti")
    if alone.height == 0:
        return married
    grouped = alone.group_by(couple).agg(pl.col("record").unique().sort().alias("records"),
                                         pl.col("statement").unique().sort()
                                         .alias("statements")).sort(couple)
    episodes = []
    for husband, wife, records, statements in grouped.iter_rows():
        died = min((d for d in (deaths.get(husband), deaths.get(wife)) if d), default=None)
        episodes.append({"husband": husband, "wife": wife, "seq": 1, "married_on": None,
                         "ended_on": died, "end_reason": "death" if died else END_UNKNOWN,
                         "records": records, "statements": statements, "ended_by": None,
                         "inferred": True})
    found = pl.DataFrame(episodes, schema=MARRIED_SCHEMA)
    return pl.concat([married, found]).sort(couple + ["seq"])
