"""The operator's policy table: a malformed file is refused whole, with each problem's line
and reason; a good one is installed atomically and becomes the configured table.  Each
broken file is the packaged table with one edit; the expected line is found in the edited
text by hand (the line holding the edit), never taken from the checker."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kingraph.errors import PolicyFileError
from queries.eligibility import policy, policy_file
from queries.eligibility.evaluator import Outcome, decide
from tests.unit.queries.eligibility_cases import child, couple

PACKAGED = policy.packaged_bytes().decode("utf-8")


def _edit(old: str, new: str, text: str = PACKAGED) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _line_of(text: str, marker: str) -> int:
    (line,) = [n for n, row in enumerate(text.splitlines(), 1) if marker in row]
    return line


def _refused(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(PolicyFileError) as caught:
        policy_file.check(text.encode("utf-8"), "draft.json")
    assert str(caught.value).startswith("draft.json, line ")
    return caught.value.problems


def test_the_packaged_table_passes() -> None:
    table = policy_file.check(PACKAGED.encode("utf-8"))
    assert table.covers_until == date(2027, 12, 31) and len(table.digest) == 12


def test_broken_json_names_the_line_where_it_breaks() -> None:
    text = _edit('"covers_until": "2027-12-31",', '"covers_until": "2027-12-31"')
    ((line, reason),) = _refused(text)
    assert line == _line_of(text, '"covers_until_reading"') and "not valid JSON" in reason


def test_a_file_that_is_not_utf8_is_refused_with_its_line() -> None:
    data = PACKAGED.encode("utf-8").replace("三孩生育政策".encode(), "三孩生育政策".encode("gbk"))
    with pytest.raises(PolicyFileError) as caught:
        policy_file.check(data, "draft.json")
    ((line, reason),) = caught.value.problems
    assert line == _line_of(PACKAGED, "三孩生育政策") and "UTF-8" in reason


def test_versions_out_of_date_order() -> None:
    text = _edit('"effective_from": "2014-05-30"', '"effective_from": "2001-01-01"')
    ((line, reason),) = _refused(text)
    assert line == _line_of(text, '"effective_from": "2001-01-01"')
    assert "HN2014" in reason and "date order" in reason


def test_two_versions_beginning_the_same_day_overlap() -> None:
    text = _edit('"effective_from": "2016-03-31"', '"effective_from": "2016-01-01"')
    ((line, reason),) = _refused(text)
    cn2016, hn2016 = [n for n, row in enumerate(text.splitlines(), 1)
                      if '"effective_from": "2016-01-01"' in row]
    assert line == hn2016 > cn2016
    assert "HN2016" in reason and "overlap" in reason


def test_an_end_date_that_leaves_a_gap() -> None:
    text = _edit('"effective_from": "2014-05-30",',
                 '"effective_from": "2014-05-30",\n      "effective_to": "2015-12-30",')
    ((line, reason),) = _refused(text)
    assert line == _line_of(text, '"effective_to": "2015-12-30"') and "a gap" in reason


def test_an_unknown_condition_test() -> None:
    text = _edit('{"test": "counted", "lt": 1}', '{"test": "countd", "lt": 1}')
    ((line, reason),) = _refused(text)
    assert line == _line_of(text, '"countd"')
    assert "HN2003-URBAN-ONE-CHILD" in reason and "unknown condition test 'countd'" in reason


def test_a_test_given_a_parameter_it_does_not_take() -> None:
    text = _edit('{"test": "counted", "lt": 1}', '{"test": "counted", "who": "both"}')
    problems = _refused(text)
    line = _line_of(text, '{"test": "counted", "who": "both"}')
    assert {p[0] for p in problems} == {line}
    assert any("takes no 'who'" in r for _, r in problems)


def test_dropping_a_rule_the_parent_lacks() -> None:
    text = _edit('"drop": ["HN2003-BOTH-ONLY-CHILDREN"]', '"drop": ["HN2003-NO-SUCH-RULE"]')
    ((line, reason),) = _refused(text)
    assert line == _line_of(text, "HN2003-NO-SUCH-RULE") and "does not have" in reason


def test_inheriting_a_version_that_does_not_exist() -> None:
    text = _edit('"inherits": "HN2003"', '"inherits": "HN1999"')
    problems = _refused(text)
    assert (_line_of(text, '"inherits": "HN1999"'),
            "version HN2014 inherits HN1999, which is no earlier version of the table"
            ) in problems


def test_an_unknown_field_is_refused_where_it_is() -> None:
    text = _edit('"legal_reference": "Hainan Population and Family Planning Regulation (2003)",',
                 '"legal_refrence": "Hainan Population and Family Planning Regulation (2003)",')
    problems = _refused(text)
    line = _line_of(text, '"legal_refrence"')
    assert (line, "versions.1.legal_refrence: Extra inputs are not permitted") in problems


def test_a_version_without_its_chinese_legal_reference() -> None:
    marker = '"legal_reference_zh": "《海南省人口与计划生育条例》（2014年5月30日起施行的修正）",'
    text = _edit(marker + "\n", "")
    problems = _refused(text)
    # The problem is the version object's: reported at the line that opens it.
    opening = _line_of(text, '"id": "HN2014",') - 1
    assert (opening, "versions.2.legal_reference_zh: Field required") in problems


def test_an_unconfirmed_date_needs_its_review_window() -> None:
    start = PACKAGED.index('"review_window": {')
    end = PACKAGED.index("},", start) + 2
    text = PACKAGED[:start] + PACKAGED[end:]
    ((line, reason),) = _refused(text)
    assert line == _line_of(text, '"effective_from_confirmed": false')
    assert "HN2021" in reason and "review_window" in reason


def test_covers_until_before_the_last_version() -> None:
    text = _edit('"covers_until": "2027-12-31"', '"covers_until": "2020-12-31"')
    ((line, reason),) = _refused(text)
    assert line == _line_of(text, '"covers_until": "2020-12-31"') and "HN2021" in reason


def test_a_code_in_two_classes() -> None:
    text = _edit('"not_qualifying": ["01", "08", "11"]', '"not_qualifying": ["01", "08", "19"]')
    ((line, reason),) = _refused(text)
    assert line == _line_of(text, '"not_qualifying": ["01", "08", "19"]')
    assert "code 19" in reason


def test_every_problem_is_reported_at_once() -> None:
    text = _edit('{"test": "counted", "lt": 1}', '{"test": "countd", "lt": 1}')
    text = _edit('"covers_until": "2027-12-31"', '"covers_until": "2020-12-31"', text)
    assert len(_refused(text)) == 2


# --- installing and choosing --------------------------------------------------------------

def test_install_makes_the_file_the_configured_table(tmp_path: Path) -> None:
    draft = tmp_path / "draft.json"
    draft.write_text(_edit('"table_version": "2026-11-draft-1"',
                           '"table_version": "operator-2"'), "utf-8")
    var = tmp_path / "var"
    assert policy_file.configured(None, var).table_version == "2026-11-draft-1"
    installed = policy_file.install(draft, var)
    assert installed.table_version == "operator-2"
    chosen = policy_file.configured(None, var)
    assert (chosen.table_version, chosen.digest) == ("operator-2", installed.digest)
    assert (var / "policy" / "history" / f"{installed.digest}.json").read_bytes() == \
        draft.read_bytes()
    # The setting names a file: it wins over the installed one.
    assert policy_file.configured(policy_file.installed_path(var), var).digest == \
        installed.digest


def test_a_malformed_file_is_never_installed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(_edit('{"test": "counted", "lt": 1}', '{"test": "countd", "lt": 1}'),
                   "utf-8")
    with pytest.raises(PolicyFileError):
        policy_file.install(bad, tmp_path / "var")
    assert not (tmp_path / "var" / "policy").exists()


def test_decisions_record_the_table_version_and_digest() -> None:
    table = policy_file.check(PACKAGED.encode("utf-8"))
    decision = decide(couple(), date(2017, 6, 1), table)
    assert (decision.table_version, decision.table_digest) == (table.table_version,
                                                               table.digest)


# --- the unconfirmed date's window ---------------------------------------------------------

TWO = couple(child("2012-01-01"), child("2015-01-01"))


def test_a_third_child_is_referred_only_within_the_window_after_the_unconfirmed_date() -> None:
    # HN2021's date (2021-08-20) is unconfirmed; the packaged window is the year after it.
    assert decide(TWO, date(2021, 8, 19)).outcome is Outcome.INELIGIBLE  # HN2016: two
    assert decide(TWO, date(2021, 8, 20)).outcome is Outcome.NEEDS_REVIEW
    assert decide(TWO, date(2022, 8, 19)).outcome is Outcome.NEEDS_REVIEW
    later = decide(TWO, date(2023, 3, 1))
    assert (later.outcome, later.child_order, later.rule_id) == (
        Outcome.ELIGIBLE, 3, "HN2021-THREE-CHILDREN")


def test_a_window_before_the_date_refers_earlier_applications() -> None:
    raw = json.loads(PACKAGED)
    raw["versions"][-1]["review_window"] = {"days_before": 30, "days_after": 0}
    table = policy_file.check(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    assert decide(TWO, date(2021, 7, 20), table).outcome is Outcome.INELIGIBLE  # 31 days
    early = decide(TWO, date(2021, 7, 21), table)
    assert early.outcome is Outcome.NEEDS_REVIEW and early.policy_version == "HN2016"
    assert decide(TWO, date(2021, 8, 20), table).outcome is Outcome.ELIGIBLE


def test_an_application_beyond_the_table_is_referred() -> None:
    decision = decide(couple(), date(2028, 1, 5))
    assert decision.outcome is Outcome.NEEDS_REVIEW
    assert any("2027-12-31" in r.zh for r in decision.reasons)
