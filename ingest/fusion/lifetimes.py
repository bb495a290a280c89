"""What the rows say about when a person lived, and the bounds no one person can break.

Fusion must never make a person who cannot have existed: a mother aged 9, a father
born after his own child, a bride of 8, a man who married after his death.  The rows
tell, for each mention, what its person did and when:

- the person's birth date, as survivorship counts it
  (:func:`ingest.feeds.mentions.birth_evidence`);
- a wedding: a marriage row's husband and wife married (or divorced) on its date;
- being alive: a birth row's mother gave birth on its date, its father was alive at
  most ``father_death_before_birth_days`` earlier, a spouse on the marriage row's date;
- a death: a household row deregistered for death;
- parenthood, between two mentions: a birth row's mother and father of its child, a
  bloodline row's biological parent or child code (51, 52, 20–26, 30–36), and a
  household's head and the members registered as the head's child or parent.  Step and
  adoptive relations (27, 37, 57, 58) are not biological and bound no age.

:class:`LifeBounds` declares the bounds; :func:`lives` turns the mentions into one
:class:`Life` per entity, and the clustering (:mod:`ingest.fusion.clusters`) merges them and
refuses a merge whose person would break a bound (:meth:`Life.refusal`).

**A cluster's birth date** is its survivorship birth date: the date most of its
mentions state (the ID number's date for anchored ones), ties to the earliest, which
is what the graph will show and what the conflict detector judges.  Not the set of
all stated dates: one mistyped row (a year off) would then forbid its own person's
merges, and its row would become a phantom person; nor "any stated date fits", which
would let a merge publish a person whose shown birth date is impossible.  A minority
typo is outvoted; a merge that moves the majority date to an impossible one is
refused.

Only a *new* impossibility refuses a merge: a cluster that is already impossible by
its own rows (a noisy row anchored on the right number) keeps that problem for the
conflict detector, and is not barred from its other links for it.  Dates are compared
as ``yyyymmdd`` integers, so "N years" is calendar years (``+ N * 10000``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from ingest.feeds.mentions import birth_evidence

MIN_PARENT_AGE_YEARS = 12  # also the plausibility bound of ingest.derive.conflicts and context

PARENT_TOO_YOUNG = "parent_too_young"
PARENT_BORN_AFTER_CHILD = "parent_born_after_child"
MOTHER_TOO_OLD = "mother_too_old"
SPOUSE_TOO_YOUNG = "spouse_too_young"
EVENT_AFTER_DEATH = "event_after_death"
BORN_AFTER_DEATH = "born_after_death"
OWN_PARENT = "own_parent"

# Bloodline codes (what the relative is to the person), biological only; household
# codes relative to the head (02).
BLOOD_PARENTS = {"51": False, "52": True}  # code -> the parent is the mother
BLOOD_CHILDREN = tuple(f"{c}" for c in (*range(20, 27), *range(30, 37)))
HEAD = "02"
NONE = 0  # no date (yyyymmdd dates are all positive)
LATEST = 99_999_999


@dataclass(frozen=True)
class LifeBounds:
    """Bounds no one person breaks: a merge that would break one is refused.

    They mark the impossible, not the unlawful.  The legal marriage age
    (``kingraph/data/marriage_ages.csv``: 20 and 18 from 1950, 22 and 20 from 1981)
    makes a wedding below it a *conflict* for an officer (:mod:`ingest.derive.conflicts`): it
    happened, or a date is wrong, but it is one person.  The table has no minimum
    before 1950-05-01, when weddings at 15 or 16 were not rare, and self-collected
    rows reach back that far.  Below 14, a wedding is not a fact about this person:
    the row is someone else's, so the floor is 14.  A parent is at least 12 at the
    birth (the bound the conflict detector uses too); a mother at most 60 (births after
    55 are all but unknown); a father may die up to ten months before the birth.
    """

    min_parent_age_years: int = MIN_PARENT_AGE_YEARS
    max_mother_age_years: int = 60
    min_spouse_age_years: int = 14
    # A father may die before his child is born, but not more than ~10 months before.
    father_death_before_birth_days: int = 305


BOUNDS = LifeBounds()


def ymd(column: str | pl.Expr) -> pl.Expr:
    """A date as a ``yyyymmdd`` integer (null stays null)."""
    d = pl.col(column) if isinstance(column, str) else column
    return (d.dt.year().cast(pl.Int32) * 10_000 + d.dt.month().cast(pl.Int32) * 100
            + d.dt.day().cast(pl.Int32))


@dataclass(slots=True)
class Life:
    """What the mentions of one cluster say of its person's life (dates ``yyyymmdd``).

    ``parents`` and ``children`` hold the entities the rows state as this person's
    biological parents and children, with whether the parent is the mother.
    """

    born: dict[int, int] = field(default_factory=dict)  # date -> mentions stating it
    birth: int = NONE  # the survivorship date: most stated, ties to the earliest
    wed: int = LATEST  # the earliest marriage-row event
    alive: int = NONE  # the latest date the person was alive
    died: int = LATEST  # the earliest death
    parents: list[tuple[int, bool]] = field(default_factory=list)
    children: list[tuple[int, bool]] = field(default_factory=list)

    def own(self, bounds: LifeBounds) -> set[str]:
        """The impossibilities of this cluster on its own rows (no other person)."""
        return impossible(self.birth, self.wed, self.alive, self.died, bounds)


def impossible(birth: int, wed: int, alive: int, died: int, bounds: LifeBounds) -> set[str]:
    """What cannot be true of one person born on ``birth``, first married on ``wed``,
    alive on ``alive`` and dead on ``died`` (``yyyymmdd``; unknown: ``NONE`` or ``LATEST``)."""
    out = set()
    if birth and birth + bounds.min_spouse_age_years * 10_000 > wed:
        out.add(SPOUSE_TOO_YOUNG)
    if alive > died:
        out.add(EVENT_AFTER_DEATH)
    if birth > died:
        out.add(BORN_AFTER_DEATH)
    return out


def _merged_birth(big: Life, small: Life) -> int:
    """The survivorship date of the union: the big side's, or a date the small side adds to."""
    best, count = big.birth, big.born.get(big.birth, 0)
    for day, n in small.born.items():
        total = big.born.get(day, 0) + n
        if total > count or (total == count and (best == NONE or day < best)):
            best, count = day, total
    return best


