"""Names: normalisation, placeholders, pinyin keys."""

from __future__ import annotations

import polars as pl
import pytest

from ingest.feeds.names import lookup, normalise


def test_traditional_to_simplified() -> None:
    name = normalise("陳偉")
    assert (name.text, name.key, name.initials) == ("陈伟", "chenwei", "cw")


def test_full_width_and_stray_spaces_are_removed() -> None:
    assert normalise("\u3000张\u3000伟 ").text == "张伟"
    assert normalise(" 张 伟").text == "张伟"


def test_full_width_latin_folds_and_spaces_between_latin_words_stay() -> None:
    assert normalise("ＪＯＨＮ  ＳＭＩＴＨ").text == "JOHN SMITH"


def test_homophones_share_a_key() -> None:
    assert normalise("张伟").key == normalise("张玮").key == "zhangwei"


@pytest.mark.parametrize("raw", ["王某某之子", "李某某之女", "之女", "婴儿", "男婴", "无名", "",
                                 None, "???", "  "])
def test_placeholders(raw: str | None) -> None:
    name = normalise(raw)
    assert name.placeholder is True
    assert name.key is None and name.initials is None


def test_unknown_character_marks_make_a_partial_name() -> None:
    for raw in ("李?明", "李？明", "李□明"):
        name = normalise(raw)
        assert (name.text, name.partial, name.placeholder) == ("李?明", True, False)
        assert name.key == "liming"


def test_pinyin_for_a_rare_character_is_partial_and_keys_alike() -> None:
    name = normalise("王xin")
    assert name.partial and name.key == normalise("王欣").key == "wangxin"


def test_interpunct_is_unified() -> None:
    assert normalise("买买提•艾力").text == normalise("买买提・艾力").text == "买买提·艾力"


def test_lookup_has_one_row_per_distinct_value() -> None:
    table = lookup(pl.Series(["陳偉", "陳偉", None, "婴儿"], dtype=pl.String))
    assert table.height == 2
    rows = {r["raw"]: r for r in table.iter_rows(named=True)}
    assert rows["陳偉"]["name"] == "陈伟" and rows["婴儿"]["placeholder"] is True


def test_lookup_keys_agree_with_normalise() -> None:
    values = ["陳偉", "王xin", "JOHN SMITH", "李?明", "婴儿", "买买提·艾力", "曾小贤", "?明",
              "歐陽娜娜", "王某某之子", "\u3000张\u3000伟 ", "ＷＡＮＧ", "·", "123", "男"]
    for row in lookup(pl.Series(values, dtype=pl.String)).iter_rows(named=True):
        name = normalise(row["raw"])
        assert (row["name"], row["key"], row["initials"], row["placeholder"],
                row["partial"]) == (name.text, name.key, name.initials, name.placeholder,
                                    name.partial)
