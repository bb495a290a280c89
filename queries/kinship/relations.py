"""How two members of an extracted family are related (pure, no driver).

For a speaker and a relative: the walk between them in the kinship alphabet
(f m up, s d down, h w across a marriage), the persons on it, the coefficient of
relationship r and the kinship coefficient φ (exact,
:class:`queries.kinship.coefficients.Pedigree`), the genetic degree (first-degree r = ½,
second r = ¼, third r = ⅛ ...), the Chinese term both ways
(:mod:`queries.kinship.kinterms`) and the record keys of the edges walked.

Blood relatives come first; *adoptive* relatives are related only once adoption
counts as descent (art. 1111, the legal pedigree of :mod:`queries.kinship.family`); *in-law*
relatives are the spouses of blood relatives and the blood relatives of a spouse.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from kingraph.errors import InvalidArgument
from queries.kinship import kinterms, marriage_law
from queries.kinship.ancestry import AncestralPath, CommonAncestor
from queries.kinship.coefficients import MALE, Pedigree
from queries.kinship.family import ADOPTIVE, BIOLOGICAL, Family
from queries.kinship.kinterms import KinTerm
from queries.kinship.marriage_law import MarriageVerdict

MIN_DEGREE, MAX_DEGREE = 1, 6


class Kind(StrEnum):
    """How a relative is related to the speaker."""

    BLOOD = "blood"
    ADOPTIVE = "adoptive"
    IN_LAW = "in_law"


@dataclass(frozen=True)
class Relation:
    """One relative as the speaker sees them."""

    pid: str
    kind: Kind
    walk: tuple[str, ...]  # raw steps from the speaker: f m s d c h w
    persons: tuple[str, ...]  # pids on the walk, speaker first, relative last
    degree: int | None  # genetic degree (legal degree for adoptive); None for in-laws
    r: Fraction | float
    phi: Fraction
    term: KinTerm  # what the speaker calls the relative
    inverse: KinTerm | None  # what the relative calls the speaker (None: a sex unknown)
    half: bool
    records: tuple[str, ...]  # record keys of the edges walked
    inferred: bool  # an edge walked was inferred from household relation codes
    disputed: bool = False  # an edge walked is disputed by an open conflict

    @property
    def path(self) -> tuple[str, ...]:
        """The canonical path (siblings folded, elder/younger settled where dates say)."""
        return self.term.path


@dataclass(frozen=True)
class PathShare:
    """One of Wright's paths between two persons and its share of φ."""

    ancestor: str
    steps: tuple[str, ...]
    persons: tuple[str, ...]
    contribution: Fraction
    records: tuple[str, ...]


@dataclass(frozen=True)
class Relationship:
    """Everything about a pair: φ, r, degree, paths, common ancestors, terms, marriage."""

    a: str
    b: str
    phi: Fraction
    r: Fraction | float
    degree: int | None
    inbreeding_a: Fraction
    inbreeding_b: Fraction
    paths: tuple[PathShare, ...]
    common_ancestors: tuple[CommonAncestor, ...]
    relation: Relation | None  # how a sees b (blood, adoptive or in-law), if related
    term_ab: KinTerm | None  # what a calls b
    term_ba: KinTerm | None  # what b calls a
    marriage: MarriageVerdict


def check_degree(max_degree: int) -> int:
    """The degree bound, checked.

    Raises:
        InvalidArgument: outside 1..6.
    """
    if not MIN_DEGREE <= max_degree <= MAX_DEGREE:
        raise InvalidArgument(f"degree must be between {MIN_DEGREE} and {MAX_DEGREE}",
                              reason="out_of_range")
    return max_degree


def genetic_degree(r: Fraction | float) -> int | None:
    """The degree whose r = 2^-degree is nearest to r (½ -> 1, ¼ -> 2, ⅛ -> 3); None for 0."""
    if r <= 0:
        return None
    return max(1, round(-math.log2(float(r))))


