"""Relatives by marriage both ways, and the standard terms of third-degree and collateral
relatives (堂/表/再从).

Every expected term is written from the standard kinship-term tables (亲属称谓表:
《现代汉语词典》 headwords, the 堂/表 rule of domain.md), never from the code's output.
Each walk is checked from a man's and a woman's point of view where the term does not
depend on the speaker's sex, and the reverse term is what the relative calls the speaker.
"""

from __future__ import annotations

from datetime import date

import pytest

from queries.kinship.kinterms import inverse, term

MAN, WOMAN = "1", "2"
BOTH = (MAN, WOMAN)


def born(year: int) -> date:
    return date(year, 6, 1)


# Terms that do not depend on the speaker's sex (speaker, then the walk's persons).
THIRD_DEGREE = [
    # grandparents' siblings: 伯/叔 against the grandfather, as 伯父/叔叔 against the father
    ("f,f,ob", "伯祖父"), ("f,f,yb", "叔祖父"), ("f,f,os", "祖姑母"), ("f,f,ys", "祖姑母"),
    ("f,m,ob", "舅祖父"), ("f,m,ys", "姨祖母"),
    ("m,f,ob", "外伯祖父"), ("m,f,yb", "外叔祖父"), ("m,f,os", "外祖姑母"),
    ("m,m,yb", "外舅祖父"), ("m,m,os", "外姨祖母"),
    ("f,f,ob,w", "伯祖母"), ("f,f,yb,w", "叔祖母"), ("f,f,ys,h", "祖姑父"),
    ("f,m,ob,w", "舅祖母"), ("f,m,os,h", "姨祖父"),
    # siblings' grandchildren: 侄孙 through a brother's son, 侄外孙 through his daughter;
    # a sister's grandchildren are 外甥孙 and 外甥孙女 either way
    ("ob,s,s", "侄孙"), ("yb,s,d", "侄孙女"), ("ob,d,s", "侄外孙"), ("yb,d,d", "侄外孙女"),
    ("os,s,s", "外甥孙"), ("ys,s,d", "外甥孙女"), ("os,d,s", "外甥孙"), ("os,d,d", "外甥孙女"),
    # reached through the parents (the sibling folded from parent + child)
    ("f,s,d,d", "侄外孙女"), ("m,d,d,d", "外甥孙女"),
]
BY_MARRIAGE = [
    # spouses of blood relatives
    ("f,ob,w", "伯母"), ("f,yb,w", "婶婶"), ("f,os,h", "姑父"), ("m,ob,w", "舅妈"),
    ("m,ys,h", "姨父"), ("ob,w", "嫂子"), ("yb,w", "弟媳"), ("os,h", "姐夫"), ("ys,h", "妹夫"),
    ("s,w", "儿媳"), ("d,h", "女婿"),
    ("ob,s,w", "侄媳"), ("yb,d,h", "侄女婿"), ("os,s,w", "外甥媳妇"), ("ys,d,h", "外甥女婿"),
    ("s,s,w", "孙媳"), ("s,d,h", "孙女婿"), ("d,s,w", "外孙媳"), ("d,d,h", "外孙女婿"),
]
COLLATERAL = [
    # a cousin's children: 侄 for a male cousin's, 外甥 for a female cousin's; 堂 or 表
    ("f,ob,s,s", "堂侄"), ("f,yb,s,d", "堂侄女"), ("f,ob,d,s", "堂外甥"),
    ("f,yb,d,d", "堂外甥女"), ("f,os,s,s", "表侄"), ("m,ob,s,d", "表侄女"),
    ("m,ys,d,s", "表外甥"), ("f,ys,d,d", "表外甥女"),
    # a mother's cousins are 舅 and 姨: 堂 through her father's brother, else 表
    ("m,f,ob,s", "堂舅"), ("m,f,yb,d", "堂姨"), ("m,m,ob,s", "表舅"), ("m,f,os,d", "表姨"),
    # a father's female cousins are 姑
    ("f,f,ob,d", "堂姑"), ("f,m,yb,d", "表姑"), ("f,f,ys,d", "表姑"),
]


@pytest.mark.parametrize("speaker", BOTH, ids=["man", "woman"])
@pytest.mark.parametrize(("steps", "zh"), THIRD_DEGREE + BY_MARRIAGE + COLLATERAL,
                         ids=[s for s, _ in THIRD_DEGREE + BY_MARRIAGE + COLLATERAL])
