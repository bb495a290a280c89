"""Kill loads at random points and check that every re-run converges (issue 14).

    .venv/bin/python -m bench.kill_loop --persons 40000 --kills 20 [--per-chain 4]

EMPTIES the graph that the settings point at (its local server, e.g.
``KINGRAPH_NEO4J_INSTANCE=bench``), generates the drop if missing
(``var/drops/kill-<N>-<seed>``), and then:

1. the reference: ``kingraph db reset``, then ``kingraph ingest`` of the drop run to its
   end (a first load into an empty database: the bulk path), its exit status, its
   duration and the fingerprint of the graph it leaves (:mod:`graphdb.fingerprint`:
   persons with their pids, properties and mentions, edges by their ends);
2. chains of kills: ``db reset``, then ``kingraph ingest`` started and killed (SIGKILL
   to its whole process group, as a closed terminal would) ``--per-chain`` times in a
   row, each kill of one kind in turn: at a random instant of the reference's
   duration; just after the bulk import restarted Neo4j; while the load saves its
   state (a new ``state-*`` folder in the store); or Neo4j itself killed at a random
   instant (then started by hand, as an operator would). A load that ends before
   its kill counts no kill. Then the load is run to its end, and the graph's
   fingerprint must equal the reference's.

Each kill is recorded with the stage the load had printed last (stage names and
counts only, never a row), whether the server survived, and each chain with its
final exit status, duration and the kinds of node or edge that differ. Results are
appended to ``bench/results/kill_loop.md`` with the machine.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from graphdb.connection import bolt_answers, forget_bookmarks, open_driver
from graphdb.fingerprint import Fingerprint, fingerprint
from graphdb.server import LocalServer
from ingest.store import Store
from kingraph.settings import Settings
from synth.generator import generate

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results" / "kill_loop.md"
KINGRAPH = [str(Path(sys.executable).with_name("kingraph"))]
KINDS = ("bulk_restart", "random", "state_save", "neo4j", "random")
RESET_ENV = {"KINGRAPH_RESET_OFFLINE_MIN_MIB": "0"}  # a restart is faster than a wipe
STAGE_LINE = re.compile(r"^\[\s*[\d.]+ s\] (?P<stage>[^:]+): (?P<what>started|done)")
NEO4J_KILL_GRACE = 180.0  # seconds a load may take to fail once Neo4j is gone


@dataclass
class Kill:
    """One kill and what it hit."""

    chain: int
    kind: str
    at_s: float
    stage: str
    server_survived: bool | None  # None: Neo4j was the target, or stopped for the import
    started_by_hand: bool


@dataclass
class Chain:
    """Kills in a row, then a load run to its end."""

    number: int
    kills: list[Kill] = field(default_factory=list)
    final_status: int | None = None
    final_s: float = 0.0
    differing: list[str] = field(default_factory=list)

    @property
    def converged(self) -> bool:
        """The final graph has the reference's fingerprint."""
        return self.final_status is not None and not self.differing


