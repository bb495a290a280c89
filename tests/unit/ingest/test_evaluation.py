"""Scoring fusion against truth: a pid's truth person is its mentions' majority."""

from __future__ import annotations

import polars as pl

from ingest.fusion.evaluation import pid_to_truth


def _mentions(rows: list[tuple[str, str]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    # (pid, truth person) per mention; every mention its own record.
    keys = {"feed": ["birth"] * len(rows), "source": ["s"] * len(rows),
            "record_id": [str(i) for i in range(len(rows))], "role": ["child"] * len(rows)}
    return (pl.DataFrame({**keys, "pid": [p for p, _ in rows]}),
            pl.DataFrame({**keys, "person_key": [t for _, t in rows]}))


def test_a_pid_goes_to_the_truth_person_most_of_its_mentions_belong_to() -> None:
    mentions, truth = _mentions([("P1", "T9"), ("P1", "T9"), ("P1", "T2"), ("P2", "T2")])
    assert dict(pid_to_truth(mentions, truth).iter_rows()) == {"P1": "T9", "P2": "T2"}


def test_a_tie_goes_to_the_smaller_person_key_whatever_the_order_of_the_mentions() -> None:
    # Two mentions of T5 and two of T3 in one pid: T3, in every order of the rows.
    rows = [("P1", "T5"), ("P1", "T3"), ("P1", "T5"), ("P1", "T3")]
    for shift in range(4):
        mentions, truth = _mentions(rows[shift:] + rows[:shift])
        assert dict(pid_to_truth(mentions, truth).iter_rows()) == {"P1": "T3"}