def parent_refusal(child: int, parent: int, mother: bool, bounds: LifeBounds) -> str | None:
    """Why a parent born on ``parent`` cannot be the parent of a child born on ``child``."""
    if not child or not parent:
        return None
    if parent > child:
        return PARENT_BORN_AFTER_CHILD
    if parent + bounds.min_parent_age_years * 10_000 > child:
        return PARENT_TOO_YOUNG
    if mother and parent + bounds.max_mother_age_years * 10_000 < child:
        return MOTHER_TOO_OLD
    return None


class Lives:
    """The :class:`Life` of every cluster root that has one, merged as clusters merge."""

    def __init__(self, lives: dict[int, Life], settled: dict[int, int],
                 bounds: LifeBounds) -> None:
        self.of = lives
        self.settled = settled  # the date of an entity no link touches (it never merges)
        self.bounds = bounds

    def refusal(self, ra: int, rb: int, find: Callable[[int], int]) -> str | None:
        """Why merging clusters ``ra`` and ``rb`` would make an impossible person, or None."""
        a, b = self.of.get(ra), self.of.get(rb)
        if a is None or b is None:
            return None
        birth = _merged_birth(a, b) if len(a.born) >= len(b.born) else _merged_birth(b, a)
        new = impossible(birth, min(a.wed, b.wed), max(a.alive, b.alive), min(a.died, b.died),
                         self.bounds)
        if new:
            new -= a.own(self.bounds) | b.own(self.bounds)
        if new:
            return min(new)
        # A side whose date stays has no new age problem with its relatives; one side
        # is still read for an edge between the two (a person their own parent).
        sides = [s for s in (a, b) if s.birth != birth] or [
            min((a, b), key=lambda s: len(s.parents) + len(s.children))]
        for side in sides:
            reason = self._relatives(side, birth, {ra, rb}, find)
            if reason:
                return reason
        return None

    def _relatives(self, side: Life, birth: int, merged: set[int],
                   find: Callable[[int], int]) -> str | None:
        """A stated parent or child of ``side`` that the union's date makes impossible, or
        that is the union itself.  An edge already impossible before stays a conflict."""
        for kin, side_is_child in ((side.parents, True), (side.children, False)):
            for entity, mother in kin:
                root = find(entity)
                if root in merged:
                    return OWN_PARENT
                other = self.of[root].birth if root in self.of else self.settled.get(root, NONE)
                pair = (birth, other) if side_is_child else (other, birth)
                before = (side.birth, other) if side_is_child else (other, side.birth)
                now = parent_refusal(*pair, mother, self.bounds)
                if now and not parent_refusal(*before, mother, self.bounds):
                    return now
        return None

    def merge(self, into: int, gone: int) -> None:
        """Root ``gone`` has joined root ``into``."""
        b = self.of.pop(gone, None)
        if b is None:
            return
        a = self.of.get(into)
        if a is None:
            self.of[into] = b
            return
        a.birth = _merged_birth(a, b) if len(a.born) >= len(b.born) else _merged_birth(b, a)
        # The smaller side is copied into the larger: near-linear over all merges.
        if len(b.born) > len(a.born):
            a.born, b.born = b.born, a.born
        for day, n in b.born.items():
            a.born[day] = a.born.get(day, 0) + n
        a.wed, a.alive, a.died = min(a.wed, b.wed), max(a.alive, b.alive), min(a.died, b.died)
        for mine, theirs in (("parents", b.parents), ("children", b.children)):
            kin = getattr(a, mine)
            if len(theirs) > len(kin):
                kin, theirs = theirs, kin
                setattr(a, mine, kin)
            kin.extend(theirs)


