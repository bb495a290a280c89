"""Name ranking for person search (queries.persons.lookup; the API's find route uses it)."""

from __future__ import annotations

from queries.persons.lookup import PersonRecord, name_form, rank_by_name, similarity


def _p(pid: str, name: str | None) -> PersonRecord:
    return PersonRecord(pid, None, name, None, None, None, None)


def test_names_fold_traditional_script_and_separators() -> None:
    assert name_form("王 曉明") == "王晓明"
    assert name_form("阿依古丽·买买提") == "阿依古丽买买提"


def test_exact_first_then_by_similarity_and_strangers_left_out() -> None:
    found = rank_by_name("王小明", [_p("c", "赵大海"), _p("b", "王晓明"), _p("a", "王小明"),
                                     _p("d", None)], min_score=60)
    assert [m.person.pid for m in found] == ["a", "b"]
    assert found[0].exact and found[0].score == 100
    assert not found[1].exact and 60 <= found[1].score < 100


def test_a_homophone_scores_above_a_different_name() -> None:
    # 王晓明 / 王小明 sound alike (xiao); 王大明 does not.
    assert similarity("王小明", "王晓明") > similarity("王小明", "王大明")


def test_one_changed_character_of_three() -> None:
    # Indel ratio: 2 * 2 common / (3 + 3) = 66.7 by characters; pinyin differs too.
    assert 66 <= similarity("王小明", "王大明") <= 67
