"""The birth-policy table: eras, boundaries, inheritance, code classes, frozen types."""

from __future__ import annotations

import json
import re
from dataclasses import FrozenInstanceError
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest

from kingraph.errors import ConfigError
from queries.eligibility import policy, policy_file
from queries.eligibility.conditions import VOCABULARY

BOUNDARIES = {
    "HN2003": date(2003, 10, 22), "HN2014": date(2014, 5, 30), "CN2016": date(2016, 1, 1),
    "HN2016": date(2016, 3, 31), "HN2021": date(2021, 8, 20),
}


@pytest.mark.parametrize("version_id", BOUNDARIES)
def test_each_era_starts_on_its_day_inclusive(version_id: str) -> None:
    day = BOUNDARIES[version_id]
    assert policy.in_force(day).id == version_id
    assert policy.in_force(day - timedelta(days=1)).id != version_id


def test_before_2003_there_is_no_rule_text() -> None:
    version = policy.in_force(date(2003, 10, 21))
    assert version.review_only and not version.rules


def test_hainan_2021_date_is_flagged_unconfirmed_and_the_others_are_not() -> None:
    unconfirmed = [v.id for v in policy.load().versions if not v.effective_from_confirmed]
    assert unconfirmed == ["HN2021"]


def test_2014_replaces_both_only_children_by_one_or_both() -> None:
    hn2014 = policy.load().version("HN2014")
    ids = {r.id for r in hn2014.rules}
    assert "HN2003-BOTH-ONLY-CHILDREN" not in ids
    assert {"HN2014-ONE-OR-BOTH-ONLY-CHILDREN", "HN2003-DISABLED-FIRST-CHILD"} <= ids


def test_inherited_rules_before_hainans_2016_amendment_only_refer_for_review() -> None:
    cn2016 = policy.load().version("CN2016")
    for rule in cn2016.rules:
        expected = (policy.Effect.GRANT if rule.id == "CN2016-TWO-CHILDREN"
                    else policy.Effect.REVIEW)
        assert rule.effect is expected, rule.id


def test_registration_covers_first_and_second_child_from_2016_only() -> None:
    table = policy.load()
    assert table.version("HN2014").registration_max_order == 0
    assert table.version("CN2016").registration_max_order == 2
    assert table.version("HN2016").registration_max_order == 2


def test_deceased_children_plan_anew_from_2016_and_are_unclear_before() -> None:
    table = policy.load()
    for version_id, mode in (("HN2003", "review"), ("HN2014", "review"),
                             ("CN2016", "exclude"), ("HN2016", "exclude"),
                             ("HN2021", "exclude")):
        counting = table.version(version_id).counting
        assert counting is not None and counting.deceased == mode


def test_every_rule_has_texts_a_reference_and_known_tests() -> None:
    for version in policy.load().versions:
        ids = [r.id for r in version.rules]
        assert len(ids) == len(set(ids)), version.id
        for rule in version.rules:
            assert rule.text.zh and rule.text.en and rule.legal_reference, rule.id
            assert all(c.test in VOCABULARY for c in rule.when), rule.id


def test_no_legal_reference_invents_an_article_number() -> None:
    table = policy.load()
    refs = [table.glory.legal_reference] + [v.legal_reference for v in table.versions]
    refs += [r.legal_reference for v in table.versions for r in v.rules]
    article = re.compile(r"\barticle\s*\d|\bart\.\s*\d|第[一二三四五六七八九十百零\d]+条", re.I)
    assert refs and not [ref for ref in refs if article.search(ref)]


@pytest.mark.parametrize(("code", "expected"), [
    ("19", "yes"), ("06", "yes"), ("08", "no"), ("11", "no"), ("01", "no"),
    ("03", "review"), ("05", "review"), ("97", "review"), (None, None)])
def test_minority_classes(code: str | None, expected: str | None) -> None:
    assert policy.load().minorities.classify(code) == expected


def test_all_55_minorities_are_classified() -> None:
    minorities = policy.load().minorities
    codes = [f"{n:02d}" for n in range(2, 57)]
    assert all(minorities.classify(c) in ("yes", "no", "review") for c in codes)
    assert sum(minorities.classify(c) == "yes" for c in codes) == 55 - 4


@pytest.mark.parametrize(("hukou", "expected"), [
    ("agricultural", "rural"), ("non_agricultural", "urban"), ("resident", "unclear")])
def test_hukou_classes(hukou: str, expected: str) -> None:
    assert policy.load().hukou.classify(hukou) == expected


def test_types_are_frozen() -> None:
    version = policy.load().version("HN2003")
    with pytest.raises(FrozenInstanceError):
        version.id = "X"  # type: ignore[misc]


def test_an_operator_table_with_a_bad_inheritance_is_rejected(tmp_path: Path) -> None:
    text = (resources.files("queries.eligibility") / "data" / "birth_policy.json").read_text(
        "utf-8")
    raw = json.loads(text)
    raw["versions"][2]["drop"] = ["NO-SUCH-RULE"]
    path = tmp_path / "table.json"
    path.write_text(json.dumps(raw), "utf-8")
    with pytest.raises(ConfigError, match="NO-SUCH-RULE"):
        policy_file.read(path)


def test_an_operator_table_out_of_date_order_is_rejected(tmp_path: Path) -> None:
    text = (resources.files("queries.eligibility") / "data" / "birth_policy.json").read_text(
        "utf-8")
    raw = json.loads(text)
    raw["versions"][5]["effective_from"] = "2010-01-01"
    path = tmp_path / "table.json"
    path.write_text(json.dumps(raw), "utf-8")
    with pytest.raises(ConfigError, match="date order"):
        policy_file.read(path)


def test_glory_issuing_ends_with_2015() -> None:
    assert policy.load().glory.issue_until == date(2015, 12, 31)
