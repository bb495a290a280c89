"""``kingraph keys create|list|revoke`` against a private state directory."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from api import keys, state


def _kingraph(state_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KINGRAPH_API_STATE_DIR": str(state_dir), "COLUMNS": "200"}
    return subprocess.run([str(Path(sys.executable).parent / "kingraph"), *args],
                          env=env, capture_output=True, text=True, timeout=60, check=False)


def test_create_list_revoke(tmp_path: Path) -> None:
    made = _kingraph(tmp_path, "keys", "create", "--role", "researcher", "--name", "lab-1")
    assert made.returncode == 0, made.stderr
    raw = made.stdout.strip().splitlines()[-1]
    with closing(state.connect(tmp_path / "service.db")) as conn:
        key = keys.verify(conn, raw)
    assert key is not None and key.role is keys.Role.RESEARCHER and key.name == "lab-1"

    listed = _kingraph(tmp_path, "keys", "list").stdout
    assert key.key_id in listed and "researcher" in listed and raw not in listed

    assert _kingraph(tmp_path, "keys", "revoke", key.key_id).returncode == 0
    with closing(state.connect(tmp_path / "service.db")) as conn:
        assert keys.verify(conn, raw) is None


def test_an_unknown_role_creates_nothing(tmp_path: Path) -> None:
    out = _kingraph(tmp_path, "keys", "create", "--role", "boss", "--name", "x")
    assert "role must be one of" in out.stderr
    with closing(state.connect(tmp_path / "service.db")) as conn:
        assert keys.listing(conn) == []
