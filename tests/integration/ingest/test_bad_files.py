"""Bad files loaded row by row: real ``kingraph ingest`` processes, their exit statuses
and counts, and the graph they leave against the graph of the same good rows.

The known answer is built from the files, not from the loader: a damaged drop (columns
renamed and reordered, an extra column, junk appended, an empty file, a headerless
file, a stray quote, a 1 MiB name) must give exactly the graph of the clean drop with
the refused file and the damaged rows left out (a left-out row becomes a blank line,
so every other row keeps its line number).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import polars as pl
import pytest

from graphdb.connection import read
from graphdb.fingerprint import fingerprint
from kingraph.cli.common import EXIT_ERROR, EXIT_REFUSED
from synth.generator import generate
from tests.integration.ingest.conftest import Scratch
from tests.integration.ingest.test_writers import kingraph, one_line

PERSONS = 400
SEED = 41
HUGE_NAME = "张" * 2**20  # 3 MiB of UTF-8, one field


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n")


@pytest.fixture(scope="module")
def clean(scratch: Scratch) -> Path:
    """A drop with no bad row at all (the generator's ``clean`` noise)."""
    drop = scratch.root / "bad-files-clean"
    generate(PERSONS, SEED, drop, noise="clean")
    return drop


def _expected(clean: Path, root: Path, stray_line: int) -> Path:
    """The clean drop without what the damaged drop must lose."""
    drop = root / "expected"
    shutil.copytree(clean, drop, ignore=shutil.ignore_patterns("truth"))
    (drop / "bloodline.csv").unlink()
    (drop / "certificate.csv").unlink()
    lines = (drop / "pregnancy.csv").read_text(encoding="utf-8").split("\n")
    lines[stray_line - 1] = ""
    (drop / "pregnancy.csv").write_text("\n".join(lines), encoding="utf-8")
    return drop


def _damaged(clean: Path, root: Path, stray_line: int) -> Path:
    drop = root / "damaged"
    shutil.copytree(clean, drop, ignore=shutil.ignore_patterns("truth"))
    # household: every column reversed, names in capitals with spaces around.
    rows = _rows(drop / "household.csv")
    _write(drop / "household.csv",
           [[f" {n.upper()} " for n in reversed(rows[0])]] + [r[::-1] for r in rows[1:]])
    # employment: a column the contract does not know.
    rows = _rows(drop / "employment.csv")
    _write(drop / "employment.csv", [rows[0] + ["remark"]] + [r + ["备注"] for r in rows[1:]])
    # cohabitation: junk appended (control bytes, bytes that are not UTF-8, a short row).
    with (drop / "cohabitation.csv").open("ab") as f:
        f.write(b"\x00\x01\x02\x03 PK\n" + b"\xff\xfe\xfd\xfc\n" + b"not,a,row\n")
    # marriage: one more row whose husband's name is 1 MiB characters long.
    rows = _rows(drop / "marriage.csv")
    extra = dict(zip(rows[0], rows[1], strict=True)) | {"record_id": "m-huge",
                                                       "husband_name": HUGE_NAME}
    _write(drop / "marriage.csv", [*rows, [extra[n] for n in rows[0]]])
    # certificate: nothing at all; bloodline: no header row (refused).
    (drop / "certificate.csv").write_bytes(b"")
    text = (drop / "bloodline.csv").read_text(encoding="utf-8")
    (drop / "bloodline.csv").write_text(text.split("\n", 1)[1], encoding="utf-8")
    # pregnancy: a quote opened in one row and never closed.
    lines = (drop / "pregnancy.csv").read_text(encoding="utf-8").split("\n")
    first, rest = lines[stray_line - 1].split(",", 1)
    lines[stray_line - 1] = f'{first},"{rest}'
    (drop / "pregnancy.csv").write_text("\n".join(lines), encoding="utf-8")
    return drop


def test_a_clean_drop_exits_0_and_reports_no_refusal(scratch: Scratch, clean: Path) -> None:
    assert kingraph("db", "reset", "--yes").returncode == 0
    done = kingraph("ingest", str(clean))
    assert done.returncode == 0, done.stderr
    assert "refused" not in done.stderr


def test_bad_files_load_every_readable_row_and_exit_3_with_counts(
        scratch: Scratch, clean: Path, tmp_path: Path) -> None:
    stray = 3  # the second data row of pregnancy.csv
    cohabitation_lines = _line_count(clean / "cohabitation.csv")
    marriage_lines = _line_count(clean / "marriage.csv")
    assert kingraph("db", "reset", "--yes").returncode == 0
    done = kingraph("ingest", str(_expected(clean, tmp_path, stray)))
    assert done.returncode == 0, done.stderr
    expected = fingerprint(scratch.driver, scratch.database)

    assert kingraph("db", "reset", "--yes").returncode == 0
    damaged = _damaged(clean, tmp_path, stray)
    files = len(list(damaged.glob("*.csv")))  # every feed file of the drop, one refused
    done = kingraph("ingest", str(damaged))
    assert done.returncode == EXIT_REFUSED, done.stderr
    assert "Traceback" not in done.stderr
    assert "张张" not in done.stdout + done.stderr and len(done.stdout) < 20_000
    told = one_line(done.stderr)
    assert (f"refused: 1 of {files} file(s) refused, 5 row(s) quarantined (undecodable 1, "
            "binary_content 1, field_count 1, bad_quoting 1, too_long 1)") in told
    out = one_line(done.stdout)
    assert "bloodline.csv line 1: no header row" in out
    assert "employment.csv: 1 column(s) not in the contract ignored, at positions [10]" in out
    assert "certificate.csv: empty file: no header and no rows" in out
    assert fingerprint(scratch.driver, scratch.database) == expected

    exported = tmp_path / "mentions.parquet"
    assert kingraph("mentions", "export", str(exported)).returncode == 0
    table = pl.read_parquet(exported)
    held = table.filter(pl.col("quarantine_reason").is_not_null())
    assert sorted(held.select("file", "line", "quarantine_reason").rows()) == sorted([
        ("cohabitation.csv", cohabitation_lines + 1, "binary_content"),
        ("cohabitation.csv", cohabitation_lines + 2, "undecodable"),
        ("cohabitation.csv", cohabitation_lines + 3, "field_count"),
        ("marriage.csv", marriage_lines + 1, "too_long"),
        ("pregnancy.csv", stray, "bad_quoting"),
    ])
    # Every mention carries the file and line of its row: household rows by record_id.
    rows = _rows(clean / "household.csv")
    line_of = {r[0]: n for n, r in enumerate(rows[1:], 2)}
    household = table.filter(pl.col("feed") == "household")
    assert household.height == len(line_of)
    assert {(r, f, n) for r, f, n in household.select("record_id", "file", "line").rows()} \
        == {(r, "household.csv", n) for r, n in line_of.items()}
    assert table.filter(pl.col("pid").is_not_null())["line"].null_count() == 0


def test_a_drop_whose_every_file_is_refused_writes_nothing_and_exits_1(
        scratch: Scratch, clean: Path, tmp_path: Path) -> None:
    assert kingraph("db", "reset", "--yes").returncode == 0
    drop = tmp_path / "headerless"
    drop.mkdir()
    for name in ("household.csv", "marriage.csv"):
        text = (clean / name).read_text(encoding="utf-8")
        (drop / name).write_text(text.split("\n", 1)[1], encoding="utf-8")
    done = kingraph("ingest", str(drop))
    assert done.returncode == EXIT_ERROR
    told = one_line(done.stderr)
    assert "nothing to load: 2 of 2 feed files refused" in told
    assert "household.csv line 1: no header row" in told and "nothing was written" in told
    assert read(scratch.driver, scratch.database, "n",
                "MATCH (n) WHERE n:Load OR n:Person RETURN count(n) AS n")[0]["n"] == 0
