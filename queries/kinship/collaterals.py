"""Collateral relatives named by rule: 堂 and 表 lines, and the generations around them.

A collateral path is ``ups, sibling, downs``: ``a`` steps up (f/m) to the person whose
sibling the walk turns to, then ``b`` steps down (s/d), optionally ending in a spouse
step.  The *line* decides 堂 or 表: a relation is 堂 (same surname, 同宗) when it
runs through men only from the two persons up to the pair of brothers; otherwise 表
(domain.md: only a father's brother's children are 堂).  Rank (哥/弟, 姐/妹; 伯/叔) is
by birth against the speaker, or against the parent for a parent's cousin (as 伯父
and 叔叔 are ranked against the father).

Named here (the terms of the standard kinship tables, 亲属称谓表):

- first cousins 堂哥 … 表妹 (a = 1, b = 1) and their spouses 堂嫂, 堂弟媳, 堂姐夫,
  堂妹夫, 表嫂, 表弟媳, 表姐夫, 表妹夫;
- a cousin's children (a = 1, b = 2): 堂侄, 堂侄女 (a 堂兄弟's), 堂外甥, 堂外甥女 (a
  堂姐妹's), 表侄, 表侄女, 表外甥, 表外甥女;
- a parent's cousins (a = 2, b = 1): 堂伯, 堂叔, 堂姑, 表伯, 表叔, 表姑 on the father's
  side; 堂舅, 堂姨, 表舅, 表姨 on the mother's;
- second cousins (a = 2, b = 2): 再从兄, 再从弟, 再从姐, 再从妹 on the all-male line
  (the father's father's brother's son's children, 堂 of the second degree), else 表.

Anything else returns None, and the caller describes the walk in parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

Path = tuple[str, ...]

BROTHERS = ("ob", "yb", "xb")
SISTERS = ("os", "ys", "xs")
UP, DOWN, SPOUSE = ("f", "m"), ("s", "d"), ("h", "w")

# Same-generation words by (sex token, elder than the speaker?).
_RANK = {
    ("s", True): ("哥", "elder"), ("s", False): ("弟", "younger"), ("s", None): ("兄弟", ""),
    ("d", True): ("姐", "elder"), ("d", False): ("妹", "younger"), ("d", None): ("姐妹", ""),
}
# A cousin's spouse by (cousin's sex, cousin elder?): 嫂/弟媳 for a male cousin's wife.
_SPOUSE_RANK = {("s", True): ("嫂", "elder"), ("s", False): ("弟媳", "younger"),
                ("d", True): ("姐夫", "elder"), ("d", False): ("妹夫", "younger")}
_GLOSS = {"f": "father", "m": "mother", "s": "son", "d": "daughter", "h": "husband",
          "w": "wife"} | dict.fromkeys(BROTHERS, "brother") | dict.fromkeys(SISTERS, "sister")


def older(born: date | None, than: date | None) -> bool | None:
    """Whether ``born`` is before ``than``; None when either is unknown or they are equal."""
    if born is None or than is None or born == than:
        return None
    return born < than


def split(path: Path) -> tuple[Path, str, Path, str | None] | None:
    """``(ups, sibling, downs, spouse)`` of a collateral path, else None."""
    spouse = path[-1] if path and path[-1] in SPOUSE else None
    body = path[:-1] if spouse else path
    turns = [i for i, t in enumerate(body) if t in BROTHERS + SISTERS]
    if len(turns) != 1:
        return None
    i = turns[0]
    ups, downs = body[:i], body[i + 1:]
    if any(t not in UP for t in ups) or any(t not in DOWN for t in downs):
        return None
    return ups, body[i], downs, spouse


def male_line(ups: Sequence[str], sibling: str, downs: Sequence[str]) -> bool:
    """堂: every link between the two persons and the pair of brothers is a man."""
    return all(t == "f" for t in ups) and sibling in BROTHERS and all(t == "s" for t in downs)


def _spelled(path: Path) -> str:
    return "'s ".join(_GLOSS[t] for t in path)


def collateral(path: Path, born: Sequence[date | None], origin: date | None,
               elder: bool | None) -> tuple[str, str] | None:
    """The standard term of a collateral path, or None.

    Args:
        path: the canonical path.
        born: the birth date of each hop's person (one per step), None where unknown.
        origin: the speaker's birth date.
        elder: whether the relative is older than the speaker, when dates do not say
            (used for the speaker's own generation only).
    """
    parts = split(path)
    if parts is None or len(born) != len(path):
        return None
    ups, sibling, downs, spouse = parts
    shape = (len(ups), len(downs), spouse is not None)
    if shape == (1, 1, False):
        return _cousin(path, ups, sibling, downs, _age(born[-1], origin, elder))
    if shape == (1, 1, True):
        return _cousin_spouse(path, ups, sibling, downs, older(born[-2], origin))
    if shape == (1, 2, False):
        return _cousin_child(path, ups, sibling, downs)
    if shape == (2, 1, False):
        return _parent_cousin(path, ups, sibling, downs, older(born[-1], born[0]))
    if shape == (2, 2, False):
        return _second_cousin(path, ups, sibling, downs, _age(born[-1], origin, elder))
    return None


def _age(born: date | None, origin: date | None, elder: bool | None) -> bool | None:
    return elder if elder is not None else older(born, origin)


def _cousin(path: Path, ups: Path, sibling: str, downs: Path,
            elder: bool | None) -> tuple[str, str]:
    line = "堂" if male_line(ups, sibling, ()) else "表"
    word, rank = _RANK[(downs[-1], elder)]
    return line + word, f"{rank} {line} cousin ({_spelled(path)})".strip()


def _cousin_spouse(path: Path, ups: Path, sibling: str, downs: Path,
                   elder: bool | None) -> tuple[str, str] | None:
    if elder is None or (downs[-1], path[-1]) not in (("s", "w"), ("d", "h")):
        return None
    line = "堂" if male_line(ups, sibling, ()) else "表"
    word, rank = _SPOUSE_RANK[(downs[-1], elder)]
    return line + word, f"{rank} {line} cousin's spouse ({_spelled(path)})"


def _cousin_child(path: Path, ups: Path, sibling: str, downs: Path) -> tuple[str, str]:
    line = "堂" if male_line(ups, sibling, ()) else "表"
    stem = "侄" if downs[0] == "s" else "外甥"  # a male cousin's child is 侄, a female's 外甥
    word = stem + ("女" if downs[1] == "d" else "")
    return line + word, f"{line} cousin's {_GLOSS[downs[1]]} ({_spelled(path)})"


def _parent_cousin(path: Path, ups: Path, sibling: str, downs: Path,
                   elder: bool | None) -> tuple[str, str] | None:
    line = "堂" if male_line(ups[1:], sibling, ()) else "表"
    male = downs[0] == "s"
    if ups[0] == "m":
        word = "舅" if male else "姨"
    elif not male:
        word = "姑"
    elif elder is None:
        return None  # 伯 or 叔 by age against the father: described when unknown
    else:
        word = "伯" if elder else "叔"
    return line + word, f"parent's {line} cousin ({_spelled(path)})"


def _second_cousin(path: Path, ups: Path, sibling: str, downs: Path,
                   elder: bool | None) -> tuple[str, str]:
    line = "再从" if male_line(ups, sibling, downs[:1]) else "表"
    word, rank = _RANK[(downs[-1], elder)]
    if line == "再从":
        word = {"哥": "兄", "弟": "弟", "姐": "姐", "妹": "妹"}.get(word, word)
    return line + word, f"{rank} second cousin ({_spelled(path)})".strip()