def test_standard_terms_from_both_points_of_view(steps: str, zh: str, speaker: str) -> None:
    found = term(steps, speaker)
    assert (found.zh, found.standard) == (zh, True)


# A wife names her husband's family; a husband his wife's.
WIFE_SPEAKS = [
    ("h,f", "公公"), ("h,m", "婆婆"), ("h,ob,s", "侄子"), ("h,yb,d", "侄女"),
    ("h,os,s", "外甥"), ("h,ys,d", "外甥女"), ("h,f,ob", "伯公"), ("h,f,yb", "叔公"),
    ("h,f,os", "姑婆"), ("h,m,yb", "舅公"), ("h,m,ys", "姨婆"),
]
HUSBAND_SPEAKS = [
    ("w,f", "岳父"), ("w,m", "岳母"), ("w,ob,s", "内侄"), ("w,yb,d", "内侄女"),
    ("w,os,s", "外甥"), ("w,ys,d", "外甥女"), ("w,f,ob", "伯岳父"), ("w,f,yb", "叔岳父"),
    ("w,f,ys", "姑岳母"), ("w,m,ob", "舅岳父"), ("w,m,os", "姨岳母"), ("w,f,f", "岳祖父"),
    ("w,f,m", "岳祖母"),
]


@pytest.mark.parametrize(("steps", "zh"), WIFE_SPEAKS)
def test_a_wife_names_her_husbands_relatives(steps: str, zh: str) -> None:
    assert term(steps, WOMAN).zh == zh


@pytest.mark.parametrize(("steps", "zh"), HUSBAND_SPEAKS)
def test_a_husband_names_his_wifes_relatives(steps: str, zh: str) -> None:
    assert term(steps, MAN).zh == zh


# Both ways: (speaker's sex, walk, the relative's sex, what the speaker says, what the
# relative says back).  The relative's sex matters only when the reverse walk starts
# with a child step or its term depends on who speaks.
BOTH_WAYS = [
    (MAN, "f,ob,w", "伯母", "侄子"), (WOMAN, "f,ob,w", "伯母", "侄女"),
    (MAN, "f,yb,w", "婶婶", "侄子"), (WOMAN, "f,yb,w", "婶婶", "侄女"),
    (MAN, "f,os,h", "姑父", "内侄"), (WOMAN, "f,ys,h", "姑父", "内侄女"),
    (MAN, "m,ob,w", "舅妈", "外甥"), (WOMAN, "m,yb,w", "舅妈", "外甥女"),
    (MAN, "m,os,h", "姨父", "外甥"), (WOMAN, "m,ys,h", "姨父", "外甥女"),
    (WOMAN, "h,f", "公公", "儿媳"), (WOMAN, "h,m", "婆婆", "儿媳"),
    (MAN, "w,f", "岳父", "女婿"), (MAN, "w,m", "岳母", "女婿"),
    (MAN, "s,w", "儿媳", "公公"), (WOMAN, "s,w", "儿媳", "婆婆"),
    (MAN, "d,h", "女婿", "岳父"), (WOMAN, "d,h", "女婿", "岳母"),
    (MAN, "ob,w", "嫂子", "小叔子"), (WOMAN, "ob,w", "嫂子", "小姑子"),
    (MAN, "yb,w", "弟媳", "大伯子"), (WOMAN, "yb,w", "弟媳", "大姑子"),
    (MAN, "os,h", "姐夫", "小舅子"), (WOMAN, "os,h", "姐夫", "小姨子"),
    (MAN, "ys,h", "妹夫", "大舅子"), (WOMAN, "ys,h", "妹夫", "大姨子"),
    (MAN, "yb,s,w", "侄媳", "伯公"), (MAN, "ob,s,w", "侄媳", "叔公"),
    (WOMAN, "yb,s,w", "侄媳", "姑婆"),
    (MAN, "os,d,h", "外甥女婿", "舅岳父"), (WOMAN, "ys,d,h", "外甥女婿", "姨岳母"),
    (MAN, "s,d,h", "孙女婿", "岳祖父"),
    (MAN, "f,f,ob", "伯祖父", "侄孙"), (WOMAN, "f,f,yb", "叔祖父", "侄孙女"),
    (MAN, "m,m,ob", "外舅祖父", "外甥孙"), (WOMAN, "f,m,os", "姨祖母", "外甥孙女"),
    (MAN, "m,f,ob", "外伯祖父", "侄外孙"), (WOMAN, "m,f,ys", "外祖姑母", "侄外孙女"),
]


