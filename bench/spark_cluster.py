"""Fusion on a standalone Spark cluster on loopback, one worker killed mid-job (issue 15).

    .venv/bin/python -m bench.spark_cluster --persons 100000 [--seed 1] [--local-spark]

Generates the drop if missing (``var/drops/spark-<N>-<seed>``), reads and cleans it as
``kingraph ingest`` does, then runs fusion as the CLI runs it (the fusion worker process)
on the local engine, optionally on Spark ``local[2]``, and on a standalone cluster
started here from the pyspark package (``spark-class`` Master and two Workers of one
core each, on 127.0.0.1): while the cluster resolves the groups of pieces, one worker
and its executor are killed (SIGKILL of the worker's process group).  Each Spark run
must give exactly the local engine's assignments, review items and blocking figures.
The figures (seconds, counts, machine facts; never personal data) are appended to
``bench/results/spark.md``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyspark

from ingest.feeds.clean import clean_feed
from ingest.feeds.mentions import to_mentions
from ingest.feeds.read import discover, read_feed
from ingest.fusion import child_process
from ingest.fusion.executors import LOCAL, Engine
from ingest.fusion.resolution import Decisions, Resolution
from synth.generator import generate

RESULTS = Path(__file__).parent / "results" / "spark.md"
ROOT = Path(__file__).resolve().parents[1]
MASTER_PORT = 17873
MASTER_UI = 17874
WORKER_UI = (17875, 17876)
PID_KEY = bytes(range(32))  # a bench key: the pids are compared, never shown


def mentions_of(drop: Path) -> pl.DataFrame:
    """The drop's person mentions, read and cleaned as a load does."""
    return pl.concat([to_mentions(clean_feed(read_feed(f, "auto"))) for f in discover(drop)],
                     how="diagonal_relaxed")


