"""Linking mentions that carry no usable ID number, through their context.

A bloodline row often names the relative with no usable ID number and no birth
date; a self-collected birth row names the father the same way; a residence or a
second social-insurance enrolment may carry a placeholder (``不详``, ``111111111111111111``)
or a mistyped number.  Alone, such a name could be anyone's.  But its context names
the few people it can be:

- the households its row's other person belonged to (a parent, child or spouse has
  almost always shared a household with them);
- the family the rows state (:func:`kin`: birth, bloodline, marriage, pregnancy and
  certificate rows, and the household register's relation to the head): a relative
  coded as the person's parent is the parent of that side other rows state for the
  person or for the person's siblings, or that parent's spouse (a father who died
  before numbers were issued is named, without one, on each of his children's rows; a
  father is usually the husband of the mother), a sibling code a sibling stated or a child of the
  person's parents, a child code a child of the person or the person's spouse, a
  spouse code a spouse a marriage, pregnancy, certificate, birth or bloodline row
  states; the person of a row whose relative has the number is the inverse;
- a mother named beside a newborn (birth and screening rows): the mothers other rows
  state of a child born that day, a day either side;
- its group: the persons enrolled at the same employer (a department enrols one
  worker once per spell, so a second row at one employer under one name is the same
  worker), living at the same dwelling, or registered in a household at the same
  address in the same division (a residence row at home: registration and residence
  agree for most people, 人户一致).

A candidate must match the name (same pinyin or very similar characters; only the best
level found counts: exact, then pinyin, then similar), the sex where known (the
relation code states it for parents, children, siblings and spouses), and the birth
date where both are known; and ages must fit the rows: someone a row names as a
parent is at least ``MIN_PARENT_AGE_YEARS`` older than the child it names (a father
named only by his name is not his same-named son).  One candidate, or several that
may all be one person (at most one ID number among them, one sex, birth dates within
a few days): a link to each.  Otherwise every candidate is a possible match for
review, never a guess.  Links go through the clustering's vetoes (impossible lives,
two numbers, two mentions of one row, officers' decisions) like any other.
"""

from __future__ import annotations

import itertools

import polars as pl

from ingest.fusion.entities import name_similarity
from ingest.fusion.lifetimes import MIN_PARENT_AGE_YEARS

CONTEXT_LINK_WEIGHT = 25.0
NAME_SIMILAR = 0.85
RECORD = ["rec"]  # the resolver numbers source rows
# Bloodline codes (what the relative is to the person): the relative is a parent (the
# code names the side), or a child.
PARENT_CODES = {"51": "father", "52": "mother", "57": "father", "58": "mother"}
CHILD_CODES = tuple(f"{c}" for c in (*range(20, 28), *range(30, 38)))
# GB/T 4761 siblings (71 elder brother, 73 younger brother, 75 elder sister, 77 younger
# sister) and spouses (10 spouse, 11 husband, 12 wife).
SIBLING_CODES = ("71", "73", "75", "77")
SPOUSE_CODES = ("10", "11", "12")
KIN_CODES = {**dict.fromkeys(PARENT_CODES, "parent"), **dict.fromkeys(CHILD_CODES, "child"),
             **dict.fromkeys(SIBLING_CODES, "sibling"), **dict.fromkeys(SPOUSE_CODES, "spouse")}
INVERSE = {"parent": "child", "child": "parent", "sibling": "sibling", "spouse": "spouse"}
# The sex a code states of the relative.
CODE_SEX = {"51": "1", "57": "1", "52": "2", "58": "2", "11": "1", "12": "2",
            "71": "1", "73": "1", "75": "2", "77": "2",
            **dict.fromkeys((f"{c}" for c in range(20, 28)), "1"),
            **dict.fromkeys((f"{c}" for c in range(30, 38)), "2")}
# Two rows of one couple (roles on one row).
COUPLE_ROLES = (("husband", "wife"), ("wife", "husband"), ("woman", "husband"),
                ("husband", "woman"), ("mother", "father"), ("father", "mother"))
