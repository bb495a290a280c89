"""How a failed fusion worker is reported."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ingest.fusion import child_process as fusion_job
from kingraph.errors import KingraphError


def _ended(code: int, stderr: str = "") -> Any:
    def fake_spawn(args: list[str], *_: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, code, "", stderr)
    return fake_spawn


def test_a_worker_killed_by_the_kernel_is_named_as_out_of_memory(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fusion_job, "_spawn", _ended(-signal.SIGKILL))
    with pytest.raises(KingraphError, match="out-of-memory killer"):
        fusion_job.run(tmp_path, tmp_path / "pid.key")


def test_another_failure_keeps_the_worker_s_last_lines(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fusion_job, "_spawn",
                        _ended(1, "Traceback\nValueError: bad weights"))
    with pytest.raises(KingraphError, match=r"exit 1\):\nTraceback\nValueError: bad weights"):
        fusion_job.run(tmp_path, tmp_path / "pid.key")
