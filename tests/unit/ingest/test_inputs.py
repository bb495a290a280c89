"""The digest of a load's inputs (ingest.inputs): equal for the same rows in any order,
different as soon as one row, decision, ruling, model weight or limit differs."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingest import inputs
from ingest.derive.conflicts import Rulings
from ingest.fusion.resolution import Decisions
from ingest.store import Store

NONE, NO_RULINGS = Decisions(), Rulings()


def _rows(numbers: list[int], changed: int | None = None) -> pl.DataFrame:
    return pl.DataFrame({
        "feed": ["birth"] * len(numbers), "source": ["birth_platform"] * len(numbers),
        "record_id": [f"B{n}" for n in numbers],
        "content_hash": [f"h{n}" + ("'" if n == changed else "") for n in numbers]})


def _store(root: Path, *frames: pl.DataFrame) -> Store:
    store = Store(root)
    for frame in frames:
        store.upsert("birth", frame)
    return store


def _digest(store: Store, decisions: Decisions = NONE, rulings: Rulings = NO_RULINGS,
            model: tuple[pl.DataFrame, ...] = (), max_piece: int = 50_000) -> str:
    return inputs.of(store, decisions, rulings, model, max_piece).digest


def test_the_same_rows_stored_in_another_order_or_in_two_drops_give_one_digest(
        tmp_path: Path) -> None:
    one = _store(tmp_path / "one", _rows(list(range(100))))
    reverse = _store(tmp_path / "reverse", _rows(list(range(99, -1, -1))))
    halves = _store(tmp_path / "halves", _rows(list(range(50, 100))), _rows(list(range(50))))
    assert inputs.rows_digest(one) == inputs.rows_digest(reverse) == inputs.rows_digest(halves)
    assert _digest(one) == _digest(reverse) == _digest(halves)


def test_one_changed_row_one_row_more_or_a_new_feed_changes_the_rows_digest(
        tmp_path: Path) -> None:
    base = _store(tmp_path / "base", _rows(list(range(100))))
    changed = _store(tmp_path / "changed", _rows(list(range(100)), changed=37))
    more = _store(tmp_path / "more", _rows(list(range(101))))
    fed = _store(tmp_path / "fed", _rows(list(range(100))))
    fed.upsert("marriage", _rows([1]).with_columns(pl.lit("marriage").alias("feed")))
    digests = {inputs.rows_digest(s) for s in (base, changed, more, fed)}
    assert len(digests) == 4
    # A later version of a row replaces it: sent back as it was, the digest is back too.
    changed.upsert("birth", _rows([37]))
    assert inputs.rows_digest(changed) == inputs.rows_digest(base)


def test_decisions_rulings_the_model_and_the_piece_bound_each_change_the_digest(
        tmp_path: Path) -> None:
    store = _store(tmp_path / "s", _rows(list(range(10))))
    weights = pl.DataFrame({"comparison": ["name", "birth"], "m": [0.9, 0.8]})
    names = pl.DataFrame({"name": ["x"], "n": [3]})
    base = _digest(store, model=(weights, names))
    variants = [
        _digest(store, Decisions(must_link=(("a", "b"),)), model=(weights, names)),
        _digest(store, Decisions(cannot_link=(("a", "b"),)), model=(weights, names)),
        _digest(store, rulings=Rulings(dismissed=frozenset({"r|event"})),
                model=(weights, names)),
        _digest(store, rulings=Rulings(decided={"c1": "dismiss"}), model=(weights, names)),
        _digest(store, model=(weights.with_columns(pl.col("m") + 1e-12), names)),
        _digest(store, model=(weights, names.with_columns(pl.col("n") + 1))),
        _digest(store, model=()),
        _digest(store, model=(weights, names), max_piece=40_000),
    ]
    assert base == _digest(store, model=(weights, names))
    assert len({base, *variants}) == len(variants) + 1


def test_the_digest_is_recorded_with_the_applied_state_only(tmp_path: Path) -> None:
    store = _store(tmp_path / "s", _rows(list(range(10))))
    given = inputs.of(store, NONE, NO_RULINGS, (), 50_000)
    assert inputs.applied(store) is None
    store.save_state(inputs.NAME, given.frame())
    assert inputs.applied(store) is None  # saved, not applied yet
    store.mark_applied("L1")
    assert inputs.applied(store) == given.digest
    store.mark_applied("L2")  # a load that saves nothing keeps the applied digest
    assert inputs.applied(store) == given.digest


def test_the_code_digest_covers_every_module_that_computes_a_load() -> None:
    import ingest.derive.state
    import ingest.fusion.clusters

    digest = inputs.code_digest()
    assert len(digest) == 64 and digest == inputs.code_digest()
    root = Path(inputs.__file__).resolve().parent.parent
    covered = {p for package in inputs.PACKAGES for p in (root / package).rglob("*.py")}
    for module in (ingest.derive.state, ingest.fusion.clusters, inputs):
        assert Path(str(module.__file__)).resolve() in covered
