"""Fusion in a child process, so that resolving a province never shares memory with
the rest of a load.

The parent writes the mentions and the officers' decisions to a work folder, frees
its own frames and runs ``python -m ingest.fusion.child_process FOLDER KEY_FILE`` (the
pid key is read from its own file, never copied); the child resolves and writes the
resolution back, and all the memory it used is returned to the system when it exits.
A million-person province (9.5 M mentions) fits on a 24 GiB machine this way.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import polars as pl

from ingest.fusion.blocking import BlockStats
from ingest.fusion.pieces import PieceLimits, Split
from ingest.fusion.resolution import LIMITS, Decisions, Resolution, resolve
from ingest.fusion.weights import LevelWeights
from kingraph import atomic
from kingraph.errors import KingraphError

# What the child writes; the parent removes them before it starts one.
OUTPUTS = ("assignments.parquet", "reviews.parquet", "resolution.json")


def write_inputs(folder: Path, mentions: pl.DataFrame, decisions: Decisions,
                 limits: PieceLimits = LIMITS) -> None:
    """Everything the child needs, as files (the pid key stays in its own)."""
    atomic.make_dirs(folder)
    for output in OUTPUTS:  # a killed earlier run's resolution is never read as this one's
        (folder / output).unlink(missing_ok=True)
    atomic.write_parquet(mentions, folder / "mentions.parquet")
    atomic.write_json(folder / "limits.json", asdict(limits))
    (folder / "previous.parquet").unlink(missing_ok=True)  # written by older versions
    atomic.write_json(folder / "decisions.json", asdict(decisions))


def _read_inputs(folder: Path) -> tuple[pl.DataFrame, Decisions, PieceLimits]:
    raw = json.loads((folder / "decisions.json").read_text())
    decisions = Decisions(tuple(map(tuple, raw["must_link"])),
                          tuple(map(tuple, raw["cannot_link"])))
    limits = folder / "limits.json"
    piece_limits = PieceLimits(**json.loads(limits.read_text())) if limits.exists() else LIMITS
    return pl.read_parquet(folder / "mentions.parquet"), decisions, piece_limits


def _write_outputs(folder: Path, result: Resolution) -> None:
    atomic.write_parquet(result.assignments, folder / "assignments.parquet")
    atomic.write_parquet(result.reviews, folder / "reviews.parquet")
    # Written last: its presence says the resolution is complete.
    atomic.write_json(folder / "resolution.json", {
        "weights": {k: asdict(v) for k, v in result.weights.items()},
        "blocks": [asdict(b) for b in result.blocks],
        "stats": result.stats,
        "splits": [asdict(s) for s in result.splits],
    })


def read_outputs(folder: Path) -> Resolution:
    """The child's resolution."""
    meta = json.loads((folder / "resolution.json").read_text())
    weights = {k: LevelWeights(v["comparison"], tuple(v["levels"]), tuple(v["m"]),
                               tuple(v["u"])) for k, v in meta["weights"].items()}
    return Resolution(pl.read_parquet(folder / "assignments.parquet"),
                      pl.read_parquet(folder / "reviews.parquet"), weights,
                      [BlockStats(**b) for b in meta["blocks"]], meta["stats"],
                      [Split(**s) for s in meta.get("splits", [])])


def run(folder: Path, key_file: Path) -> Resolution:
    """Resolve the inputs in ``folder`` in a child process and return its resolution;
    pids are hashed under the key in ``key_file``."""
    done = subprocess.run([sys.executable, "-m", "ingest.fusion.child_process", str(folder),
                           str(key_file)], capture_output=True, text=True, check=False)
    if done.returncode == -signal.SIGKILL:
        raise KingraphError(
            "fusion's worker process was killed (SIGKILL), most likely by the kernel's "
            "out-of-memory killer: it needs about as much memory again as the load "
            "itself (see the ingest figures in the README); free memory (a local "
            "Neo4j's page cache counts) and run the load again", reason="fusion_killed")
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise KingraphError(f"fusion failed in its worker process (exit {done.returncode}):"
                            f"\n{tail}", reason="fusion_failed")
    return read_outputs(folder)


def main(argv: list[str]) -> None:
    """The child: read the inputs, resolve, write the resolution."""
    folder, key = Path(argv[0]), Path(argv[1]).read_bytes()
    mentions, decisions, limits = _read_inputs(folder)
    _write_outputs(folder, resolve(mentions, decisions=decisions, pid_key=key,
                                   limits=limits, work=folder / "work"))


if __name__ == "__main__":
    main(sys.argv[1:])
