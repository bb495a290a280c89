"""Progress as lines in a log, tables at their full width, and drop stamps."""

from __future__ import annotations

import io
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kingraph.cli import drops
from kingraph.cli.progress import LineProgress, stages


def test_lines_at_start_end_and_a_steady_interval_between() -> None:
    lines: list[str] = []
    with LineProgress(lines.append, every=0.05) as progress:
        advance = progress.stage("read + clean", 4)
        advance(1)
        time.sleep(0.18)  # three intervals at least: three status lines
        advance(3)
        progress.stage("fusion", None)
        time.sleep(0.12)
    assert lines[0].endswith("read + clean: started (0/4)")
    ticks = [x for x in lines if "read + clean: 1/4 (25 %)" in x]
    assert len(ticks) >= 2, lines
    assert any("read + clean: done, 4/4 in" in x for x in lines)
    assert any("fusion: 0 so far" in x for x in lines)
    assert lines[-1].split("] ")[1].startswith("finished in")
    assert all(x.startswith("[") for x in lines)


def test_a_one_step_stage_is_running_until_it_ends() -> None:
    lines: list[str] = []
    with LineProgress(lines.append, every=0.05) as progress:
        done = progress.stage("fusion", 1)
        time.sleep(0.12)
        assert "fusion: running" in progress.status()
        done(1)
        assert progress.status() == "working (after fusion)"
    assert any("fusion: done, 1/1 in" in x for x in lines)
    assert not any("(0 %)" in x for x in lines)


def test_a_log_gets_lines_and_a_terminal_gets_bars() -> None:
    log = io.StringIO()
    console = Console(file=log, force_terminal=False, width=240)
    with stages(console, every=0.05) as stage:
        stage("write persons", 2)(2)
    text = log.getvalue()
    assert "write persons: started (0/2)" in text and "write persons: done, 2/2" in text
    assert "━" not in text  # no bar characters in a log


def test_tables_in_a_log_are_not_cut_at_80_columns(tmp_path: Path) -> None:
    from kingraph.cli.common import LOG_WIDTH

    log = io.StringIO()
    console = Console(file=log, force_terminal=False, width=LOG_WIDTH)
    table = Table(*(f"column number {i}" for i in range(8)))
    table.add_row(*(f"value {i}" for i in range(8)))
    console.print(table)
    assert "column number 7" in log.getvalue() and "…" not in log.getvalue()


def test_the_drop_stamp_changes_with_any_feed_file_and_only_with_them(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    (drop / "truth").mkdir(parents=True)
    (drop / "household.csv").write_text("record_id\nH1\n", "utf-8")
    (drop / "birth.csv").write_text("record_id\nB1\n", "utf-8")
    first = drops.stamp(drop)
    assert drops.stamp(drop) == first
    (drop / "truth" / "persons.parquet").write_bytes(b"not read by ingest")
    assert drops.stamp(drop) == first
    (drop / "birth.csv").write_text("record_id\nB2\n", "utf-8")
    assert drops.stamp(drop).digest != first.digest
    (drop / "birth.csv").write_text("record_id\nB1\n", "utf-8")
    (drop / "birth.csv").rename(drop / "birth_extra.csv")
    assert drops.stamp(drop).digest != first.digest  # the name counts too