@pytest.mark.parametrize(("speaker", "steps", "zh", "back_zh"), BOTH_WAYS,
                         ids=[f"{s}-{w}" for s, w, _, _ in BOTH_WAYS])
def test_terms_both_ways(speaker: str, steps: str, zh: str, back_zh: str) -> None:
    assert term(steps, speaker).zh == zh
    back = term(inverse(steps, speaker), None)
    assert (back.zh, back.standard) == (back_zh, True)


def test_first_cousins_spouses_by_the_cousins_age() -> None:
    # speaker 1990; father 1960, his brother 1955, the cousin 1985 (older), his wife 1992
    dates = [born(1990), born(1960), born(1955), born(1985), born(1992)]
    assert term("f,ob,s,w", MAN, birth_dates=dates).zh == "堂嫂"  # the cousin is older
    dates[3] = born(1995)
    assert term("f,ob,s,w", WOMAN, birth_dates=dates).zh == "堂弟媳"
    dates[3], dates[4] = born(1985), born(1983)
    assert term("m,ob,d,h", MAN, birth_dates=dates).zh == "表姐夫"
    dates[3] = born(1996)
    assert term("f,os,d,h", WOMAN, birth_dates=dates).zh == "表妹夫"
    dates[3] = born(1980)
    assert term("m,os,s,w", WOMAN, birth_dates=dates).zh == "表嫂"


def test_parents_cousins_are_ranked_against_the_parent() -> None:
    # speaker 1990, father 1960; the father's 堂兄弟 born 1957 is 堂伯, born 1963 堂叔,
    # whatever his age against the speaker
    dates = [born(1990), born(1960), born(1930), born(1928), born(1957)]
    assert term("f,f,ob,s", MAN, birth_dates=dates).zh == "堂伯"
    dates[-1] = born(1963)
    assert term("f,f,ob,s", WOMAN, birth_dates=dates).zh == "堂叔"
    dates = [born(1990), born(1960), born(1932), born(1934), born(1958)]
    assert term("f,m,yb,s", MAN, birth_dates=dates).zh == "表伯"  # father's 表哥
    dates[-1] = born(1966)
    assert term("f,m,yb,s", MAN, birth_dates=dates).zh == "表叔"


def test_second_cousins_再从_on_the_male_line_else_表() -> None:
    # the father's father's brother's son's children are 再从 (堂 of the second degree)
    assert term("f,f,ob,s,s", MAN, elder=True).zh == "再从兄"
    assert term("f,f,yb,s,d", WOMAN, elder=False).zh == "再从妹"
    assert term("f,f,yb,s,s", WOMAN).zh == "再从兄弟"
    # through any woman the line is 表
    assert term("f,f,ob,d,s", MAN, elder=True).zh == "表哥"
    assert term("m,f,ob,s,d", WOMAN, elder=False).zh == "表妹"
    assert term("f,m,os,s,s", MAN, elder=False).zh == "表弟"
    # the whole walk from the ancestors, folded by the term function
    dates = [born(1990), born(1960), born(1930), born(1900), born(1928), born(1955),
             born(1987)]
    assert term("f,f,f,s,s,s", MAN, birth_dates=dates).zh == "再从兄"


def test_standard_terms_replace_descriptions() -> None:
    # the examples: 堂侄女 rather than 父亲的侄孙女, 外甥孙女 rather than 姐姐的外孙女
    assert term("f,ob,s,d", MAN).zh == "堂侄女"
    assert term("f,f,s,s,d", WOMAN, birth_dates=[born(1990), born(1960), born(1930),
                                                 born(1958), born(1985), born(2010)]
                ).zh == "堂侄女"
    assert term("f,s,s,d", WOMAN).zh == "侄孙女"  # the father's son is a brother
    assert term("os,d,d", MAN).zh == "外甥孙女"


def test_no_term_is_described() -> None:
    # a spouse's grandparents on the husband's side and a cousin's spouse of unknown age
    assert (term("h,f,m", WOMAN).zh, term("h,f,m", WOMAN).standard) == ("丈夫的奶奶", False)
    assert term("f,ob,s,w", MAN).standard is False
