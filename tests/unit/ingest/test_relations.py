"""Marriage episodes from marriage rows: the law's events in order."""

from __future__ import annotations

from datetime import date

import polars as pl

from ingest.derive.relations import _episodes


def _events(*rows: tuple[str, date]) -> list[tuple[str, str, str, date, str]]:
    """One couple's rows (husband h, wife w) as ``_episodes`` reads them."""
    return [("h", "w", event, day, f"marriage|civil_affairs|{i}")
            for i, (event, day) in enumerate(rows)]


def test_remarriage_of_the_same_couple_is_a_second_episode() -> None:
    episodes = _episodes(_events(("marriage", date(2001, 5, 1)),
                                 ("divorce", date(2008, 3, 1)),
                                 ("remarriage", date(2012, 9, 9))), {})
    assert [(e["seq"], e["married_on"], e["ended_on"], e["end_reason"]) for e in episodes] == [
        (1, date(2001, 5, 1), date(2008, 3, 1), "divorce"),
        (2, date(2012, 9, 9), None, None),
    ]


def test_two_reports_of_one_wedding_are_one_episode() -> None:
    episodes = _episodes(_events(("marriage", date(2010, 1, 1)),
                                 ("marriage", date(2010, 1, 20))), {})
    assert len(episodes) == 1 and len(episodes[0]["records"]) == 2


def test_divorce_without_a_recorded_wedding_is_still_a_marriage() -> None:
    episodes = _episodes(_events(("divorce", date(2011, 6, 6))), {})
    assert [(e["married_on"], e["ended_on"]) for e in episodes] == [(None, date(2011, 6, 6))]


def test_death_ends_an_open_marriage() -> None:
    episodes = _episodes(_events(("marriage", date(1990, 1, 1))),
                         {"w": date(2015, 2, 2)})
    assert (episodes[0]["ended_on"], episodes[0]["end_reason"]) == (date(2015, 2, 2), "death")


def test_a_dwelling_shows_its_latest_row_s_address_whatever_the_row_order() -> None:
    from ingest.derive.relations import episodes

    rows = pl.DataFrame({
        "feed": ["cohabitation"] * 2, "source": ["public_security"] * 2,
        "record_id": ["c1", "c2"], "dwelling_id": ["D1", "D1"],
        "division_code": ["460106", "460106"], "address": ["一号楼", "一号楼二单元"],
        "from_date": [date(2001, 1, 1), date(2012, 3, 4)], "to_date": [None, None]},
        schema_overrides={"to_date": pl.Date})
    pids = pl.DataFrame({"mention_id": ["cohabitation|public_security|c1|person",
                                        "cohabitation|public_security|c2|person"],
                         "pid": ["P1", "P2"]})
    for frame in (rows, rows.reverse()):
        found = episodes(frame, pids, "cohabitation")
        addresses = found["target_props"].struct.field("address").to_list()
        assert addresses == ["一号楼二单元", "一号楼二单元"]
