"""The table of standard Chinese kinship terms (亲属称谓), keyed by canonical path.

A path is written in the kinship alphabet, one step per comma: f m (parents),
h w (spouses), s d (children), ob yb os ys (elder/younger brother/sister) and
xb xs (brother/sister, relative age unknown).  In a pattern, ``B`` stands for any
brother token and ``S`` for any sister token.  Sibling age is always relative to
the person one step before (``f,ob`` is the father's elder brother).

``C`` stands for a
child of either sex.

Cousins, their children and spouses, parents' cousins and second cousins (堂/表/再从
by line, 哥/弟/姐/妹 or 伯/叔 by age) follow rules rather than the table: see
:mod:`queries.kinship.collaterals`.  Where the sources differ, the table keeps the
headword of 《现代汉语词典》 (姑父, 姨父; 姑丈 and 姨丈 are named in the gloss).
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
    ("f,S,h", "姑父", "father's sister's husband (also 姑丈)"),
    ("m,B,w", "舅妈", "mother's brother's wife"),
    ("m,S,h", "姨父", "mother's sister's husband (also 姨丈)"),
    # grandparents' siblings (third degree) and their spouses; 伯/叔 by age against
    # the grandfather, as 伯父/叔叔 against the father
    ("f,f,ob", "伯祖父", "paternal grandfather's elder brother"),
    ("f,f,yb", "叔祖父", "paternal grandfather's younger brother"),
    ("f,f,S", "祖姑母", "paternal grandfather's sister"),
    ("f,m,B", "舅祖父", "paternal grandmother's brother"),
    ("f,m,S", "姨祖母", "paternal grandmother's sister"),
    ("m,f,ob", "外伯祖父", "maternal grandfather's elder brother"),
    ("m,f,yb", "外叔祖父", "maternal grandfather's younger brother"),
    ("m,f,S", "外祖姑母", "maternal grandfather's sister"),
    ("m,m,B", "外舅祖父", "maternal grandmother's brother"),
    ("m,m,S", "外姨祖母", "maternal grandmother's sister"),
    ("f,f,ob,w", "伯祖母", "paternal grandfather's elder brother's wife"),
    ("f,f,yb,w", "叔祖母", "paternal grandfather's younger brother's wife"),
    ("f,f,S,h", "祖姑父", "paternal grandfather's sister's husband"),
    ("f,m,B,w", "舅祖母", "paternal grandmother's brother's wife"),
    ("f,m,S,h", "姨祖父", "paternal grandmother's sister's husband"),
    # siblings' children
    ("B,s", "侄子", "brother's son"), ("B,d", "侄女", "brother's daughter"),
    ("S,s", "外甥", "sister's son"), ("S,d", "外甥女", "sister's daughter"),
    ("B,s,s", "侄孙", "brother's grandson"), ("B,s,d", "侄孙女", "brother's granddaughter"),
    ("B,d,s", "侄外孙", "brother's daughter's son"),
    ("B,d,d", "侄外孙女", "brother's daughter's daughter"),
    ("S,C,s", "外甥孙", "sister's grandson"), ("S,C,d", "外甥孙女", "sister's granddaughter"),
    # spouses of nephews, nieces and grandchildren
    ("B,s,w", "侄媳", "brother's son's wife"), ("B,d,h", "侄女婿", "brother's daughter's husband"),
    ("S,s,w", "外甥媳妇", "sister's son's wife"),
    ("S,d,h", "外甥女婿", "sister's daughter's husband"),
    ("s,s,w", "孙媳", "son's son's wife"), ("s,d,h", "孙女婿", "son's daughter's husband"),
    ("d,s,w", "外孙媳", "daughter's son's wife"),
    ("d,d,h", "外孙女婿", "daughter's daughter's husband"),
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
    # a spouse's nephews and nieces (what 伯母, 婶婶, 舅妈, 姑父, 姨父 call the speaker)
    ("h,B,s", "侄子", "husband's brother's son"), ("h,B,d", "侄女", "husband's brother's daughter"),
    ("h,S,s", "外甥", "husband's sister's son"),
    ("h,S,d", "外甥女", "husband's sister's daughter"),
    ("w,B,s", "内侄", "wife's brother's son"), ("w,B,d", "内侄女", "wife's brother's daughter"),
    ("w,S,s", "外甥", "wife's sister's son"), ("w,S,d", "外甥女", "wife's sister's daughter"),
    # a spouse's uncles and aunts (what 侄媳, 侄女婿, 外甥媳妇, 外甥女婿 call the speaker)
    ("h,f,ob", "伯公", "husband's father's elder brother"),
    ("h,f,yb", "叔公", "husband's father's younger brother"),
    ("h,f,S", "姑婆", "husband's father's sister"), ("h,m,B", "舅公", "husband's mother's brother"),
    ("h,m,S", "姨婆", "husband's mother's sister"),
    ("w,f,ob", "伯岳父", "wife's father's elder brother"),
    ("w,f,yb", "叔岳父", "wife's father's younger brother"),
    ("w,f,S", "姑岳母", "wife's father's sister"), ("w,m,B", "舅岳父", "wife's mother's brother"),
    ("w,m,S", "姨岳母", "wife's mother's sister"),
    ("w,f,f", "岳祖父", "wife's paternal grandfather"),
    ("w,f,m", "岳祖母", "wife's paternal grandmother"),
    ("s,w,f", "亲家公", "son's father-in-law"), ("s,w,m", "亲家母", "son's mother-in-law"),
    ("d,h,f", "亲家公", "daughter's father-in-law"),
    ("d,h,m", "亲家母", "daughter's mother-in-law"),
    # step relations: a walk reaches a parent's spouse only when it is not a parent
    ("m,h", "继父", "stepfather"), ("f,w", "继母", "stepmother"),
    ("h,s", "继子", "stepson"), ("w,s", "继子", "stepson"),
    ("h,d", "继女", "stepdaughter"), ("w,d", "继女", "stepdaughter"),
)


def _expand(pattern: str) -> list[Path]:
    choices = [BROTHERS if t == "B" else SISTERS if t == "S" else ("s", "d") if t == "C" else (t,)
               for t in pattern.split(",")]
    return [tuple(p) for p in product(*choices)]


TERMS: dict[Path, tuple[str, str]] = {
    path: (zh, en) for pattern, zh, en in ROWS for path in _expand(pattern)
}