# Groups a person is enrolled or lives in: an employer, a dwelling, a registered address.
GROUP_KEYS = (("employer_code",), ("dwelling_id",), ("division_code", "address"))
BIRTH_SLACK_DAYS = 3
# Loose entities whose candidate pairs are built at once, and the group candidates
# (an employer's, a dwelling's, an address's roll) a batch may hold before it ends
# earlier: memory, not the answer. A batch of 50,000 loose entities from the largest
# groups held 3.4 GiB of candidates at 1 M persons; 4 M pairs are about 0.4 GiB. Bound
# by the pairs, a batch may hold more entities: each batch reads the whole households,
# family and groups again, so at 1 M 15 batches of at most 50,000 loose entities took 59 s
# and 1.2 GiB above what the step started with, 400,000 took 40 s and 0.9 GiB, and
# 1,000,000 (one batch) 35 s and 1.6 GiB (2026-12-07, the bench store, same links).
CONTEXT_BATCH = 400_000
CONTEXT_PAIRS = 4_000_000
# Household relation codes: the head, and a head's children (27/37 left out: adopted
# or step).
HEAD = "02"
HEAD_CHILD_CODES = tuple(f"{c}" for c in (*range(20, 27), *range(30, 37)))


def _households(mentions: pl.DataFrame, entity_of: pl.DataFrame) -> pl.DataFrame:
    return (mentions.select("mention_id", "household_id")
            .filter(pl.col("household_id").is_not_null()).join(entity_of, on="mention_id")
            .select("entity", "household_id").unique())


def _loose_with_partners(mentions: pl.DataFrame, entity_of: pl.DataFrame,
                         entities: pl.DataFrame) -> pl.DataFrame:
    """(loose mention's entity, its name/sex/birth, a row-partner's entity)."""
    loose_entities = entities.filter(pl.col("anchor").is_null()
                                     & ~pl.col("name_placeholder").fill_null(True))
    m = mentions.select("mention_id", *RECORD).join(entity_of, on="mention_id")
    loose = m.join(loose_entities.select("entity"), on="entity", how="semi")
    partners = m.select(*RECORD, pl.col("entity").alias("partner"))
    return (loose.join(partners, on=RECORD).filter(pl.col("partner") != pl.col("entity"))
            .select("entity", "partner").unique())


def stated_parents(mentions: pl.DataFrame, entity_of: pl.DataFrame) -> pl.DataFrame:
    """``rec, child, parent, side`` (entities; side mother, father or null) for every
    parent-child link a row states: a birth row's child and its mother and father, a
    bloodline row's parent or child code."""
    m = mentions.select("mention_id", *RECORD, "role", "relation", "relative_mention").join(
        entity_of, on="mention_id")
    births = m.filter(pl.col("role") == "child").select(*RECORD, pl.col("entity").alias("child"))
    parents = m.filter(pl.col("role").is_in(["mother", "father"])).select(
        *RECORD, pl.col("entity").alias("parent"),
        pl.col("role").cast(pl.String).alias("side"))
    ref = entity_of.rename({"mention_id": "relative_mention", "entity": "relative"})
    blood = m.filter(pl.col("relative_mention").is_not_null()).join(ref, on="relative_mention")
    return pl.concat([
        births.join(parents, on=RECORD),
        blood.filter(pl.col("relation").is_in(list(PARENT_CODES))).select(
            *RECORD, pl.col("entity").alias("child"), pl.col("relative").alias("parent"),
            pl.col("relation").replace_strict(PARENT_CODES).alias("side")),
        blood.filter(pl.col("relation").is_in(CHILD_CODES)).select(
            *RECORD, pl.col("relative").alias("child"), pl.col("entity").alias("parent"),
            pl.lit(None, pl.String).alias("side")),
    ]).unique()


