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


def _tidy(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).translate(_INTERPUNCTS).translate(_UNKNOWN_MARKS)
    text = _SPACES.sub(" ", text).strip()
    return str(_t2s().convert(_INNER_SPACE.sub("", text)))


@cache
def syllable(token: str) -> str:
    """The toneless pinyin of one token: a Chinese character, or a run of Latin letters.

    Other characters (``?``, ``·``, digits) give the empty string.
    """
    text = token.lower() if token.isascii() else "".join(lazy_pinyin(token)).lower()
    return text if text.isascii() and text.isalpha() else ""


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


def _vector_keys(texts: pl.Series) -> pl.DataFrame:
    """``key`` and ``initials`` for many texts: pinyin looked up once per distinct token."""
    tokens = (texts.to_frame("text").with_row_index("row")
              .select("row", pl.col("text").str.extract_all(_TOKEN.pattern).alias("token"))
              .explode("token"))
    distinct = tokens["token"].drop_nulls().unique()
    table = pl.DataFrame({"token": distinct,
                          "syllable": [syllable(t) for t in distinct.to_list()]})
    joined = tokens.join(table, on="token", how="left").filter(pl.col("syllable") != "")
    keys = joined.group_by("row", maintain_order=True).agg(
        pl.col("syllable").str.join("").alias("key"),
        pl.col("syllable").str.slice(0, 1).str.join("").alias("initials"),
    )
    return pl.DataFrame({"row": pl.int_range(texts.len(), eager=True, dtype=pl.UInt32)}).join(
        keys, on="row", how="left", maintain_order="left")


def lookup(raw: pl.Series) -> pl.DataFrame:
    """Normalise every distinct value of a column once.

    Text and flags come from :func:`normalise` (a Python call per distinct value);
    pinyin keys are computed per distinct character and joined, which gives the
    same keys as :func:`normalise`.

    Args:
        raw: raw name values (nulls allowed).

    Returns:
        A frame with ``NAME_SCHEMA``: one row per distinct non-null raw value.
    """
    rows = []
    for value in raw.drop_nulls().unique().to_list():
        text = _tidy(value)
        rows.append((value, text or None, *_flags(text)))
    frame = pl.DataFrame(rows, schema={"raw": pl.String, "name": pl.String,
                                       "placeholder": pl.Boolean, "partial": pl.Boolean},
                         orient="row")
    keys = _vector_keys(frame["name"].fill_null(""))
    frame = frame.with_columns(keys["key"], keys["initials"])
    return frame.with_columns(
        pl.when(~pl.col("placeholder")).then(pl.col(c)).alias(c) for c in ("key", "initials")
    ).select(list(NAME_SCHEMA))
