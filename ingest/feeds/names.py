"""Person names: normalisation, placeholders, pinyin keys for blocking.

Normalisation of one name: Unicode NFKC (full-width letters, digits, ``？`` and the
ideographic space become half-width), interpuncts unified to ``·``, spaces removed
except between two Latin letters, traditional characters to simplified (OpenCC
``t2s``), marks for an unknown character (``? * □ ○``) unified to ``?``.

A name is a *placeholder* (no evidence of identity on its own) when empty, made
of unknown marks only, or matching ``PLACEHOLDERS`` (``王某某之子``, ``之女``,
``婴儿``, ``无名`` ...). A name is *partial* when it holds ``?`` or Latin letters
(pinyin typed for a rare character). Placeholders get no pinyin keys (they would
make huge blocks); partial names do, without the unknown marks.

``key`` is the toneless full pinyin without separators (``陈伟`` -> ``chenwei``),
``initials`` its first letters (``cw``); Latin letters pass through in lower case,
so ``王xin`` keys like ``王欣``.  Pinyin is taken character by character (the
reading out of context), so a character always keys the same way: blocking needs
consistent keys more than correct readings, and it lets a column's keys be
computed once per distinct character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import opencc
import polars as pl
from pypinyin import lazy_pinyin

PLACEHOLDERS = (
    r"某某", r"之[子女]$", r"^[男女]?婴儿?$", r"^无名", r"^未取名", r"^未命名", r"^不详$",
    r"^未知$", r"^新生儿", r"^[男女]$", r"^\?+$",
)
_PLACEHOLDER = re.compile("|".join(PLACEHOLDERS))
_UNKNOWN_MARKS = str.maketrans({"*": "?", "□": "?", "○": "?", "�": "?"})
_INTERPUNCTS = str.maketrans(dict.fromkeys("•・．.‧∙", "·"))
_SPACES = re.compile(r"\s+")
_INNER_SPACE = re.compile(r"(?<![A-Za-z]) | (?![A-Za-z])")
_LATIN = re.compile(r"[A-Za-z]")
_TOKEN = re.compile(r"[A-Za-z]+|[^A-Za-z]")
_PURE_HAN = "^[\u4e00-\u9fff]+$"  # needs no normalisation but t2s; never partial

NAME_SCHEMA = {"raw": pl.String, "name": pl.String, "key": pl.String,
               "initials": pl.String, "placeholder": pl.Boolean, "partial": pl.Boolean}


@dataclass(frozen=True)
class Name:
    """A normalised name and its blocking keys."""

    text: str | None
    key: str | None
    initials: str | None
    placeholder: bool
    partial: bool


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def simplified(char: str) -> str:
    """One character in simplified form (OpenCC ``t2s`` on the character alone)."""
    return str(_t2s().convert(char))


def _tidy(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).translate(_INTERPUNCTS).translate(_UNKNOWN_MARKS)
    text = _INNER_SPACE.sub("", _SPACES.sub(" ", text).strip())
    return "".join(simplified(c) for c in text)


@cache
def syllable(token: str) -> str:
    """The toneless pinyin of one token: a Chinese character, or a run of Latin letters.

    Other characters (``?``, ``·``, digits) give the empty string.
    """
    text = token.lower() if token.isascii() else "".join(lazy_pinyin(token)).lower()
    return text if text.isascii() and text.isalpha() else ""


def _initial(token: str) -> str:
    return syllable(token)[:1]


def _flags(text: str) -> tuple[bool, bool]:
    placeholder = not text or bool(_PLACEHOLDER.search(text))
    partial = not placeholder and ("?" in text or bool(_LATIN.search(text)))
    return placeholder, partial


def _keys(text: str) -> tuple[str, str]:
    syllables = [syllable(t) for t in _TOKEN.findall(text)]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def normalise(raw: str | None) -> Name:
    """Normalise one raw name field.

    Args:
        raw: the name as the feed wrote it (None or blank for unknown).

    Returns:
        The normalised name, its pinyin keys (None for placeholders) and its flags.
    """
    text = _tidy(raw) if raw else ""
    placeholder, partial = _flags(text)
    if placeholder:
        return Name(text or None, None, None, True, False)
    key, initials = _keys(text)
    return Name(text, key or None, initials or None, False, partial)


def _mapped(texts: pl.Series, function: Callable[[str], str], pattern: str) -> pl.Series:
    """Apply ``function`` to each distinct token (regex ``pattern``) and rejoin each text."""
    tokens = (texts.to_frame("text").with_row_index("row")
              .select("row", pl.col("text").str.extract_all(pattern).alias("token"))
              .explode("token"))
    distinct = tokens["token"].drop_nulls().unique()
    table = pl.DataFrame({"token": distinct, "out": [function(t) for t in distinct.to_list()]})
    joined = tokens.join(table, on="token", how="left", maintain_order="left")
    rejoined = joined.group_by("row", maintain_order=True).agg(pl.col("out").str.join(""))
    return rejoined["out"]


def _pure_han(values: pl.Series) -> pl.DataFrame:
    names = _mapped(values, simplified, ".")
    return pl.DataFrame({"raw": values, "name": names}).with_columns(
        placeholder=pl.col("name").str.contains(_PLACEHOLDER.pattern), partial=pl.lit(False))


def _other(values: pl.Series) -> pl.DataFrame:
    rows = [(v, t or None, *_flags(t)) for v, t in ((v, _tidy(v)) for v in values.to_list())]
    return pl.DataFrame(rows, schema={"raw": pl.String, "name": pl.String,
                                      "placeholder": pl.Boolean, "partial": pl.Boolean},
                        orient="row")


def lookup(raw: pl.Series) -> pl.DataFrame:
    """Normalise every distinct value of a column once.

    Names made only of Han characters (nearly all) are simplified per distinct
    character and checked for placeholders with polars; the others go through the
    same steps as :func:`normalise` one by one.  Pinyin keys are computed per
    distinct character.  The result equals :func:`normalise` value by value.

    Args:
        raw: raw name values (nulls allowed).

    Returns:
        A frame with ``NAME_SCHEMA``: one row per distinct non-null raw value.
    """
    distinct = raw.drop_nulls().unique()
    pure = distinct.str.contains(_PURE_HAN)
    frame = pl.concat([_pure_han(distinct.filter(pure)), _other(distinct.filter(~pure))])
    texts = frame["name"].fill_null("")
    frame = frame.with_columns(key=_mapped(texts, syllable, _TOKEN.pattern),
                               initials=_mapped(texts, _initial, _TOKEN.pattern))
    return frame.with_columns(
        pl.when(~pl.col("placeholder")).then(pl.col(c).replace("", None)).alias(c)
        for c in ("key", "initials")
    ).select(list(NAME_SCHEMA))
