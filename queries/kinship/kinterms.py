"""The Chinese kinship term a speaker uses for a relative, from a walk of steps.

A walk through the graph is spelled in the kinship alphabet (see
:mod:`queries.kinship.appellations`): up via f/m, across via h/w, down via s/d, and
sideways via ob/yb/os/ys, or xb/xs when the relative age is unknown (lb/ls are
read as yb/ys).  :func:`canonical` folds "parent, then a child of that parent"
into a sibling step (f,s -> xb), the age of every sibling is settled from birth
dates where they are given, and the table (or the cousin rule) names the result.
Collateral relatives (cousins and the generations around them) are named by the
rules of :mod:`queries.kinship.collaterals`. Where no standard term exists the walk is
described in at most three known parts ("公公的父亲", "奶奶的侄子"), and beyond that
called 远亲 or 姻亲.

Walks are assumed shortest: a step through a parent's spouse (f,w) reaches a
stepmother, because the mother herself would have been reached by m.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kingraph.errors import InvalidArgument
from queries.kinship.appellations import TERMS, Path
from queries.kinship.collaterals import collateral, older

MALE, FEMALE = "1", "2"
UP, DOWN, SPOUSE = ("f", "m"), ("s", "d", "c"), ("h", "w")
SEX = {"f": MALE, "h": MALE, "s": MALE, "ob": MALE, "yb": MALE, "xb": MALE,
       "m": FEMALE, "w": FEMALE, "d": FEMALE, "os": FEMALE, "ys": FEMALE, "xs": FEMALE, "c": None}
ALIASES = {"lb": "yb", "ls": "ys"}
_BY_AGE = {MALE: ("ob", "yb", "xb"), FEMALE: ("os", "ys", "xs")}  # elder, younger, unknown
MAX_PARTS = 3
HALF_PREFIX = {"f": ("同父异母的", "paternal half-"), "m": ("同母异父的", "maternal half-")}


@dataclass(frozen=True)
class KinTerm:
    """A kinship term: Chinese, an English gloss, the canonical path it names.

    ``standard`` is False for a descriptive fallback (父亲的表哥, 远亲).
    """

    zh: str
    en: str
    path: Path
    standard: bool = True


@dataclass(frozen=True)
class _Hop:
    token: str
    born: date | None = None


def parse(steps: str | Sequence[str]) -> Path:
    """Normalise a walk given as "f,ob,s" or a sequence of tokens.

    Raises:
        InvalidArgument: a token outside the kinship alphabet.
    """
    raw = steps.split(",") if isinstance(steps, str) else list(steps)
    tokens = tuple(ALIASES.get(t.strip().lower(), t.strip().lower()) for t in raw if t.strip())
    for token in tokens:
        if token not in SEX:
            raise InvalidArgument(f"kinship path: unknown step {token!r}",
                                  reason="unknown_kin_step")
    return tokens


def canonical(steps: str | Sequence[str]) -> Path:
    """The walk with every "parent, then that parent's child" folded into a sibling step.

    >>> canonical("f,f,s,d")
    ('f', 'xb', 'd')
    """
    return tuple(h.token for h in _collapse([_Hop(t) for t in parse(steps)], None))


def term(
    steps: str | Sequence[str],
    speaker_sex: str | None = None,
    *,
    birth_dates: Sequence[date | None] | None = None,
    elder: bool | None = None,
    half: bool = False,
) -> KinTerm:
    """The term the speaker uses for the relative at the end of the walk.

    Args:
        steps: the walk from the speaker to the relative.
        speaker_sex: "1" male or "2" female (GB/T 2261.1); None if unknown.
        birth_dates: one per person on the walk, speaker first (len(steps) + 1);
            they settle elder/younger for siblings, uncles (伯父/叔叔) and cousins.
        elder: whether the relative (the end of the walk) is older than the
            speaker, when dates do not say; it settles the speaker's own sibling
            or cousin, nobody in between.
        half: the relative is a half sibling reached through the first step's parent.

    Raises:
        InvalidArgument: an unknown step, a bad speaker sex, or dates of the wrong length.
    """
    tokens = parse(steps)
    if speaker_sex not in (None, MALE, FEMALE, "0", "9"):
        raise InvalidArgument("kinship term: speaker sex must be a GB/T 2261.1 code",
                              reason="sex_unknown")
    dates = list(birth_dates) if birth_dates is not None else [None] * (len(tokens) + 1)
    if len(dates) != len(tokens) + 1:
        raise InvalidArgument("kinship term: need one birth date per person on the walk",
                              reason="birth_dates_mismatch")
    hops = _collapse([_Hop(t, d) for t, d in zip(tokens, dates[1:], strict=True)], dates[0])
    if len(hops) == 1 and elder is not None and hops[0].token in ("xb", "xs"):
        hops[0] = _Hop(_sibling(hops[0].token, elder), hops[0].born)
    found = _named(hops, dates[0], elder)
    if half and len(tokens) == 2 and tokens[0] in UP and len(hops) == 1:
        via = HALF_PREFIX[tokens[0]]
        return KinTerm(via[0] + found.zh, via[1] + found.en, found.path)
    return found


def inverse(steps: str | Sequence[str], speaker_sex: str | None) -> Path:
    """The same walk seen from the relative back to the speaker.

    Each step's inverse depends on the sex of the person it starts from (the
    speaker for the first step, the previous step's target after that).

    Raises:
        InvalidArgument: a needed sex is unknown (e.g. the speaker's, to invert "s").
    """
    tokens = parse(steps)
    sexes = [speaker_sex] + [SEX[t] for t in tokens]
    return tuple(_invert(t, sex) for t, sex in zip(reversed(tokens), reversed(sexes[:-1]),
                                                    strict=True))


def _invert(token: str, sex: str | None) -> str:
    if token in UP:
        return {MALE: "s", FEMALE: "d"}.get(sex or "", "c")
    if sex not in (MALE, FEMALE):
        raise InvalidArgument("kinship inverse: a sex on the walk is unknown",
                              reason="sex_unknown")
    male = sex == MALE
    if token in DOWN:
        return "f" if male else "m"
    if token in SPOUSE:
        return "h" if male else "w"
    return {"o": "y", "y": "o", "x": "x"}[token[0]] + ("b" if male else "s")


def _sibling(token: str, elder: bool | None) -> str:
    elder_t, younger_t, unknown_t = _BY_AGE[SEX[token] or MALE]
    return unknown_t if elder is None else elder_t if elder else younger_t


def _collapse(hops: list[_Hop], origin: date | None) -> list[_Hop]:
    """Fold parent+child pairs into siblings and settle sibling ages from dates."""
    out: list[_Hop] = []
    for hop in hops:
        if hop.token in ("s", "d") and out and out[-1].token in UP:
            out.pop()
            hop = _Hop("xb" if hop.token == "s" else "xs", hop.born)
        if hop.token in ("xb", "xs"):
            ref = out[-1].born if out else origin
            hop = _Hop(_sibling(hop.token, older(hop.born, ref)), hop.born)
        out.append(hop)
    return out


def _direct(hops: Sequence[_Hop], origin: date | None, elder: bool | None) -> KinTerm | None:
    path = tuple(h.token for h in hops)
    if not path:
        return KinTerm("自己", "self", path)
    named = TERMS.get(path) or collateral(path, [h.born for h in hops], origin, elder)
    return KinTerm(named[0], named[1], path) if named else None


def _named(hops: list[_Hop], origin: date | None, elder: bool | None) -> KinTerm:
    path = tuple(h.token for h in hops)
    for limit in range(1, MAX_PARTS + 1):
        parts = _describe(hops, origin, elder, limit)
        if parts:
            if len(parts) == 1:
                return parts[0]
            zh, en = "的".join(p.zh for p in parts), "'s ".join(p.en for p in parts)
            return KinTerm(zh, en, path, standard=False)
    by_marriage = any(t in SPOUSE for t in path)
    zh, en = ("姻亲", "relative by marriage") if by_marriage else ("远亲", "distant relative")
    return KinTerm(zh, en, path, standard=False)


def _describe(
    hops: list[_Hop], origin: date | None, elder: bool | None, limit: int
) -> list[KinTerm] | None:
    """Split the walk into at most ``limit`` named parts, shortest head first."""
    whole = _direct(hops, origin, elder)
    if whole or limit == 1:
        return [whole] if whole else None
    for cut in range(1, len(hops)):
        head = _direct(hops[:cut], origin, None)
        tail = _describe(hops[cut:], hops[cut - 1].born, None, limit - 1) if head else None
        if head and tail:
            return [head, *tail]
    return None

