"""Fusion in a child process, so that resolving a province never shares memory with
the rest of a load.

The parent writes the mentions and the officers' decisions to a work folder, frees
its own frames and runs ``python -m ingest.fusion.child_process FOLDER KEY_FILE`` (the
pid key is read from its own file, never copied); the child resolves and writes the
resolution back, and all the memory it used is returned to the system when it exits.
A million-person province (9.5 M mentions) fits on a 24 GiB machine this way.

The child is also the driver of the Spark engine (:class:`~ingest.fusion.executors.
Engine`, ``engine.json``).  It tells its progress (the resolver's steps, Spark's stages)
as lines on its standard output, ``PROGRESS`` and one JSON object each, which
:func:`run` hands to its ``event`` callback as they come; its standard error (Spark's
log among it) goes to ``worker.log`` in the folder, whose last lines a failure quotes.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import polars as pl

from ingest.feeds.mentions import MENTION_SCHEMA
from ingest.fusion.blocking import BlockStats
from ingest.fusion.executors import LOCAL, Engine, Event, Executor, LocalExecutor
from ingest.fusion.memo import Memo
from ingest.fusion.pieces import PieceLimits, Split
from ingest.fusion.resolution import (
    CODED,
    LIMITS,
    RESOLVER_COLUMNS,
    Decisions,
    Resolution,
    resolve,
)
from ingest.fusion.weights import Model
from kingraph import atomic
from kingraph.errors import KingraphError

# What the child writes; the parent removes them before it starts one.
OUTPUTS = ("assignments.parquet", "reviews.parquet", "model_weights.parquet",
           "model_names.parquet", "resolution.json")
# The stored model the child scores with (absent: it trains one on the mentions).
MODEL = ("model.parquet", "model_names_in.parquet")
PROGRESS = "kingraph-progress "  # a progress line of the child: this, then JSON
LOG = "worker.log"  # the child's standard error
# The clustering answers of the last run, by piece (ingest.fusion.memo): kept between
# loads (never removed with the outputs), read by the next run, replaced at its end.
MEMO = ("memo_answers.parquet", "memo_refused.parquet", "memo_vetoed.parquet",
        "memo.json")


def write_inputs(folder: Path, mentions: pl.DataFrame | None, decisions: Decisions,
                 limits: PieceLimits = LIMITS, engine: Engine = LOCAL,
                 model: Model | None = None) -> None:
    """Everything the child needs, as files (the pid key stays in its own); ``mentions``
    None when :func:`write_mentions` has written them."""
    atomic.make_dirs(folder)
    for output in (*OUTPUTS, *MODEL):  # a killed earlier run's files are never read as this one's
        (folder / output).unlink(missing_ok=True)
    if model is not None:
        atomic.write_parquet(model.names, folder / MODEL[1])
        atomic.write_parquet(model.weights_frame(), folder / MODEL[0])
    if mentions is not None:
        atomic.write_parquet(mentions, folder / "mentions.parquet")
    atomic.write_json(folder / "limits.json", asdict(limits))
    atomic.write_json(folder / "engine.json", asdict(engine))
    (folder / "previous.parquet").unlink(missing_ok=True)  # written by older versions
    atomic.write_json(folder / "decisions.json", asdict(decisions))


def write_mentions(folder: Path, parts: Iterable[pl.DataFrame]) -> int:
    """Write the mentions to resolve, one part in memory at a time; returns how many.

    Each part (a chunk of a feed's rows' mentions: ``ingest.pipeline.mention_parts``) is
    sorted by mention id and spilled to a file of its own; the file of all mentions is
    then streamed from them in the order of their first ids, so it is in mention id order
    (what the worker and derive expect) without the province's mentions ever being in
    memory at once (4.7 GiB at 1 M persons). Parts whose ids interleave are sorted.
    """
    atomic.make_dirs(folder)
    spill = folder / "mention-parts"
    shutil.rmtree(spill, ignore_errors=True)
    spill.mkdir()
    try:
        files: list[tuple[str, str, Path]] = []
        total = 0
        for i, part in enumerate(parts):
            if part.height == 0:
                continue
            part = part if part["mention_id"].is_sorted() else part.sort("mention_id")
            path = spill / f"{i}.parquet"
            part.write_parquet(path)
            files.append((str(part["mention_id"][0]), str(part["mention_id"][-1]), path))
            total += part.height
            del part
        files.sort()
        apart = all(files[i][1] < files[i + 1][0] for i in range(len(files) - 1))
        with atomic.replace(folder / "mentions.parquet") as temporary:
            if not files:
                pl.DataFrame(schema=MENTION_SCHEMA).select(RESOLVER_COLUMNS).write_parquet(
                    temporary)
            else:
                joined = pl.concat([pl.scan_parquet(path) for _, _, path in files])
                (joined if apart else joined.sort("mention_id")).sink_parquet(temporary)
        return total
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def read_model(folder: Path) -> Model | None:
    weights, names = folder / MODEL[0], folder / MODEL[1]
    if not weights.exists() or not names.exists():
        return None
    return Model.from_frames(pl.read_parquet(weights), pl.read_parquet(names))


def read_memo(folder: Path) -> Memo | None:
    """The memo the last run left, or None (none yet, or one half written)."""
    paths = [folder / name for name in MEMO]
    if not all(p.exists() for p in paths):
        return None
    version = json.loads(paths[3].read_text()).get("version", "")
    return Memo(str(version), *(pl.read_parquet(p) for p in paths[:3]))


def _write_memo(folder: Path, memo: Memo | None) -> None:
    if memo is None:
        return
    (folder / MEMO[3]).unlink(missing_ok=True)  # absent while the frames are replaced
    for frame, name in zip((memo.answers, memo.refused, memo.vetoed), MEMO[:3], strict=True):
        atomic.write_parquet(frame, folder / name)
    atomic.write_json(folder / MEMO[3], {"version": memo.version})


def read_mentions(folder: Path) -> pl.DataFrame:
    """The mentions to resolve (hand them to ``resolve`` without keeping them), the
    columns of few values (``resolution.CODED``) made categoricals as they are read: at
    1 M persons the frame takes 3.6 GiB instead of 4.7 and is read in 5.0 s, not 6.5."""
    scan = pl.scan_parquet(folder / "mentions.parquet")
    held = scan.collect_schema()
    return scan.select(RESOLVER_COLUMNS).with_columns(
        pl.col(c).cast(pl.Categorical) for c in CODED if c in held).collect()


def read_inputs(folder: Path) -> tuple[Decisions, PieceLimits, Engine]:
    """The officers' decisions, the piece limits and the engine of the inputs."""
    raw = json.loads((folder / "decisions.json").read_text())
    decisions = Decisions(tuple(map(tuple, raw["must_link"])),
                          tuple(map(tuple, raw["cannot_link"])))
    limits = folder / "limits.json"
    piece_limits = PieceLimits(**json.loads(limits.read_text())) if limits.exists() else LIMITS
    engine = folder / "engine.json"
    executor = Engine(**json.loads(engine.read_text())) if engine.exists() else LOCAL
    return decisions, piece_limits, executor