def _age_bounds(stated: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    """``entity, latest, earliest``: the latest a parent the rows state may be born (its
    children's earliest birth less ``MIN_PARENT_AGE_YEARS``), and the earliest a child may
    be born (its parents' latest birth plus that gap); made once per load, read by every
    batch of loose entities."""
    born = entities.select("entity", "birth_date")
    gap = f"{MIN_PARENT_AGE_YEARS}y"
    latest = (stated.join(born.rename({"entity": "child"}), on="child")
              .group_by(pl.col("parent").alias("entity"))
              .agg(pl.col("birth_date").min().dt.offset_by(f"-{gap}").alias("latest")))
    earliest = (stated.join(born.rename({"entity": "parent"}), on="parent")
                .group_by(pl.col("child").alias("entity"))
                .agg(pl.col("birth_date").max().dt.offset_by(gap).alias("earliest")))
    return latest.join(earliest, on="entity", how="full", coalesce=True)


def _ages_fit(found: pl.DataFrame, bounds: pl.DataFrame, entities: pl.DataFrame
              ) -> pl.DataFrame:
    """Candidates whose birth date fits the parent-child links the loose mention's rows
    state (``bounds``, :func:`_age_bounds`): a parent at least ``MIN_PARENT_AGE_YEARS``
    older than its child."""
    born = entities.select("entity", "birth_date")
    c = pl.col("birth_date")
    return (found.join(bounds, on="entity", how="left")
            .join(born.rename({"entity": "candidate"}), on="candidate", how="left")
            .filter((c.is_null() | pl.col("latest").is_null() | (c <= pl.col("latest")))
                    & (c.is_null() | pl.col("earliest").is_null() | (c >= pl.col("earliest"))))
            .select("entity", "candidate"))


def _kinds(mentions: pl.DataFrame, entity_of: pl.DataFrame) -> pl.DataFrame:
    """``entity, partner, kind, side, implied_sex`` for both persons of every bloodline
    row: what ``entity`` is to ``partner`` (``parent``, ``child``, ``sibling``,
    ``spouse``), the parent's side where the code names it, and the sex the code implies
    of ``entity`` (null where it implies none)."""
    ref = entity_of.rename({"mention_id": "relative_mention", "entity": "relative"})
    rows = (mentions.select("mention_id", "relation", "relative_mention")
            .filter(pl.col("relative_mention").is_not_null()
                    & pl.col("relation").is_in(list(KIN_CODES)))
            .join(entity_of, on="mention_id")
            .join(ref, on="relative_mention"))
    code = pl.col("relation")
    kind = code.replace_strict(KIN_CODES)
    relative_side = code.replace_strict(PARENT_CODES, default=None)
    return pl.concat([
        # The relative is <kind> to the person.
        rows.select(pl.col("relative").alias("entity"), pl.col("entity").alias("partner"),
                    kind.alias("kind"), relative_side.alias("side"),
                    code.replace_strict(CODE_SEX, default=None).alias("implied_sex")),
        # The person is the inverse to the relative.
        rows.select("entity", pl.col("relative").alias("partner"),
                    kind.replace_strict(INVERSE).alias("kind"),
                    pl.lit(None, pl.String).alias("side"),
                    pl.lit(None, pl.String).alias("implied_sex")),
    ]).filter(pl.col("entity") != pl.col("partner")).unique()


def kin(mentions: pl.DataFrame, entity_of: pl.DataFrame,
        stated: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The family the rows state, as entity pairs (each both ways where symmetric).

    ``parents`` (``entity, parent, side``), ``siblings`` (``entity, sibling``: stated
    by a sibling code, or two children a row states of one parent), ``spouses``
    (``entity, spouse``: a spouse code, the two spouses of a marriage, pregnancy,
    certificate or birth row, or two parents of one child, one each side).
    """
    household_parents, household_spouses = _household_family(mentions, entity_of)
    parents = pl.concat([stated.select(pl.col("child").alias("entity"), "parent", "side"),
                         household_parents]).unique()
    kinds = _kinds(mentions, entity_of)
    stated_sibs = kinds.filter(pl.col("kind") == "sibling").select(
        "entity", pl.col("partner").alias("sibling"))
    shared = (parents.join(parents, on="parent", suffix="_o")
              .filter(pl.col("entity") != pl.col("entity_o"))
              .select("entity", pl.col("entity_o").alias("sibling")))
    m = mentions.select("mention_id", *RECORD, "role").join(entity_of, on="mention_id")
    couples = [m.filter(pl.col("role") == a).join(
        m.filter(pl.col("role") == b).select(*RECORD, pl.col("entity").alias("spouse")),
        on=RECORD).select("entity", "spouse") for a, b in COUPLE_ROLES]
    co_parents = (parents.filter(pl.col("side").is_not_null())
                  .join(parents.filter(pl.col("side").is_not_null()), on="entity",
                        suffix="_o")
                  .filter(pl.col("side") != pl.col("side_o"))
                  .select(pl.col("parent").alias("entity"), pl.col("parent_o").alias("spouse")))
    spouses = pl.concat([
        kinds.filter(pl.col("kind") == "spouse").select(
            "entity", pl.col("partner").alias("spouse")), *couples, co_parents,
        household_spouses])
    spouses = pl.concat([spouses, spouses.select(pl.col("spouse").alias("entity"),
                                                 pl.col("entity").alias("spouse"))])
    return {"parents": parents, "kinds": kinds,
            "siblings": pl.concat([stated_sibs, shared]).unique(),
            "spouses": spouses.filter(pl.col("entity") != pl.col("spouse")).unique()}


def _household_family(mentions: pl.DataFrame, entity_of: pl.DataFrame
                      ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What one household's register states of the family, by the members' relation to
    the head (GB/T 4761): a head's 子 or 女 (20-26, 30-36; 27/37 may be a stepchild) is the
    head's child, a head's 父 or 母 (51/52) the head's parent, and a 配偶/夫/妻 (10-12) the
    head's spouse.  Returns ``(parents: entity, parent, side; spouses: entity, spouse)``."""
    h = (mentions.select("mention_id", "household_id", "relation_to_head")
         .filter(pl.col("household_id").is_not_null() & pl.col("relation_to_head").is_not_null())
         .join(entity_of, on="mention_id"))
    heads = h.filter(pl.col("relation_to_head") == HEAD).select(
        "household_id", pl.col("entity").alias("head"))
    code = pl.col("relation_to_head")
    kids = h.filter(code.is_in(HEAD_CHILD_CODES)).join(heads, on="household_id")
    elders = h.filter(code.is_in(["51", "52"])).join(heads, on="household_id")
    spouses = h.filter(code.is_in(SPOUSE_CODES)).join(heads, on="household_id")
    parents = pl.concat([
        kids.select("entity", pl.col("head").alias("parent"),
                    pl.lit(None, pl.String).alias("side")),
        elders.select(pl.col("head").alias("entity"), pl.col("entity").alias("parent"),
                      code.replace_strict(PARENT_CODES).alias("side")),
    ])
    return parents, spouses.select("entity", pl.col("head").alias("spouse"))


def _kin_views(family: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The joins of the stated family that :func:`_kin_candidates` reads for every batch
    of loose entities, made once per load: ``children`` (``entity, child``), ``around``
    (``entity, via``: the entity and its siblings), ``parents_and_spouses`` (``entity,
    candidate, side_c``: a parent, or a parent's spouse) and ``partner_and_spouses``
    (``partner, via``: the entity and its spouses)."""
    parents, sibs, spouses = family["parents"], family["siblings"], family["spouses"]
    # A parent's spouse is a candidate too (the father of a child is, but for a
    # remarriage, the husband of its mother); the code's sex and the name decide.
    return {
        "children": parents.select(pl.col("parent").alias("entity"),
                                   pl.col("entity").alias("child")),
        "around": pl.concat([sibs.select("entity", pl.col("sibling").alias("via")),
                             parents.select("entity", pl.col("entity").alias("via"))
                             .unique()]),
        "parents_and_spouses": pl.concat([
            parents.rename({"parent": "candidate", "side": "side_c"}),
            parents.join(spouses.rename({"entity": "parent"}), on="parent")
            .select("entity", pl.col("spouse").alias("candidate"),
                    pl.lit(None, pl.String).alias("side_c"))]),
        "partner_and_spouses": pl.concat([
            spouses.rename({"entity": "partner", "spouse": "via"}),
            spouses.select(pl.col("entity").alias("partner"), pl.col("entity").alias("via"))
            .unique()]),
    }


def _kin_candidates(loose: pl.DataFrame, family: dict[str, pl.DataFrame],
                    views: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """(loose entity, candidate): the persons other rows state in the place a bloodline
    row puts the loose mention.  A parent of the partner is a parent another row states
    for the partner or for one of its siblings (same side); a sibling is a sibling
    stated or a child of the partner's parents; a child is a child of the partner or of
    the partner's spouse; a spouse is a spouse stated elsewhere.  ``views``:
    :func:`_kin_views` of ``family``."""
    kinds = family["kinds"].join(loose.select("entity"), on="entity", how="semi")
    sibs, spouses = family["siblings"], family["spouses"]
    children, around = views["children"], views["around"]
    parents_and_spouses = views["parents_and_spouses"]
    partner_and_spouses = views["partner_and_spouses"]
    side_fits = (pl.col("side").is_null() | pl.col("side_c").is_null()
                 | (pl.col("side") == pl.col("side_c")))
    as_parent = (kinds.filter(pl.col("kind") == "parent")
                 .join(around.rename({"entity": "partner"}), on="partner")
                 .join(parents_and_spouses.rename({"entity": "via"}), on="via")
                 .filter(side_fits).select("entity", "candidate"))
    as_sibling = (kinds.filter(pl.col("kind") == "sibling")
                  .join(sibs.rename({"entity": "partner", "sibling": "candidate"}),
                        on="partner").select("entity", "candidate"))
    as_child = (kinds.filter(pl.col("kind") == "child")
                .join(partner_and_spouses, on="partner")
                .join(children.rename({"entity": "via", "child": "candidate"}), on="via")
                .select("entity", "candidate"))
    as_spouse = (kinds.filter(pl.col("kind") == "spouse")
                 .join(spouses.rename({"entity": "partner", "spouse": "candidate"}),
                       on="partner").select("entity", "candidate"))
    # The partner's own children are candidates for a child even when the partner has
    # no spouse on record.
    own_children = (kinds.filter(pl.col("kind") == "child")
                    .join(children.rename({"entity": "partner", "child": "candidate"}),
                          on="partner").select("entity", "candidate"))
    return pl.concat([as_parent, as_sibling, as_child, own_children, as_spouse])


def _mothers_by_birth(entities: pl.DataFrame, parents: pl.DataFrame) -> pl.DataFrame:
    """``parent, birth_date, sex_k``: a mother (or a parent of no stated side) with each
    of her children's birth dates and sexes; made once per load."""
    return (parents.filter(pl.col("side").is_null() | (pl.col("side") == "mother"))
            .join(entities.select("entity", "birth_date", pl.col("sex").alias("sex_k")),
                  on="entity")
            .filter(pl.col("birth_date").is_not_null())
            .select("parent", "birth_date", "sex_k"))


def _mother_candidates(mentions: pl.DataFrame, entity_of: pl.DataFrame,
                       loose: pl.DataFrame, children: pl.DataFrame) -> pl.DataFrame:
    """(loose mother entity, candidate): a birth or newborn-screening row names the mother
    beside a baby born on a known day; the woman is a mother other rows state of a child
    born that day (or a day either side: the certificate's date may be a day off), of
    the baby's sex where both are known.  ``children``: :func:`_mothers_by_birth`."""
    ref = entity_of.rename({"mention_id": "mother_mention", "entity": "mother"})
    babies = (mentions.select("mother_mention", "birth_date", "sex")
              .filter(pl.col("mother_mention").is_not_null() & pl.col("birth_date").is_not_null())
              .join(ref, on="mother_mention")
              .join(loose.select(pl.col("entity").alias("mother")), on="mother", how="semi")
              .select("mother", "birth_date", "sex"))
    if babies.height == 0:
        return pl.DataFrame(schema={"entity": pl.UInt32, "candidate": pl.UInt32})
    found = [babies.with_columns(pl.col("birth_date").dt.offset_by(f"{shift}d"))
             .join(children, on="birth_date")
             .filter(pl.col("sex").is_null() | pl.col("sex_k").is_null()
                     | (pl.col("sex") == pl.col("sex_k")))
             .select(pl.col("mother").alias("entity"), pl.col("parent").alias("candidate"))
             for shift in (-1, 0, 1)]
    return pl.concat(found)


Groups = list[tuple[tuple[str, ...], pl.DataFrame]]


def _group_members(mentions: pl.DataFrame, entity_of: pl.DataFrame) -> Groups:
    """Per group key (:data:`GROUP_KEYS`): the key and ``entity`` of every mention that
    has it. Made once per load: every batch of loose entities reads them."""
    grouped = sorted({k for keys in GROUP_KEYS for k in keys})
    m = mentions.select("mention_id", *grouped).join(entity_of, on="mention_id")
    return [(keys, m.select(*keys, "entity")
             .filter(pl.all_horizontal(pl.col(k).is_not_null() for k in keys)))
            for keys in GROUP_KEYS]


def _group_candidates(groups: Groups, loose: pl.DataFrame) -> pl.DataFrame:
    """(loose entity, candidate) for mentions that name nobody else on their row: the
    persons enrolled at the same employer, and the persons living at the same dwelling
    or registered in a household at the same address (division and address text)."""
    found = []
    for keys, have in groups:
        found.append(have.join(loose.select("entity"), on="entity", how="semi")
                     .join(have.rename({"entity": "candidate"}), on=list(keys))
                     .select("entity", "candidate"))
    return pl.concat(found)


def _group_sizes(groups: Groups, loose: pl.DataFrame) -> pl.Series:
    """For each loose entity (in ``loose``'s order), how many group candidates it has:
    the members of every group it is in, counted per mention (an upper bound)."""
    counted = []
    for keys, have in groups:
        sizes = have.group_by(list(keys)).len("members")
        counted.append(have.join(loose, on="entity", how="semi")
                       .join(sizes, on=list(keys)).select("entity", "members"))
    per = pl.concat(counted).group_by("entity").agg(pl.col("members").sum())
    return (loose.select("entity").join(per, on="entity", how="left", maintain_order="left")
            ["members"].fill_null(0).cast(pl.Int64))


def batch_bounds(entities: int, pairs: pl.Series, batch: int, budget: int) -> list[int]:
    """Where batches of consecutive loose entities start and end (``[0, ..., entities]``):
    a batch ends after ``batch`` entities, or before its group candidates (``pairs``, per
    entity) pass ``budget``; an entity above the budget alone is a batch of its own."""
    bounds, start, used = [0], 0, 0
    for i, n in enumerate(pairs.to_list()):
        if i > start and (i - start >= batch or used + n > budget):
            bounds.append(i)
            start, used = i, 0
        used += n
    if entities > bounds[-1]:
        bounds.append(entities)
    return bounds


def context_links(mentions: pl.DataFrame, entity_of: pl.DataFrame,
                  entities: pl.DataFrame, *, batch: int = CONTEXT_BATCH,
                  pairs_budget: int = CONTEXT_PAIRS
                  ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Links (and ambiguous candidates) of name-only mentions via their row-partners,
    their family's other rows, their employer and their dwelling.

    Everything a loose mention's links depend on is its own candidates, so the loose
    entities are taken ``batch`` at a time, fewer where their groups are large (about
    ``pairs_budget`` group candidates per batch): the candidate pairs (a large
    employer's roll times its loose rows) exist for one batch at once, and only the
    candidates whose name, sex and birth date agree are kept.  The answer does not
    depend on ``batch`` or ``pairs_budget``.

    Returns ``(links, ambiguous)``, both ``left, right, weight``.
    """
    homes = _households(mentions, entity_of)
    pairs = _loose_with_partners(mentions, entity_of, entities)
    stated = stated_parents(mentions, entity_of)
    loose = entities.filter(pl.col("anchor").is_null()
                            & ~pl.col("name_placeholder").fill_null(True)).select("entity")
    family = kin(mentions, entity_of, stated)
    implied = (family["kinds"].filter(pl.col("implied_sex").is_not_null())
               .group_by("entity").agg(pl.col("implied_sex").first()))
    attrs = entities.select("entity", "anchor", "name", "name_key", "sex", "birth_date")
    own = (attrs.join(implied, on="entity", how="left")
           .with_columns(pl.coalesce("sex", "implied_sex").alias("sex")).drop("implied_sex"))
    groups = _group_members(mentions, entity_of)
    bounds = batch_bounds(loose.height, _group_sizes(groups, loose), max(batch, 1),
                          pairs_budget)
    # What every batch reads of the family and the ages, made once.
    views = {**_kin_views(family),
             "mothers": _mothers_by_birth(entities, family["parents"]),
             "ages": _age_bounds(stated, entities)}
    found = [_agreeing(_candidates(mentions, entity_of, loose.slice(start, end - start),
                                   pairs, homes, family, groups, views),
                       views["ages"], entities, own, attrs)
             for start, end in itertools.pairwise(bounds)]
    return _decide(pl.concat(found) if found else _agreeing(
        pl.DataFrame(schema={"entity": pl.UInt32, "candidate": pl.UInt32}), views["ages"],
        entities, own, attrs))


def _candidates(mentions: pl.DataFrame, entity_of: pl.DataFrame, loose: pl.DataFrame,
                pairs: pl.DataFrame, homes: pl.DataFrame, family: dict[str, pl.DataFrame],
                groups: Groups, views: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """(loose entity, candidate) for the loose entities given: housemates of their
    row-partners, the family other rows state, a newborn's mother, their groups
    (``views``: what :func:`context_links` made once for every batch)."""
    members = homes.rename({"entity": "candidate"})
    housemates = (pairs.join(loose, on="entity", how="semi")
                  .join(homes.rename({"entity": "partner"}), on="partner")
                  .join(members, on="household_id")
                  .filter((pl.col("candidate") != pl.col("partner"))
                          & (pl.col("candidate") != pl.col("entity")))
                  .select("entity", "candidate"))
    candidates = pl.concat([
        housemates, _kin_candidates(loose, family, views),
        _mother_candidates(mentions, entity_of, loose, views["mothers"]),
        _group_candidates(groups, loose)])
    return candidates.filter(pl.col("candidate") != pl.col("entity")).unique()


def _agreeing(candidates: pl.DataFrame, ages: pl.DataFrame, entities: pl.DataFrame,
              own: pl.DataFrame, attrs: pl.DataFrame) -> pl.DataFrame:
    """The candidates whose ages fit the rows (``ages``: :func:`_age_bounds`) and whose
    name, sex and birth date agree with the loose mention's, with the level of the name
    agreement (``tier``)."""
    found = (_ages_fit(candidates, ages, entities).join(own, on="entity")
             .join(attrs, left_on="candidate", right_on="entity", suffix="_c")).filter(
        (pl.col("sex").is_null() | pl.col("sex_c").is_null()
         | (pl.col("sex") == pl.col("sex_c")))
        & (pl.col("birth_date").is_null() | pl.col("birth_date_c").is_null()
           | ((pl.col("birth_date") - pl.col("birth_date_c")).dt.total_days().abs() <= 3)))
    # The names' similarity only where the pinyin differs (the same pinyin agrees already).
    index = (found.select((pl.col("name_key") != pl.col("name_key_c")).fill_null(True)
                          .alias("_need")).with_row_index("_i").filter(pl.col("_need"))["_i"])
    similarity = pl.Series("sim", dtype=pl.Float64).extend_constant(None, found.height)
    if len(index):
        similarity = similarity.scatter(index, name_similarity(
            found["name"].gather(index), found["name_c"].gather(index)))
    return found.with_columns(similarity).filter(
        (pl.col("name_key") == pl.col("name_key_c")) | (pl.col("sim") >= NAME_SIMILAR)
    ).with_columns(
        pl.when(pl.col("name") == pl.col("name_c")).then(0)
        .when(pl.col("name_key") == pl.col("name_key_c")).then(1).otherwise(2)
        .alias("tier"))


def _decide(found: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Only the best name agreement counts (exact, then same pinyin, then similar
    characters).  One candidate: a link.  Several that may all be one person (at most one
    ID number among them, one sex, birth dates within a few days): a link to each,
    as when one deceased father is named without a number on each of his children's
    rows (a loose candidate born on another day than the one numbered candidate is
    left out).  Otherwise every candidate is a possible match for review, never a guess."""
    found = found.filter(pl.col("tier") == pl.col("tier").min().over("entity"))
    # With one numbered candidate, a loose candidate whose birth date disagrees with the
    # number's is someone else (or a typo): it is left out, not a reason for doubt.
    numbered = found.filter(pl.col("anchor_c").is_not_null()).group_by("entity").agg(
        pl.col("anchor_c").n_unique().alias("_n"), pl.col("birth_date_c").first().alias("_ref"))
    found = found.join(numbered, on="entity", how="left").filter(
        pl.col("anchor_c").is_not_null() | (pl.col("_n") != 1).fill_null(True)
        | pl.col("birth_date_c").is_null() | pl.col("_ref").is_null()
        | ((pl.col("birth_date_c") - pl.col("_ref")).dt.total_days().abs()
           <= BIRTH_SLACK_DAYS)).drop("_n", "_ref")
    per = found.group_by("entity").agg(
        pl.col("anchor").drop_nulls().n_unique().alias("numbers"),
        pl.col("sex_c").drop_nulls().n_unique().alias("sexes"),
        (pl.col("birth_date_c").max() - pl.col("birth_date_c").min()).dt.total_days()
        .fill_null(0).alias("span"))
    one_person = ((pl.col("numbers") <= 1) & (pl.col("sexes") <= 1)
                  & (pl.col("span") <= BIRTH_SLACK_DAYS))
    found = found.join(per, on="entity")
    weight = pl.lit(CONTEXT_LINK_WEIGHT).alias("weight")
    links = found.filter(one_person).select(pl.col("entity").alias("left"),
                                            pl.col("candidate").alias("right"), weight)
    ambiguous = found.filter(~one_person).select(
        pl.col("entity").alias("left"), pl.col("candidate").alias("right"), weight)
    return links, ambiguous
