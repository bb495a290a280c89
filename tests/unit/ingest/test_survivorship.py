"""Golden attributes: the value most of a person's mentions state wins."""

from __future__ import annotations

from datetime import date

import polars as pl

from ingest.derive.survivorship import golden
from tests.factories import mention, mentions_frame


def test_the_majority_sex_and_birth_date_win_over_a_smaller_minority_value() -> None:
    # Three rows say a woman born 1969-11-12; one row (a typo) says a man born a year
    # earlier.  The majority must win, whatever order the values sort in.
    rows = [mention("household", f"H{i}", sex="2", birth_date=date(1969, 11, 12))
            for i in range(3)]
    rows.append(mention("household", "H9", sex="1", birth_date=date(1968, 11, 12)))
    mentions = mentions_frame(rows)
    assignments = pl.DataFrame({"mention_id": mentions["mention_id"], "pid": ["P1"] * 4,
                                "anchored": [False] * 4})
    person = golden(mentions, assignments, None).unnest("props").row(0, named=True)
    assert person["sex"] == "2"
    assert person["birth_date"] == date(1969, 11, 12)
    assert person["mentions"] == 4