class Cluster:
    """A standalone Spark master and workers on 127.0.0.1, from the pyspark package."""

    def __init__(self, folder: Path, workers: int = 2, memory: str = "1500m") -> None:
        self.folder = folder
        home = Path(pyspark.__file__).parent
        self.spark_class = str(home / "bin" / "spark-class")
        self.env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
                    "SPARK_LOG_DIR": str(folder / "logs"), "SPARK_NO_DAEMONIZE": "1"}
        self.master_url = f"spark://127.0.0.1:{MASTER_PORT}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.n_workers = workers
        self.memory = memory

    def _start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen([self.spark_class, *args], env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def __enter__(self) -> Cluster:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", str(MASTER_PORT), "--webui-port", str(MASTER_UI))
        self._wait_for("master", "Starting Spark master")
        for i in range(self.n_workers):
            work = self.folder / f"worker{i}"
            self._start(f"worker{i}", "org.apache.spark.deploy.worker.Worker", self.master_url,
                        "--host", "127.0.0.1", "--cores", "1", "--memory", self.memory,
                        "--webui-port", str(WORKER_UI[i]), "--work-dir", str(work))
            self._wait_for(f"worker{i}", "Successfully registered with master")
        return self

    def _wait_for(self, name: str, text: str, seconds: float = 180.0) -> None:
        log = self.folder / f"{name}.log"
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if log.exists() and text in log.read_text(errors="replace"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"spark {name} did not start (see {log})")

    def kill_worker(self, i: int) -> None:
        """SIGKILL worker ``i`` and everything it started (its executor)."""
        process = self.processes[1 + i]
        os.killpg(process.pid, signal.SIGKILL)

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def prepare(folder: Path, mentions: pl.DataFrame, engine: Engine) -> Path:
    """A fusion worker's folder with its inputs written, as the CLI writes them."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "pid.key").write_bytes(PID_KEY)
    child_process.write_inputs(folder / "fusion", mentions, Decisions(), engine=engine)
    return folder


def fuse(folder: Path, event: Any = None) -> tuple[Resolution, float]:
    """One fusion run in the fusion worker of a prepared folder, as the CLI runs it;
    returns it and its wall seconds (the worker's start and Spark's session included)."""
    clock = time.perf_counter()
    result = child_process.run(folder / "fusion", folder / "pid.key", event)
    return result, time.perf_counter() - clock


def _summary(r: Resolution) -> str:
    stats = r.stats
    return (f"{stats['entities']:,} entities, {stats['candidate_pairs']:,} pairs, "
            f"{stats['pieces']:,} pieces, {stats['batches']} batch(es), "
            f"{stats['persons']:,} persons, {stats['reviews']:,} reviews")


def same(a: Resolution, b: Resolution) -> bool:
    """The same persons, pids, review items and blocking figures."""
    return (a.assignments.sort("mention_id").equals(b.assignments.sort("mention_id"))
            and a.reviews.sort("review_id").equals(b.reviews.sort("review_id"))
            and a.blocks == b.blocks)


class Killer:
    """Kills one worker once the stage of ``applyInArrow`` (the groups of pieces
    resolved: one task per shuffle partition) has done some of its tasks, not all: the
    lost worker's tasks and the shuffle output it held must be made again."""

    def __init__(self, cluster: Cluster, partitions: int) -> None:
        self.cluster = cluster
        self.partitions = partitions
        self.killed_at: float | None = None
        self.events: list[dict[str, Any]] = []
        self.failed_tasks = 0
        self._clock = time.perf_counter()
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if "spark_stage" in event:
            self.failed_tasks = max(self.failed_tasks, int(event["failed"]))
            print(f"  spark {event['step']}: stage {event['spark_stage']} "
                  f"{event['done']}/{event['tasks']} failed {event['failed']}"
                  f"{'' if event['active'] else ' (ended)'}", flush=True)
        else:
            print(f"  step: {event['step']}", flush=True)
        with self._lock:
            if (self.killed_at is None and event.get("step") == "clustering"
                    and event.get("active") and int(event["tasks"]) == self.partitions
                    and 0 < int(event["done"]) < int(event["tasks"])):
                self.cluster.kill_worker(0)
                self.killed_at = time.perf_counter() - self._clock
                print(f"  worker 0 killed (SIGKILL) at {self.killed_at:.0f} s, stage "
                      f"{event['spark_stage']} at {event['done']}/{event['tasks']} tasks",
                      flush=True)


def machine() -> str:
    """The machine's facts, as one line."""
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 1024**2
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    load = os.getloadavg()
    return (f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB; "
            f"{java.splitlines()[0] if java else 'java ?'}; pyspark {pyspark.__version__}; "
            f"load average at the start {load[0]:.1f} (other work on the machine)")


def main() -> None:
    """Run the bench and append its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--local-spark", action="store_true",
                        help="also time Spark local[2] (one more run)")
    parser.add_argument("--no-local", action="store_true",
                        help="skip the local engine (its time at this size measured "
                        "elsewhere); Spark's answer is then not compared")
    parser.add_argument("--no-cluster", action="store_true",
                        help="skip the standalone cluster and its worker kill (for a "
                        "province-size run of the local engines alone)")
    args = parser.parse_args()
    facts = machine()
    drop = ROOT / "var" / "drops" / f"spark-{args.persons}-{args.seed}"
    if not (drop / "truth").exists():
        print(f"generating {args.persons:,} persons ...", flush=True)
        generate(args.persons, args.seed, drop)
    mentions = mentions_of(drop)
    work = ROOT / "var" / "bench-spark"
    rows = [f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.persons:,} persons "
            f"(seed {args.seed}), {mentions.height:,} mentions", "", f"Machine: {facts}.", "",
            "| engine | wall s | equal to local | notes |", "|---|---|---|---|"]
    spark_local = Engine("spark", spark_master="local[2]")
    cluster_folder = work / "cluster"
    # Every run's inputs first, then the mentions go: the runs measure the fusion
    # worker, not this process holding the province's mentions beside it.
    folders = {"local": prepare(work / "local", mentions, LOCAL) if not args.no_local else None,
               "local2": (prepare(work / "local2", mentions, spark_local)
                          if args.local_spark else None)}
    standalone = work / "standalone"
    if not args.no_cluster:
        standalone.mkdir(parents=True, exist_ok=True)
        mentions.write_parquet(standalone / "mentions.parquet")
    del mentions
    gc.collect()
    local: Resolution | None = None
    if not args.no_local:
        print("local engine ...", flush=True)
        assert folders["local"] is not None
        local, seconds = fuse(folders["local"])
        rows.append(f"| local (DuckDB, scipy, batches in turn) | {seconds:.0f} | - | "
                    f"{_summary(local)} |")
        print(rows[-1], flush=True)
    equal = True
    if args.local_spark:
        print("spark local[2] ...", flush=True)
        assert folders["local2"] is not None
        result, seconds = fuse(folders["local2"])
        equal = local is None or same(result, local)
        rows.append(f"| spark local[2] | {seconds:.0f} | "
                    f"{'not compared' if local is None else equal} | "
                    f"{result.stats['batches']} groups of pieces; {_summary(result)} |")
        print(rows[-1], flush=True)
    if not args.no_cluster:
        print("standalone cluster: a master and two workers on 127.0.0.1 ...", flush=True)
        with Cluster(cluster_folder) as cluster:
            engine = Engine("spark", spark_master=cluster.master_url)
            killer = Killer(cluster, engine.spark_partitions)
            folder = prepare(standalone, pl.read_parquet(standalone / "mentions.parquet"),
                             engine)
            gc.collect()
            result, seconds = fuse(folder, killer)
        same_answer = local is None or same(result, local)
        equal = equal and same_answer
        when = "never (the job ended first)" if killer.killed_at is None else (
            f"at {killer.killed_at:.0f} s, in the applyInArrow stage")
        compared = "not compared" if local is None else same_answer
        rows.append(f"| spark standalone, 2 workers x 1 core, worker 0 killed | {seconds:.0f} "
                    f"| {compared} | killed {when}; {killer.failed_tasks} task(s) failed and "
                    f"ran again; {result.stats['batches']} groups of pieces |")
        print(rows[-1], flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as out:
        out.write("\n".join(rows) + "\n\n")
    if not equal:
        raise SystemExit("the Spark engine's answer differs from the local engine's")


if __name__ == "__main__":
    main()