def _facts(m: pl.DataFrame, bounds: LifeBounds) -> pl.DataFrame:
    """Per mention: ``born``, ``wed``, ``alive``, ``died`` (``yyyymmdd`` or null)."""
    feed, role, on = pl.col("feed"), pl.col("role"), pl.col("event_date")
    father_alive = on.dt.offset_by(f"-{bounds.father_death_before_birth_days}d")
    return m.select(
        "entity",
        ymd(birth_evidence(pl.col("anchor").is_not_null())).alias("born"),
        ymd(pl.when(feed == "marriage").then(on)).alias("wed"),
        ymd(pl.when(feed == "marriage").then(on)
            .when((feed == "birth") & (role == "mother")).then(on)
            .when((feed == "birth") & (role == "father")).then(father_alive)).alias("alive"),
        ymd(pl.when(pl.col("deregistered_reason") == "death").then("deregistered_on"))
        .alias("died"),
    )


def parenthood(m: pl.DataFrame) -> pl.DataFrame:
    """``child, parent, mother`` (entities) for every biological parent-child link the rows
    state: birth rows, bloodline codes, a household head and its members' codes.

    ``m`` carries ``entity`` and, on a bloodline row's person, ``relative`` (the
    relative's entity)."""
    rec = m.filter(pl.col("feed") == "birth").select("rec", "role", "entity")
    births = rec.filter(pl.col("role") == "child").join(
        rec.filter(pl.col("role").is_in(["mother", "father"])), on="rec", suffix="_p")
    births = births.select(pl.col("entity").alias("child"), pl.col("entity_p").alias("parent"),
                           (pl.col("role_p") == "mother").alias("mother"))
    blood = m.filter(pl.col("relative").is_not_null())
    up = blood.filter(pl.col("relation").is_in(list(BLOOD_PARENTS))).select(
        pl.col("entity").alias("child"), pl.col("relative").alias("parent"),
        pl.col("relation").replace_strict(BLOOD_PARENTS, return_dtype=pl.Boolean)
        .alias("mother"))
    down = blood.filter(pl.col("relation").is_in(BLOOD_CHILDREN)).select(
        pl.col("relative").alias("child"), pl.col("entity").alias("parent"),
        pl.lit(False).alias("mother"))
    return (pl.concat([births, up, down, _households(m)])
            .filter(pl.col("child") != pl.col("parent")).unique()
            .sort("child", "parent", "mother"))


def _households(m: pl.DataFrame) -> pl.DataFrame:
    """A head's children and parents by the members' relation codes (a head's 子 or 女 is
    the head's child; 父 or 母 the head's parent)."""
    h = m.filter(pl.col("household_id").is_not_null()).select(
        "household_id", "relation_to_head", "entity")
    heads = h.filter(pl.col("relation_to_head") == HEAD).select("household_id",
                                                                pl.col("entity").alias("head"))
    kids = h.filter(pl.col("relation_to_head").is_in(BLOOD_CHILDREN)).join(heads,
                                                                           on="household_id")
    elders = h.filter(pl.col("relation_to_head").is_in(list(BLOOD_PARENTS))).join(
        heads, on="household_id")
    return pl.concat([
        kids.select(pl.col("entity").alias("child"), pl.col("head").alias("parent"),
                    pl.lit(False).alias("mother")),
        elders.select(pl.col("head").alias("child"), pl.col("entity").alias("parent"),
                      pl.col("relation_to_head").replace_strict(
                          BLOOD_PARENTS, return_dtype=pl.Boolean).alias("mother")),
    ])


