"""The correction drop of ``bench.correction_drop``: rows sent again by their department
with a person's name or ID number set to the true one, nothing else changed."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bench.correction_drop import make
from ingest.feeds.catalogue import FEEDS
from ingest.feeds.read import discover, read_feed
from synth.generator import generate


def _rows(folder: Path) -> dict[str, pl.DataFrame]:
    return {f.feed: read_feed(f).frame.drop("line") for f in discover(folder)}


def test_each_row_is_a_base_row_with_only_names_and_numbers_set_to_the_truth(
        tmp_path: Path) -> None:
    base, fix = tmp_path / "base", tmp_path / "fix"
    generate(800, 5, base)
    made = make(base, fix, 0.02, 1)
    old, new = _rows(base), _rows(fix)
    links = pl.read_parquet(base / "truth" / "record_links.parquet")
    persons = pl.read_parquet(base / "truth" / "persons.parquet")
    truth = {(f, s, r, role): k for f, s, r, role, k in links.iter_rows()}
    true_name = dict(zip(persons["person_key"], persons["name"], strict=True))
    true_id = dict(zip(persons["person_key"], persons["id_number"], strict=True))
    changed = 0
    assert set(new) == set(old)
    for feed, rows in new.items():
        assert rows.height <= max(1, round(0.02 * old[feed].height))
        before = {(r["source"], r["record_id"]): r for r in old[feed].iter_rows(named=True)}
        allowed = {c for role in FEEDS[feed].roles for c in (role.person_name, role.id_number)}
        for row in rows.iter_rows(named=True):
            was = before[(row["source"], row["record_id"])]  # the same row, sent again
            diff = {c for c in row if row[c] != was[c]}
            assert diff, "a correction changes the row"
            assert diff <= allowed
            for role in FEEDS[feed].roles:
                key = truth.get((feed, row["source"], row["record_id"], role.name))
                if key is None:  # a role the row does not state (no father)
                    assert not {role.person_name, role.id_number} & diff
                    continue
                if role.person_name in diff:
                    assert row[role.person_name] == true_name[key]
                    changed += 1
                if role.id_number in diff:
                    assert row[role.id_number] == true_id[key]
                    assert was[role.id_number]  # a number the department never had stays empty
                    changed += 1
    assert changed == made.names_fixed + made.ids_fixed > 0
    assert sum(made.rows.values()) == sum(r.height for r in new.values())
