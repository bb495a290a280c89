"""Chinese kinship terms; every expectation is written from the rules in domain.md."""

from __future__ import annotations

from datetime import date

import pytest

from kingraph.errors import InvalidArgument
from queries.kinship.kinterms import canonical, inverse, term

MAN, WOMAN = "1", "2"
BOTH = (MAN, WOMAN)

# Terms that do not depend on the speaker's sex: checked from both points of view.
BLOOD = [
    ("f", "父亲"), ("m", "母亲"), ("s", "儿子"), ("d", "女儿"),
    ("f,f", "爷爷"), ("f,m", "奶奶"), ("m,f", "外公"), ("m,m", "外婆"),
    ("f,f,f", "曾祖父"), ("f,f,m", "曾祖母"), ("m,f,f", "外曾祖父"), ("m,f,m", "外曾祖母"),
    ("ob", "哥哥"), ("yb", "弟弟"), ("os", "姐姐"), ("ys", "妹妹"),
    ("lb", "弟弟"), ("ls", "妹妹"),  # the domain's alternative spelling of younger
    ("s,s", "孙子"), ("s,d", "孙女"), ("d,s", "外孙"), ("d,d", "外孙女"),
    ("s,s,s", "曾孙"), ("s,s,d", "曾孙女"),
    ("ob,s", "侄子"), ("yb,d", "侄女"), ("os,s", "外甥"), ("ys,d", "外甥女"),
    ("f,s,s", "侄子"), ("m,d,d", "外甥女"),  # sibling reached through a parent
    ("f,ob", "伯父"), ("f,yb", "叔叔"), ("f,os", "姑姑"), ("f,ys", "姑姑"),
    ("m,ob", "舅舅"), ("m,yb", "舅舅"), ("m,os", "姨妈"), ("m,ys", "姨妈"),
    ("f,ob,w", "伯母"), ("f,yb,w", "婶婶"), ("f,os,h", "姑父"), ("m,yb,w", "舅妈"),
    ("m,os,h", "姨父"),
    ("s,w", "儿媳"), ("d,h", "女婿"),
    ("ob,w", "嫂子"), ("yb,w", "弟媳"), ("os,h", "姐夫"), ("ys,h", "妹夫"),
    ("m,h", "继父"), ("f,w", "继母"),
]


@pytest.mark.parametrize("speaker", BOTH, ids=["man", "woman"])
@pytest.mark.parametrize(("steps", "zh"), BLOOD, ids=[s for s, _ in BLOOD])
def test_terms_from_both_points_of_view(steps: str, zh: str, speaker: str) -> None:
    found = term(steps, speaker)
    assert found.zh == zh
    assert found.standard


# Only a father's brother's children are 堂; every other first cousin is 表;
# 哥/弟/姐/妹 by the cousin's age relative to the speaker.
COUSINS = [
    ("f,ob,s", True, "堂哥"), ("f,yb,s", False, "堂弟"), ("f,ob,d", True, "堂姐"),
    ("f,yb,d", False, "堂妹"), ("f,os,s", True, "表哥"), ("f,ys,d", False, "表妹"),
    ("m,ob,d", False, "表妹"), ("m,ys,s", False, "表弟"), ("m,os,d", True, "表姐"),
    ("m,yb,s", True, "表哥"), ("f,f,s,s", True, "堂哥"), ("m,f,s,d", False, "表妹"),
    ("f,m,d,s", True, "表哥"),  # father's sister (through grandmother): 表
]


@pytest.mark.parametrize("speaker", BOTH, ids=["man", "woman"])
@pytest.mark.parametrize(("steps", "elder", "zh"), COUSINS, ids=[c[0] for c in COUSINS])
def test_cousins(steps: str, elder: bool, zh: str, speaker: str) -> None:
    assert term(steps, speaker, elder=elder).zh == zh


def test_cousin_of_unknown_age_is_named_without_rank() -> None:
    assert term("f,ob,s", MAN).zh == "堂兄弟"
    assert term("m,xs,d", WOMAN).zh == "表姐妹"


HUSBAND_SIDE = [("h", "丈夫"), ("h,f", "公公"), ("h,m", "婆婆"), ("h,ob", "大伯子"),
                ("h,yb", "小叔子"), ("h,os", "大姑子"), ("h,ys", "小姑子"), ("h,xb,w", "妯娌"),
                ("h,d", "继女"), ("h,s", "继子")]
WIFE_SIDE = [("w", "妻子"), ("w,f", "岳父"), ("w,m", "岳母"), ("w,ob", "大舅子"),
             ("w,yb", "小舅子"), ("w,os", "大姨子"), ("w,ys", "小姨子"), ("w,xs,h", "连襟"),
             ("w,s", "继子"), ("w,d", "继女")]


@pytest.mark.parametrize(("steps", "zh"), HUSBAND_SIDE)
def test_a_wife_names_her_husbands_family(steps: str, zh: str) -> None:
    assert term(steps, WOMAN).zh == zh