# What the veto reads of a mention.
LIFE_COLUMNS = ("mention_id", "feed", "rec", "role", "anchor", "birth_date", "id_birth_date",
                "event_date", "relation", "relative_mention", "household_id",
                "relation_to_head", "deregistered_on", "deregistered_reason")


@dataclass(frozen=True)
class LifeTables:
    """What the vetoes need of the entities a link may merge, as frames (no object per
    entity: :func:`lives_of` builds the objects of one batch of pieces).

    ``facts``: ``entity, born, born_n, wed, alive, died`` for every involved entity
    (``born`` the stated dates, most stated first, then earliest; ``born_n`` their counts;
    ``yyyymmdd`` integers, null when unknown).  ``kin``: ``child, parent, mother`` for every
    stated biological link with an involved end.  ``birth``: ``entity, birth``, the date
    of every entity of ``facts`` and ``kin`` on its own rows (most stated, then earliest):
    what a relative outside a piece contributes, whatever happens to it in its own piece.
    """

    facts: pl.DataFrame
    kin: pl.DataFrame
    birth: pl.DataFrame


def life_tables(m: pl.DataFrame, entity_of: pl.DataFrame, involved: pl.Series,
                bounds: LifeBounds = BOUNDS) -> LifeTables:
    """The :class:`LifeTables` of every ``involved`` entity (those a link may merge).

    ``m`` holds the resolver's mentions (numbered 0..n-1, with ``anchor``);
    ``entity_of`` maps each mention to its entity.
    """
    entity = pl.zeros(m.height, pl.UInt32, eager=True).scatter(entity_of["mention_id"],
                                                               entity_of["entity"])
    m = m.select(LIFE_COLUMNS).with_columns(entity.gather(m["mention_id"]).alias("entity"),
                                            entity.gather(m["relative_mention"])
                                            .alias("relative"))
    edges = parenthood(m)
    near = pl.col("child").is_in(involved.implode()) | pl.col("parent").is_in(involved.implode())
    edges = edges.filter(near)
    wanted = pl.concat([involved, edges["child"], edges["parent"]]).unique()
    facts = _facts(m.filter(pl.col("entity").is_in(wanted.implode())), bounds)
    born = (facts.filter(pl.col("born").is_not_null()).group_by("entity", "born").len()
            .sort(["entity", "len", "born"], descending=[False, True, False]))
    birth = born.group_by("entity", maintain_order=True).first().select(
        "entity", pl.col("born").alias("birth"))
    mine = pl.col("entity").is_in(involved.implode())
    rest = facts.filter(mine).group_by("entity").agg(
        pl.col("wed").min(), pl.col("alive").max(), pl.col("died").min())
    dates = born.filter(mine).group_by("entity", maintain_order=True).agg(
        pl.col("born"), pl.col("len").cast(pl.UInt32).alias("born_n"))
    return LifeTables(rest.join(dates, on="entity", how="left").sort("entity"), edges, birth)


def lives_of(facts: pl.DataFrame, kin: pl.DataFrame, settled: dict[int, int],
             bounds: LifeBounds = BOUNDS) -> Lives:
    """The :class:`Lives` of one batch, on the batch's own node numbers.

    Args:
        facts: ``node, born, born_n, wed, alive, died`` (see :class:`LifeTables`).
        kin: ``child, parent, mother`` between nodes (one end a node of ``facts``).
        settled: The date of each node that never merges (a relative outside the piece).
        bounds: What no one person's life can break.
    """
    out: dict[int, Life] = {}
    for node, born, counts, wed, alive, died in facts.select(
            "node", "born", "born_n", "wed", "alive", "died").iter_rows():
        life = Life(wed=wed or LATEST, alive=alive or NONE, died=died or LATEST)
        if born:
            life.born = dict(zip(born, counts, strict=True))
            life.birth = born[0]  # sorted: most stated, then earliest
        out[node] = life
    for child, parent, mother in kin.select("child", "parent", "mother").iter_rows():
        if child in out:
            out[child].parents.append((parent, mother))
        if parent in out:
            out[parent].children.append((child, mother))
    return Lives(out, settled, bounds)