class Relating:
    """Relates persons of one family; pedigrees and φ are computed once and memoised."""

    def __init__(self, family: Family) -> None:
        """Build the blood pedigree (and the legal one when anyone was adopted)."""
        self.family = family
        self.blood: Pedigree = family.pedigree()
        adopted = any(e.kind == ADOPTIVE for e in family.edges)
        self.legal: Pedigree | None = family.pedigree(legal=True) if adopted else None

    def relation(self, a: str, b: str) -> Relation | None:
        """How a sees b by blood, else by adoption, else across one marriage; None if none."""
        return (self._by_descent(a, b, self.blood, Kind.BLOOD)
                or (self._by_descent(a, b, self.legal, Kind.ADOPTIVE) if self.legal else None)
                or self._by_marriage(a, b))

    def relatives(self, speaker: str, max_degree: int, in_laws: bool = False) -> list[Relation]:
        """Every relative within the degree (in-laws on request), nearest first."""
        found: dict[str, Relation] = {}
        for pid in self.family.persons:
            if pid != speaker:
                rel = self._within(speaker, pid, max_degree)
                if rel is not None:
                    found[pid] = rel
        if in_laws:
            for rel in list(self._in_laws(speaker, found, max_degree)):
                found.setdefault(rel.pid, rel)
        return sorted(found.values(), key=_rank)

    def _within(self, a: str, b: str, max_degree: int) -> Relation | None:
        for pedigree, kind in ((self.blood, Kind.BLOOD), (self.legal, Kind.ADOPTIVE)):
            rel = self._by_descent(a, b, pedigree, kind, max_degree) if pedigree else None
            if rel is not None:
                return rel
        return None

    def _by_descent(self, a: str, b: str, pedigree: Pedigree | None, kind: Kind,
                    max_degree: int | None = None) -> Relation | None:
        """How a sees b through this pedigree; None when unrelated in it or, given
        ``max_degree``, related more remotely (decided before the path and terms,
        which are most of the cost and of no use then)."""
        if pedigree is None or a == b or pedigree.kinship(a, b) == 0:
            return None
        degree = genetic_degree(pedigree.relatedness(a, b))
        if max_degree is not None and (degree is None or degree > max_degree):
            return None
        phi, r = self.blood.kinship(a, b), self.blood.relatedness(a, b)  # genes: blood only
        path = pedigree.paths(a, b, limit=1)[0]
        half = _half(pedigree, a, b, path)
        persons = path.up + path.down[1:]
        edge_kind = BIOLOGICAL if kind is Kind.BLOOD else None
        records, inferred, disputed = self._walk_records(persons, len(path.up) - 1,
                                                         edge_kind)
        return self._relation(b, kind, path.steps, persons, degree, r, phi, half,
                              records, inferred, disputed)

    def _relation(self, pid: str, kind: Kind, walk: tuple[str, ...], persons: tuple[str, ...],
                  degree: int | None, r: Fraction | float, phi: Fraction, half: bool,
                  records: tuple[str, ...], inferred: bool, disputed: bool) -> Relation:
        term, inverse = self.terms(walk, persons, half)
        return Relation(pid, kind, walk, persons, degree, r, phi, term, inverse, half,
                        records, inferred, disputed)

    def terms(self, walk: Sequence[str], persons: Sequence[str],
              half: bool = False) -> tuple[KinTerm, KinTerm | None]:
        """The term for the walk's end, and the term back (None when a sex is unknown)."""
        people = self.family.persons
        dates = [people[p].birth_date for p in persons]
        speaker_sex, end_sex = people[persons[0]].sex, people[persons[-1]].sex
        term = kinterms.term(walk, _sex(speaker_sex), birth_dates=dates, half=half)
        try:
            back = kinterms.inverse(walk, _sex(speaker_sex))
            inverse = kinterms.term(back, _sex(end_sex), birth_dates=dates[::-1], half=half)
        except InvalidArgument:
            inverse = None
        return term, inverse

    def _walk_records(self, persons: Sequence[str], ups: int,
                      kind: str | None) -> tuple[tuple[str, ...], bool, bool]:
        """Record keys of the parent edges along a walk (ups steps up, then down), and
        whether any of them is inferred, and whether any is disputed."""
        keys: list[str] = []
        inferred = disputed = False
        for i, (x, y) in enumerate(zip(persons, persons[1:], strict=False)):
            child, parent = (x, y) if i < ups else (y, x)
            for edge in self.family.edge_records(child, parent):
                if kind is None or edge.kind == kind:
                    keys += edge.records
                    inferred = inferred or edge.inferred
                    disputed = disputed or edge.disputed
        return tuple(dict.fromkeys(keys)), inferred, disputed

    def _by_marriage(self, a: str, b: str) -> Relation | None:
        """b as a's spouse, the spouse of a's blood relative, or a blood relative of a's
        spouse (one marriage on the walk); the shortest walk, then the nearest degree."""
        if b in self.family.spouses_of(a):
            return self._spouse_of(a, b)
        found: list[Relation] = []
        for spouse in self.family.spouses_of(b):
            via = self._by_descent(a, spouse, self.blood, Kind.BLOOD) if spouse != a else None
            if via is not None:
                found.append(self._spouse_of(a, b, via))
        for spouse in self.family.spouses_of(a):
            via = self._by_descent(spouse, b, self.blood, Kind.BLOOD) if spouse != b else None
            if via is not None:
                found.append(self._spouse_relative(a, via))
        return min(found, key=lambda r: (len(r.walk), r.persons), default=None)

    def _spouse_of(self, a: str, b: str, via: Relation | None = None) -> Relation:
        """b as the spouse of a, or of a's relative ``via``."""
        at = a if via is None else via.pid
        walk = (via.walk if via else ()) + (self._spouse_step(b),)
        persons = (via.persons if via else (a,)) + (b,)
        return self._in_law(a, b, walk, persons, self._marriage_keys(at, b), via,
                            self._marriage_disputed(at, b))

    def _spouse_relative(self, a: str, via: Relation) -> Relation:
        """The relative at the end of ``via`` (seen from a's spouse) as a sees them."""
        spouse = via.persons[0]
        walk = (self._spouse_step(spouse),) + via.walk
        return self._in_law(a, via.pid, walk, (a,) + via.persons,
                            self._marriage_keys(a, spouse), via,
                            self._marriage_disputed(a, spouse))

    def _in_law(self, a: str, b: str, walk: tuple[str, ...], persons: tuple[str, ...],
                keys: tuple[str, ...], via: Relation | None, disputed: bool) -> Relation:
        term, inverse = self.terms(walk, persons)
        records = tuple(dict.fromkeys(keys + (via.records if via else ())))
        return Relation(b, Kind.IN_LAW, walk, persons, None, self.blood.relatedness(a, b),
                        self.blood.kinship(a, b), term, inverse, False, records,
                        bool(via and via.inferred), disputed or bool(via and via.disputed))

    def _marriage_keys(self, a: str, b: str) -> tuple[str, ...]:
        return tuple(k for m in self.family.marriage_records(a, b) for k in m.records)

    def _marriage_disputed(self, a: str, b: str) -> bool:
        return any(m.disputed for m in self.family.marriage_records(a, b))

    def _spouse_step(self, pid: str) -> str:
        return "h" if self.family.persons[pid].sex == MALE else "w"

    def _in_laws(self, speaker: str, found: dict[str, Relation],
                 max_degree: int) -> Iterator[Relation]:
        for rel in [None, *found.values()]:
            at = speaker if rel is None else rel.pid
            for spouse in self.family.spouses_of(at):
                if spouse != speaker and spouse not in found:
                    yield self._spouse_of(speaker, spouse, rel)
        for spouse in self.family.spouses_of(speaker):
            for pid in self.family.persons:
                if pid in (speaker, spouse) or pid in found:
                    continue
                via = self._within(spouse, pid, max_degree)
                if via is not None and via.kind is Kind.BLOOD:
                    yield self._spouse_relative(speaker, via)

    def relationship(self, a: str, b: str, limit: int = 64) -> Relationship:
        """φ, r, degree, Wright's paths, common ancestors, terms and the marriage check."""
        phi, r = self.blood.kinship(a, b), self.blood.relatedness(a, b)
        shares = tuple(self._share(p) for p in self.blood.paths(a, b, limit=limit))
        relation = self.relation(a, b)
        back = self.relation(b, a)
        return Relationship(a, b, phi, r, genetic_degree(r), self.blood.inbreeding(a),
                            self.blood.inbreeding(b), shares,
                            tuple(self.blood.common_ancestors(a, b)), relation,
                            relation.term if relation else None, back.term if back else None,
                            marriage_law.from_pedigree(self.blood, a, b))

    def _share(self, path: AncestralPath) -> PathShare:
        persons = path.up + path.down[1:]
        records, _, _ = self._walk_records(persons, len(path.up) - 1, BIOLOGICAL)
        return PathShare(path.ancestor, path.steps, persons, path.contribution, records)


def _sex(code: str | None) -> str | None:
    return code if code in ("1", "2", "0", "9") else None


def _half(pedigree: Pedigree, a: str, b: str, path: AncestralPath) -> bool:
    """A sibling-like pair sharing one parent only."""
    if path.n1 != 1 or path.n2 != 1:
        return False
    return len(pedigree.nearest_common_ancestors(a, b)) == 1


def _rank(rel: Relation) -> tuple[int, int, int, str]:
    kinds = {Kind.BLOOD: 0, Kind.ADOPTIVE: 1, Kind.IN_LAW: 2}
    return (rel.degree if rel.degree is not None else 99, kinds[rel.kind], len(rel.walk),
            rel.pid)
