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
so ``王xin`` keys like ``王欣``.
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


def _keys(text: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(text.replace("?", "").replace("·", ""))]
    syllables = [s.replace(" ", "") for s in syllables if s.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables)


def normalise(raw: str | None) -> Name:
    """Normalise one raw name field.

    Args:
        raw: the name as the feed wrote it (None or blank for unknown).

    Returns:
        The normalised name, its pinyin keys (None for placeholders) and its flags.
    """
    text = _tidy(raw) if raw else ""
    if not text or _PLACEHOLDER.search(text):
        return Name(text or None, None, None, True, False)
    key, initials = _keys(text)
    partial = "?" in text or bool(_LATIN.search(text))
    return Name(text, key or None, initials or None, False, partial)


def lookup(raw: pl.Series) -> pl.DataFrame:
    """Normalise every distinct value of a column once.

    Args:
        raw: raw name values (nulls allowed).

    Returns:
        A frame with ``NAME_SCHEMA``: one row per distinct non-null raw value.
    """
    rows = []
    for value in raw.drop_nulls().unique().to_list():
        name = normalise(value)
        rows.append((value, name.text, name.key, name.initials, name.placeholder, name.partial))
    return pl.DataFrame(rows, schema=NAME_SCHEMA, orient="row")