@pytest.mark.parametrize(("steps", "zh"), WIFE_SIDE)
def test_a_husband_names_his_wifes_family(steps: str, zh: str) -> None:
    assert term(steps, MAN).zh == zh


def born(year: int) -> date:
    return date(year, 6, 1)


def test_birth_dates_settle_elder_and_younger() -> None:
    # speaker 1990, father 1960, grandfather 1930, uncle, cousin
    assert term("f,f,s", MAN, birth_dates=[born(1990), born(1960), born(1930), born(1957)]
                ).zh == "伯父"  # uncle born before the father
    assert term("f,f,s", MAN, birth_dates=[born(1990), born(1960), born(1930), born(1963)]
                ).zh == "叔叔"
    dates = [born(1990), born(1960), born(1930), born(1963), born(1988)]
    assert term("f,f,s,s", WOMAN, birth_dates=dates).zh == "堂哥"  # cousin older than her
    dates[-1] = born(1995)
    assert term("f,f,s,d", WOMAN, birth_dates=dates).zh == "堂妹"
    assert term("m,s", MAN, birth_dates=[born(1990), born(1965), born(1992)]).zh == "弟弟"
    assert term("xs", WOMAN, birth_dates=[born(1990), born(1980)]).zh == "姐姐"


def test_elder_flag_speaks_of_the_relative_only() -> None:
    assert term("xb", MAN, elder=True).zh == "哥哥"
    # the sister-in-law being older says nothing about the brother's age
    assert term("xb,w", WOMAN, elder=True).zh == "兄弟的妻子"


def test_uncle_of_unknown_relative_age_is_described() -> None:
    found = term("f,f,s", MAN)
    assert found.zh == "父亲的兄弟" and not found.standard


def test_half_sibling() -> None:
    assert term("f,s", MAN, elder=True, half=True).zh == "同父异母的哥哥"
    assert term("m,d", WOMAN, elder=False, half=True).zh == "同母异父的妹妹"


def test_fallback_describes_the_path() -> None:
    # father's mother's younger brother's son, age against the father unknown: 表伯 or
    # 表叔 cannot be chosen, so the father's 表兄弟
    found = term("f,m,yb,s", MAN)
    assert (found.zh, found.standard) == ("父亲的表兄弟", False)
    assert term("f,f,f,s", WOMAN).zh == "爷爷的兄弟"
    # the husband's grandfather has no term of his own in the tables
    assert (term("h,f,f", WOMAN).zh, term("h,f,f", WOMAN).standard) == ("丈夫的爷爷", False)


def test_far_paths_are_distant_relatives() -> None:
    far = "f,f,f,f,f,f,f,s,s,s,s,s,s,s"
    assert term(far, MAN).zh == "远亲"
    assert term(far + ",w", MAN).zh == "姻亲"


def test_self() -> None:
    assert term("", MAN).zh == "自己"


def test_canonical_folds_parent_then_child() -> None:
    assert canonical("f,s") == ("xb",)
    assert canonical("f,f,s,d") == ("f", "xb", "d")
    assert canonical("m,s,s") == ("xb", "s")
    assert canonical(["s", "m"]) == ("s", "m")  # down then up is not a sibling
    assert canonical("f,ob,s") == ("f", "ob", "s")


@pytest.mark.parametrize(("steps", "speaker", "back"), [
    ("f", MAN, ("s",)), ("f", WOMAN, ("d",)),
    ("f,ob", WOMAN, ("yb", "d")),  # the uncle's younger brother is her father
    ("w,f", MAN, ("d", "h")), ("h,m", WOMAN, ("s", "w")),
    ("os,s", MAN, ("m", "yb")),
])
def test_inverse(steps: str, speaker: str, back: tuple[str, ...]) -> None:
    assert inverse(steps, speaker) == back


@pytest.mark.parametrize(("steps", "speaker", "zh", "back_zh"), [
    ("f,f", MAN, "爷爷", "孙子"), ("f,f", WOMAN, "爷爷", "孙女"),
    ("m,m", WOMAN, "外婆", "外孙女"), ("f,ob", MAN, "伯父", "侄子"),
    ("m,xs", WOMAN, "姨妈", "外甥女"), ("h,f", WOMAN, "公公", "儿媳"),
    ("w,m", MAN, "岳母", "女婿"),
])
def test_terms_in_both_directions(steps: str, speaker: str, zh: str, back_zh: str) -> None:
    assert term(steps, speaker).zh == zh
    assert term(inverse(steps, speaker), None).zh == back_zh


def test_bad_input() -> None:
    with pytest.raises(InvalidArgument):
        term("f,q", MAN)
    with pytest.raises(InvalidArgument):
        term("f", MAN, birth_dates=[born(1990)])
    with pytest.raises(InvalidArgument):
        term("f", "male")
    with pytest.raises(InvalidArgument):
        inverse("s", None)
