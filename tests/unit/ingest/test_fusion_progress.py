"""The fusion worker's progress: lines on its output, read as they come, shown as the
load's stages (the resolver's steps, Spark's stages and failed tasks)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ingest.fusion import child_process
from ingest.fusion.executors import LOCAL, Engine
from ingest.pipeline import FusionProgress
from kingraph.cli.progress import LineProgress
from kingraph.settings import Settings


def test_progress_lines_reach_the_parent_as_they_come_and_other_output_is_ignored(
        tmp_path: Path) -> None:
    # A real child process: two progress lines with other output between them, and a
    # line on standard error that goes to the log.
    script = (
        "import json, sys, time\n"
        f"P = {child_process.PROGRESS!r}\n"
        "print(P + json.dumps({'step': 'one'}), flush=True)\n"
        "print('not progress', flush=True)\n"
        "print('a line of the log', file=sys.stderr, flush=True)\n"
        "time.sleep(0.5)\n"
        "print(P + json.dumps({'step': 'two'}), flush=True)\n"
    )
    seen: list[tuple[float, dict[str, Any]]] = []
    start = time.monotonic()
    done = child_process._spawn([sys.executable, "-c", script], tmp_path / "worker.log",
                                child_process._progress_lines(
                                    lambda e: seen.append((time.monotonic() - start, e))))
    assert done.returncode == 0
    assert [e for _, e in seen] == [{"step": "one"}, {"step": "two"}]
    assert seen[1][0] - seen[0][0] >= 0.4  # the first arrived before the child slept
    assert done.stderr == "a line of the log"


def test_steps_and_spark_stages_become_stages_of_the_load() -> None:
    lines: list[str] = []
    with LineProgress(lines.append, every=3600, clock=lambda: 0.0) as progress:
        show = FusionProgress(progress.stage)
        show({"step": "candidate pairs"})
        base = {"spark_stage": 4, "job": 3, "step": "candidate pairs", "tasks": 8}
        show({**base, "done": 3, "failed": 0, "active": True})
        show({**base, "done": 5, "failed": 1, "active": True})
        show({**base, "done": 8, "failed": 1, "active": False})
        show({"step": "pieces"})
        show.close()
    text = [line.split("] ", 1)[1] for line in lines]
    assert text == [
        "fusion: candidate pairs: started (0/1)",
        "spark candidate pairs: stage 4 (job 3): started (0/8)",
        "spark candidate pairs: stage 4: 1 task(s) failed, run again: started (0/1)",
        "spark candidate pairs: stage 4: 1 task(s) failed, run again: done, 1/1 in 0.0 s",
        "spark candidate pairs: stage 4 (job 3): done, 8/8 in 0.0 s",
        "fusion: candidate pairs: done, 1/1 in 0.0 s",
        "fusion: pieces: started (0/1)",
        "fusion: pieces: done, 1/1 in 0.0 s",
        "finished in 0.0 s",
    ]


def test_the_engine_comes_from_the_settings_and_the_options(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINGRAPH_FUSION_ENGINE", "spark")
    monkeypatch.setenv("KINGRAPH_SPARK_MASTER", "spark://head:7077")
    settings = Settings()
    assert Engine.of(settings) == Engine("spark", spark_master="spark://head:7077")
    assert Engine.of(settings, "local") == Engine("local", spark_master="spark://head:7077")
    assert Engine.of(settings, None, "local[4]").spark_master == "local[4]"
    with pytest.raises(ValueError, match="unknown fusion engine"):
        Engine.of(settings, "flink")
    assert LOCAL.name == "local"