def _write_outputs(folder: Path, result: Resolution) -> None:
    atomic.write_parquet(result.assignments, folder / "assignments.parquet")
    atomic.write_parquet(result.reviews, folder / "reviews.parquet")
    atomic.write_parquet(result.model.weights_frame(), folder / "model_weights.parquet")
    atomic.write_parquet(result.model.names, folder / "model_names.parquet")
    # Written last: its presence says the resolution is complete.
    atomic.write_json(folder / "resolution.json", {
        "blocks": [asdict(b) for b in result.blocks],
        "stats": result.stats,
        "splits": [asdict(s) for s in result.splits],
    })


def read_outputs(folder: Path) -> Resolution:
    """The child's resolution."""
    meta = json.loads((folder / "resolution.json").read_text())
    model = Model.from_frames(pl.read_parquet(folder / "model_weights.parquet"),
                              pl.read_parquet(folder / "model_names.parquet"))
    if model is None:
        raise KingraphError(f"fusion's worker wrote a model that does not fit this version "
                            f"({folder / 'model_weights.parquet'})", reason="fusion_failed")
    return Resolution(pl.read_parquet(folder / "assignments.parquet"),
                      pl.read_parquet(folder / "reviews.parquet"), model,
                      [BlockStats(**b) for b in meta["blocks"]], meta["stats"],
                      [Split(**s) for s in meta.get("splits", [])])


def run(folder: Path, key_file: Path, event: Event | None = None) -> Resolution:
    """Resolve the inputs in ``folder`` in a child process and return its resolution;
    pids are hashed under the key in ``key_file``; the child's progress events are
    handed to ``event`` as they come."""
    done = _spawn([sys.executable, "-m", "ingest.fusion.child_process", str(folder),
                   str(key_file)], folder / LOG, _progress_lines(event))
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


@contextmanager
def open_executor(engine: Engine, work: Path, event: Event | None = None
                  ) -> Iterator[Executor]:
    """The executor ``engine`` names, started (a Spark session for ``spark``, with its
    stages reported to ``event``) and stopped at the end; ``work`` holds its files."""
    if engine.name == "local":
        yield LocalExecutor()
        return
    from ingest.fusion.spark import spark_executor  # only the Spark engine needs pyspark

    with spark_executor(engine, work, event) as executor:
        yield executor


def _spawn(args: list[str], log: Path, line: Callable[[str], None]
           ) -> subprocess.CompletedProcess[str]:
    """Run ``args``, each line of its standard output to ``line`` as it comes, its
    standard error to ``log``; the last lines of the log come back as ``stderr``."""
    with log.open("w") as errors, subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=errors, text=True) as child:
        assert child.stdout is not None
        for text in child.stdout:
            line(text)
    tail = log.read_text(errors="replace").splitlines()[-40:]
    return subprocess.CompletedProcess(args, child.returncode, "", "\n".join(tail))


def _progress_lines(event: Event | None) -> Callable[[str], None]:
    """The child's progress lines to ``event``; any other line of its output ignored."""
    def line(text: str) -> None:
        if event is not None and text.startswith(PROGRESS):
            event(json.loads(text[len(PROGRESS):]))
    return line


def _emit(event: dict[str, Any]) -> None:
    """A progress line to the parent (the child's standard output)."""
    print(PROGRESS + json.dumps(event), flush=True)  # noqa: T201


def main(argv: list[str]) -> None:
    """The child: read the inputs, resolve on the engine they name, write the resolution."""
    folder, key = Path(argv[0]), Path(argv[1]).read_bytes()
    decisions, limits, engine = read_inputs(folder)
    work = folder / "work"
    if engine.name == "spark":
        _emit({"step": f"starting Spark ({engine.spark_master})"})
    with open_executor(engine, work, _emit) as executor:
        result = resolve(read_mentions(folder), decisions=decisions, pid_key=key, limits=limits,
                         work=work, executor=executor, model=read_model(folder),
                         memo=read_memo(folder), progress=lambda step: _emit({"step": step}))
    _write_outputs(folder, result)
    _write_memo(folder, result.memo)


if __name__ == "__main__":
    main(sys.argv[1:])
