"""Entities from anchored mentions: numbered on stable keys (numbers, then mentions)."""

from __future__ import annotations

from datetime import date

import polars as pl

from ingest.fusion.entities import ENTITY_COLUMNS, build_entities

# Two made-up numbers, in text order: "110…" sorts before "460…".
LOW, HIGH = "110101199001010011", "460100198505050022"


def _mentions(rows: list[tuple[int, str | None, str]]) -> pl.DataFrame:
    """``mention_id, anchor, name`` rows; every other entity column filled alike."""
    return pl.DataFrame({
        "mention_id": [r[0] for r in rows],
        "anchor": [r[1] for r in rows],
        "id_claimed": [None] * len(rows),
        "id_raw": [None] * len(rows),
        "id_birth_date": [date(1990, 1, 1) if r[1] else None for r in rows],
        "id_sex": ["1" if r[1] else None for r in rows],
        "name": [r[2] for r in rows],
        "name_key": [r[2].lower() for r in rows],
        "name_initials": [r[2][0] for r in rows],
        "name_placeholder": [False] * len(rows),
        "birth_date": [None] * len(rows),
        "sex": ["1"] * len(rows),
        "county": ["460105"] * len(rows),
        "prefecture": ["4601"] * len(rows),
    }, schema_overrides={"mention_id": pl.UInt32, "id_claimed": pl.String,
                         "id_raw": pl.String, "birth_date": pl.Date}).select(ENTITY_COLUMNS)


def test_numbers_first_in_text_order_then_loose_mentions_in_mention_order() -> None:
    m = _mentions([(0, None, "Wang"), (1, HIGH, "Li"), (2, LOW, "Chen"), (3, HIGH, "Li"),
                   (4, None, "Zhao"), (5, LOW, "Chen")])
    entities, of = build_entities(m)
    # LOW and HIGH are entities 0 and 1; the loose mentions 0 and 4 follow as 2 and 3.
    assert entities["anchor"].to_list() == [LOW, HIGH, None, None]
    assert entities["entity"].to_list() == [0, 1, 2, 3]
    assert entities["name"].to_list() == ["Chen", "Li", "Wang", "Zhao"]
    assert entities["mention_count"].to_list() == [2, 2, 1, 1]
    assert dict(of.iter_rows()) == {0: 2, 1: 1, 2: 0, 3: 1, 4: 3, 5: 0}


def test_the_numbering_does_not_depend_on_the_input_order() -> None:
    rows = [(0, None, "Wang"), (1, HIGH, "Li"), (2, LOW, "Chen"), (3, None, "Zhao")]
    ordered = build_entities(_mentions(rows))
    shuffled = build_entities(_mentions(rows[::-1]))
    assert ordered[0].equals(shuffled[0])
    assert ordered[1].sort("mention_id").equals(shuffled[1].sort("mention_id"))
