"""The table of standard Chinese kinship terms (亲属称谓), keyed by canonical path.

A path is written in the kinship alphabet, one step per comma: f m (parents),
h w (spouses), s d (children), ob yb os ys (elder/younger brother/sister) and
xb xs (brother/sister, relative age unknown).  In a pattern, ``B`` stands for any
brother token and ``S`` for any sister token.  Sibling age is always relative to
the person one step before (``f,ob`` is the father's elder brother).

Cousins (堂/表 by line, 哥/弟/姐/妹 by age relative to the speaker) follow a rule
rather than the table: see :func:`cousin`.  Rules from ``domain.md``: only a
father's brother's children are 堂; every other first cousin is 表.
"""

from __future__ import annotations

from itertools import product

BROTHERS = ("ob", "yb", "xb")
SISTERS = ("os", "ys", "xs")

Path = tuple[str, ...]

ROWS: tuple[tuple[str, str, str], ...] = (
    # self's generation and spouse
    ("h", "丈夫", "husband"), ("w", "妻子", "wife"),
    ("ob", "哥哥", "elder brother"), ("yb", "弟弟", "younger brother"),
    ("os", "姐姐", "elder sister"), ("ys", "妹妹", "younger sister"),
    ("xb", "兄弟", "brother"), ("xs", "姐妹", "sister"),
    # ascendants
    ("f", "父亲", "father"), ("m", "母亲", "mother"),
    ("f,f", "爷爷", "paternal grandfather"), ("f,m", "奶奶", "paternal grandmother"),
    ("m,f", "外公", "maternal grandfather"), ("m,m", "外婆", "maternal grandmother"),
    ("f,f,f", "曾祖父", "paternal great-grandfather"),
    ("f,f,m", "曾祖母", "paternal great-grandmother"),
    ("m,f,f", "外曾祖父", "maternal great-grandfather (mother's grandfather)"),
    ("m,f,m", "外曾祖母", "maternal great-grandmother (mother's grandmother)"),
    ("f,f,f,f", "高祖父", "paternal great-great-grandfather"),
    ("f,f,f,m", "高祖母", "paternal great-great-grandmother"),
    # descendants
    ("s", "儿子", "son"), ("d", "女儿", "daughter"), ("c", "子女", "child"),
    ("s,s", "孙子", "son's son"), ("s,d", "孙女", "son's daughter"),
    ("d,s", "外孙", "daughter's son"), ("d,d", "外孙女", "daughter's daughter"),
    ("s,s,s", "曾孙", "great-grandson (son's son's son)"),
    ("s,s,d", "曾孙女", "great-granddaughter (son's son's daughter)"),
    ("d,s,s", "外曾孙", "great-grandson (daughter's son's son)"),
    ("d,s,d", "外曾孙女", "great-granddaughter (daughter's son's daughter)"),
    # parents' siblings and their spouses
    ("f,ob", "伯父", "father's elder brother"), ("f,yb", "叔叔", "father's younger brother"),
    ("f,S", "姑姑", "father's sister"), ("m,B", "舅舅", "mother's brother"),
    ("m,S", "姨妈", "mother's sister"),
    ("f,ob,w", "伯母", "father's elder brother's wife"),
    ("f,yb,w", "婶婶", "father's younger brother's wife"),
    ("f,S,h", "姑丈", "father's sister's husband"), ("m,B,w", "舅妈", "mother's brother's wife"),
    ("m,S,h", "姨丈", "mother's sister's husband"),
    # siblings' children
    ("B,s", "侄子", "brother's son"), ("B,d", "侄女", "brother's daughter"),
    ("S,s", "外甥", "sister's son"), ("S,d", "外甥女", "sister's daughter"),
    ("B,s,s", "侄孙", "brother's grandson"), ("B,s,d", "侄孙女", "brother's granddaughter"),
    # in-laws
    ("h,f", "公公", "husband's father"), ("h,m", "婆婆", "husband's mother"),
    ("w,f", "岳父", "wife's father"), ("w,m", "岳母", "wife's mother"),
    ("s,w", "儿媳", "son's wife"), ("d,h", "女婿", "daughter's husband"),
    ("ob,w", "嫂子", "elder brother's wife"), ("yb,w", "弟媳", "younger brother's wife"),
    ("os,h", "姐夫", "elder sister's husband"), ("ys,h", "妹夫", "younger sister's husband"),
    ("h,ob", "大伯子", "husband's elder brother"), ("h,yb", "小叔子", "husband's younger brother"),
    ("h,os", "大姑子", "husband's elder sister"), ("h,ys", "小姑子", "husband's younger sister"),
    ("w,ob", "大舅子", "wife's elder brother"), ("w,yb", "小舅子", "wife's younger brother"),
    ("w,os", "大姨子", "wife's elder sister"), ("w,ys", "小姨子", "wife's younger sister"),
    ("h,B,w", "妯娌", "husband's brother's wife"), ("w,S,h", "连襟", "wife's sister's husband"),
    ("s,w,f", "亲家公", "son's father-in-law"), ("s,w,m", "亲家母", "son's mother-in-law"),
    ("d,h,f", "亲家公", "daughter's father-in-law"),
    ("d,h,m", "亲家母", "daughter's mother-in-law"),
    # step relations: a walk reaches a parent's spouse only when it is not a parent
    ("m,h", "继父", "stepfather"), ("f,w", "继母", "stepmother"),
    ("h,s", "继子", "stepson"), ("w,s", "继子", "stepson"),
    ("h,d", "继女", "stepdaughter"), ("w,d", "继女", "stepdaughter"),
)


def _expand(pattern: str) -> list[Path]:
    choices = [BROTHERS if t == "B" else SISTERS if t == "S" else (t,)
               for t in pattern.split(",")]
    return [tuple(p) for p in product(*choices)]


TERMS: dict[Path, tuple[str, str]] = {
    path: (zh, en) for pattern, zh, en in ROWS for path in _expand(pattern)
}

# 堂/表 cousin words by (sex token of the cousin, elder than the speaker?).
_COUSIN_WORD = {
    ("s", True): ("哥", "elder"), ("s", False): ("弟", "younger"), ("s", None): ("兄弟", ""),
    ("d", True): ("姐", "elder"), ("d", False): ("妹", "younger"), ("d", None): ("姐妹", ""),
}
_GLOSS = {"f": "father", "m": "mother", "s": "son", "d": "daughter"} | dict.fromkeys(
    BROTHERS, "brother") | dict.fromkeys(SISTERS, "sister")


def cousin(path: Path, elder: bool | None) -> tuple[str, str] | None:
    """The term for a first cousin path (parent, sibling, child), else None.

    Args:
        path: canonical path.
        elder: whether the cousin is older than the speaker (None: unknown).
    """
    if len(path) != 3 or path[0] not in ("f", "m") or path[2] not in ("s", "d"):
        return None
    if path[1] not in BROTHERS + SISTERS:
        return None
    line = "堂" if path[0] == "f" and path[1] in BROTHERS else "表"  # only 堂 via father's brother
    word_zh, word_en = _COUSIN_WORD[(path[2], elder)]
    spelled = "'s ".join(_GLOSS[t] for t in path)
    return line + word_zh, f"{word_en} {line} cousin ({spelled})".replace("  ", " ").strip()
