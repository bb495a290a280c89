"""``kingraph policy check | use | show`` as an operator runs them (the real script in a
subprocess): a malformed file is refused with its line and reason and exit status 1; a
good one is installed and is then the table shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from queries.eligibility import policy

PACKAGED = policy.packaged_bytes().decode("utf-8")


def _kingraph(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KINGRAPH_VAR_DIR": str(var), "COLUMNS": "200"}
    env.pop("KINGRAPH_POLICY_FILE", None)
    return subprocess.run([sys.executable, "-c", "from kingraph.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_a_malformed_table_is_refused_with_its_line(tmp_path: Path) -> None:
    text = PACKAGED.replace('{"test": "counted", "lt": 1}', '{"test": "countd", "lt": 1}')
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"countd"' in row)
    draft = tmp_path / "draft.json"
    draft.write_text(text, "utf-8")
    done = _kingraph(tmp_path / "var", "policy", "check", str(draft))
    assert done.returncode == 1
    assert f"draft.json, line {line}: rule HN2003-URBAN-ONE-CHILD: unknown condition test" \
        in " ".join(done.stderr.split())
    refused = _kingraph(tmp_path / "var", "policy", "use", str(draft))
    assert refused.returncode == 1 and not (tmp_path / "var" / "policy").exists()


def test_a_good_table_is_installed_and_shown(tmp_path: Path) -> None:
    draft = tmp_path / "operator.json"
    draft.write_text(PACKAGED.replace('"table_version": "2026-11-draft-1"',
                                      '"table_version": "operator-7"'), "utf-8")
    var = tmp_path / "var"
    assert "2026-11-draft-1" in _kingraph(var, "policy", "show").stdout
    checked = _kingraph(var, "policy", "check", str(draft))
    assert checked.returncode == 0 and "operator-7" in checked.stdout
    used = _kingraph(var, "policy", "use", str(draft))
    assert used.returncode == 0, used.stderr
    assert (var / "policy" / "birth_policy.json").read_bytes() == draft.read_bytes()
    shown = _kingraph(var, "policy", "show", "--json")
    assert '"table_version": "operator-7"' in shown.stdout