class Load:
    """``kingraph ingest`` in a process group of its own, its stage lines followed."""

    def __init__(self, drop: Path) -> None:
        self.started = time.monotonic()
        # The CLI's errors name files, lines and reasons, never a row's values.
        self.errors = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen([*KINGRAPH, "ingest", str(drop)], cwd=ROOT, text=True,
                                     stdout=subprocess.PIPE, stderr=self.errors,
                                     start_new_session=True)
        self.stage = "starting"
        self._reader = threading.Thread(target=self._follow, daemon=True)
        self._reader.start()

    def _follow(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            found = STAGE_LINE.match(line.strip())
            if found:
                self.stage = f"{found['stage']} ({found['what']})"
            elif line.startswith("peak memory") or line.strip().startswith("load "):
                self.stage = "report"

    @property
    def elapsed(self) -> float:
        """Seconds since the load started."""
        return time.monotonic() - self.started

    def running(self) -> bool:
        """The load has not ended."""
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the load and everything in its process group."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.wait()

    def last_error(self) -> str:
        """The last line the load wrote to its standard error ('' when none)."""
        self.errors.seek(0)
        lines = [line.strip() for line in self.errors.read().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def wait(self, timeout: float | None = None) -> int:
        """Its exit status, once it ended."""
        status = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return status


def kingraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI to its end."""
    return subprocess.run([*KINGRAPH, *args], cwd=ROOT, capture_output=True, text=True,
                          check=False, env=os.environ | (env or {}))


def _until(condition: object, load: Load, deadline: float) -> bool:
    """Poll ``condition`` until it holds (True) or the load ends or time runs out."""
    assert callable(condition)
    while load.running() and load.elapsed < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


def _new_state(store_root: Path, before: set[str]) -> bool:
    return any(p.name not in before for p in store_root.glob("state-*"))


def kill_once(kind: str, drop: Path, settings: Settings, reference_s: float,
              rng: random.Random, chain: int, latest: float) -> Kill | None:
    """Start a load and kill it as ``kind`` says; None when it ended first."""
    server = LocalServer(settings)
    store_root = Store.for_graph(settings.var_dir, settings.bolt_uri,
                                 settings.neo4j_database).root
    before_pid = server.pid()
    states = {p.name for p in store_root.glob("state-*")}
    at = rng.uniform(0.02, latest) * reference_s
    load = Load(drop)
    limit = reference_s * 4 + 300
    if kind == "bulk_restart":
        hit = _until(lambda: server.pid() not in (None, before_pid) and _answers(settings),
                     load, limit)
    elif kind == "state_save":
        hit = _until(lambda: _new_state(store_root, states), load, limit)
    else:
        hit = _until(lambda: load.elapsed >= at, load, limit)
    if not hit:
        status = load.wait()
        why = f": {load.last_error()}" if status not in (0, 3) else ""
        print(f"chain {chain}: the load ended (exit {status}{why}) before its {kind} kill",
              flush=True)
        return None
    at_s, stage, running = load.elapsed, load.stage, server.pid()
    if kind == "neo4j" and running is not None:
        os.kill(running, signal.SIGKILL)
        try:
            load.wait(timeout=NEO4J_KILL_GRACE)
        except subprocess.TimeoutExpired:
            load.kill()
    else:
        if kind == "neo4j":
            kind = "random"  # Neo4j was stopped for the bulk import: kill the load
        load.kill()
    time.sleep(1)
    # None: not asked (Neo4j was the target, or stopped for the import when killed).
    survived = None if kind == "neo4j" or running is None else server.pid() == running
    by_hand = ready(settings)
    return Kill(chain, kind, round(at_s, 1), stage, survived, by_hand)


def _answers(settings: Settings) -> bool:
    return bolt_answers(settings.bolt_uri, settings.neo4j_user, LocalServer(settings).password())


def ready(settings: Settings, timeout: float = 600) -> bool:
    """Wait until Neo4j answers (a server still starting is waited for; one that is not
    running is started, as an operator would); True when it had to be started."""
    server = LocalServer(settings)
    by_hand = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.pid() is None:
            started = kingraph("neo4j", "start")
            if started.returncode != 0:
                raise SystemExit("Neo4j would not start again after a kill: " +
                                 started.stderr[-500:])
            by_hand = True
        if _answers(settings):
            return by_hand
        time.sleep(1)
    raise SystemExit("Neo4j did not answer in time after a kill")


def differing(left: Fingerprint, right: Fingerprint) -> list[str]:
    """What differs between two fingerprints: ``persons``, edge types, counts."""
    out = ["persons"] if left.persons != right.persons else []
    out += [f"edges {t}" for t in sorted(left.edges.keys() | right.edges.keys())
            if left.edges.get(t) != right.edges.get(t)]
    out += [f"{k} {left.counts.get(k)} -> {right.counts.get(k)}"
            for k in sorted(left.counts.keys() | right.counts.keys())
            if left.counts.get(k) != right.counts.get(k)]
    return out


def graph_fingerprint(settings: Settings) -> Fingerprint:
    """The fingerprint of the graph now (a fresh driver: the store may be new)."""
    with open_driver(settings) as driver:
        forget_bookmarks(driver, settings.neo4j_database)
        return fingerprint(driver, settings.neo4j_database)


def reset() -> None:
    """Empty the graph and its store."""
    ready(Settings())
    done = kingraph("db", "reset", "--yes", env=RESET_ENV)
    if done.returncode != 0:
        raise SystemExit("db reset failed: " + done.stderr[-500:])


def machine(settings: Settings) -> str:
    """The machine and the server's sizing, in one line."""
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = int(line.split()[1]) // 1024**2
    return (f"{platform.machine()}, {cpu}, {os.cpu_count()} cores, {mem} GiB, "
            f"{platform.system()} {platform.release()}; Neo4j heap {settings.neo4j_heap}, "
            f"page cache {settings.neo4j_pagecache} (machine shared with other work)")


def report(persons: int, seed: int, rows: str, reference: tuple[int, float],
           chains: list[Chain], settings: Settings, wall: float) -> str:
    """The results section (figures only)."""
    kills = [k for c in chains for k in c.kills]
    converged = sum(c.converged for c in chains)
    lines = [
        f"## {datetime.now():%Y-%m-%d %H:%M} — {persons:,} persons (seed {seed}), "
        f"{len(kills)} kills in {len(chains)} chains",
        f"Machine: {machine(settings)}.",
        "",
        f"- drop: {rows}",
        f"- reference load (uninterrupted, bulk path): exit {reference[0]}, "
        f"{reference[1]:.0f} s",
        "- kills by kind: " + ", ".join(
            f"{kind} {sum(k.kind == kind for k in kills)}" for kind in sorted(set(KINDS))),
        f"- Neo4j, running when the load was killed, survived it: "
        f"{sum(k.server_survived is True for k in kills)} of "
        f"{sum(k.server_survived is not None for k in kills)}; started by hand "
        f"{sum(k.started_by_hand for k in kills)} time(s) (after a kill of Neo4j, or of a "
        "load while the bulk import had it stopped)",
        f"- **converged: {converged} of {len(chains)} chains** (final graph's fingerprint "
        f"= the reference's); wall time {wall / 60:.0f} min",
        "",
        "| chain | kill | kind | at (s) | stage the load had reached | server survived |",
        "|---|---|---|---|---|---|",
    ]
    for c in chains:
        for i, k in enumerate(c.kills, 1):
            survived = {True: "yes", False: "NO", None: "-"}[k.server_survived]
            lines.append(f"| {c.number} | {i} | {k.kind} | {k.at_s} | {k.stage} | "
                         f"{survived} |")
    lines += ["", "| chain | kills | final exit | final load (s) | converged | differing |",
              "|---|---|---|---|---|---|"]
    for c in chains:
        lines.append(f"| {c.number} | {len(c.kills)} | {c.final_status} | {c.final_s:.0f} | "
                     f"{'yes' if c.converged else 'NO'} | {', '.join(c.differing) or '-'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Parse arguments, run the loop, append the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--per-chain", type=int, default=4)
    parser.add_argument("--latest", type=float, default=0.98,
                        help="random kills fall in (0.02, LATEST) x the reference's duration")
    parser.add_argument("--max-minutes", type=float, default=None,
                        help="start no kill after this long (the chain is finished)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    settings = Settings()
    clock = time.monotonic()
    drop = settings.var_dir / "drops" / f"kill-{args.persons}-{args.seed}"
    if not (drop / "truth" / "persons.parquet").exists():
        generate(args.persons, args.seed, drop)
    rows = f"{args.persons:,} persons, {sum(1 for _ in drop.glob('*.csv'))} feed files"

    reset()
    started = time.monotonic()
    done = kingraph("ingest", str(drop))
    reference_s = time.monotonic() - started
    if done.returncode not in (0, 3) or "bulk_import" not in done.stdout:
        raise SystemExit(f"the reference load failed or did not take the bulk path "
                         f"(exit {done.returncode})")
    found = re.search(r"written: records (\d+)", done.stdout)
    rows += f", {int(found[1]):,} records written" if found else ""
    reference = graph_fingerprint(settings)
    print(f"reference: exit {done.returncode}, {reference_s:.0f} s", flush=True)

    rng = random.Random(args.seed)
    chains: list[Chain] = []
    kinds = itertools.cycle(KINDS)
    while (sum(len(c.kills) for c in chains) < args.kills
           and not _out_of_time(clock, args.max_minutes)):
        chain = Chain(len(chains) + 1)
        chains.append(chain)
        reset()
        misses = 0
        while (len(chain.kills) < args.per_chain and misses < len(KINDS)
               and not _out_of_time(clock, args.max_minutes)):
            kind = next(kinds)
            kill = kill_once(kind, drop, settings, reference_s, rng, chain.number,
                             args.latest)
            if kill is None:
                misses += 1
                reset()  # it loaded to the end: start the chain's graph again
                continue
            chain.kills.append(kill)
            print(f"chain {chain.number} kill {len(chain.kills)}: {kill}", flush=True)
        ready(settings)
        started = time.monotonic()
        final = kingraph("ingest", str(drop))
        chain.final_s = time.monotonic() - started
        chain.final_status = final.returncode
        if final.returncode != done.returncode:
            errors = [line for line in final.stderr.splitlines() if line.strip()]
            chain.differing = [f"exit {final.returncode}: {errors[-1] if errors else ''}"]
        else:
            chain.differing = differing(reference, graph_fingerprint(settings))
        print(f"chain {chain.number}: exit {final.returncode}, converged {chain.converged} "
              f"{chain.differing}", flush=True)
    text = report(args.persons, args.seed, rows, (done.returncode, reference_s), chains,
                  settings, time.monotonic() - clock)
    if not args.out.exists():
        args.out.write_text("# Kill loop: loads killed at random points converge\n\n"
                            "`python -m bench.kill_loop` (see its docstring). Sections are "
                            "appended by each run, newest last.\n\n")
    with args.out.open("a") as out:
        out.write("\n" + text)
    print(text)


def _out_of_time(clock: float, max_minutes: float | None) -> bool:
    return max_minutes is not None and time.monotonic() - clock > max_minutes * 60


if __name__ == "__main__":
    main()
