"""Load-test the API's eligibility and relatives routes with wrk on loopback.

Starts a real ``kingraph serve`` (its own state directory, keys and generous rate
budgets, so the limiter is not what is measured) against the graph the
``KINGRAPH_NEO4J_*`` environment points at, picks real couples and persons from
that graph, and runs wrk at 32 connections for a bounded time per route with a Lua
script cycling through them, ``--repeat`` times. Prints and writes, per run:
requests/s, p50, p90, p99, errors (wrk's count, and the server's own request log
broken down by status, with any logged error types), and where the CPU went: CPU
milliseconds per request of the API processes, of Neo4j (local server) and of wrk,
and the machine's other load (busy CPU outside those three, from /proc/stat), so a
figure taken on a shared machine says how shared it was.

    .venv/bin/python bench/api_load.py --workers 2 --duration 20 --repeat 2 \
        --out bench/results/api_load.md

wrk is the Debian package; the script installs it (apt-get) when it is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api import keys, state
from api.keys import Role
from graphdb.connection import open_driver, read
from graphdb.server import LocalServer
from kingraph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COUPLES = """MATCH (h:Person)-[:MARRIED]->(w:Person)
WITH DISTINCT h.pid AS h, w.pid AS w ORDER BY h, w LIMIT $n RETURN h, w"""
PERSONS = """MATCH (c:Person)-[:CHILD_OF]->(:Person)
WITH DISTINCT c.pid AS pid ORDER BY pid LIMIT $n RETURN pid"""
COUNT = "MATCH (p:Person) RETURN count(p) AS n"
UNLIMITED = {r.value: 1e6 for r in Role}
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    """One wrk run."""

    route: str
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int  # non-2xx responses plus socket errors
    socket_errors: str = ""
    statuses: dict[int, int] = field(default_factory=dict)  # from the server's request log
    logged_errors: dict[str, int] = field(default_factory=dict)  # non-request log events
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU ms per request, by process
    load: float = 0.0  # 1-minute load average at the end
    worker_cpu_s: list[float] = field(default_factory=list)  # CPU s of each API process


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def tree(root: int) -> list[int]:
    """A process and all its descendants."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += parents.get(pid, [])
    return out


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores, not idle or iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / TICK


@dataclass
class CpuMeter:
    """CPU used by the API process tree, Neo4j, wrk (waited children) and the machine."""

    api_root: int
    neo4j_pid: int | None

    def sample(self) -> dict[str, float]:
        """Cumulative CPU seconds by part."""
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"api": sum(self.api_processes().values()),
                "neo4j": proc_cpu(self.neo4j_pid) if self.neo4j_pid else 0.0,
                "wrk": children.ru_utime + children.ru_stime,
                "machine": machine_busy()}

    def api_processes(self) -> dict[int, float]:
        """Cumulative CPU seconds of each API process (the supervisor and its workers)."""
        return {pid: proc_cpu(pid) for pid in tree(self.api_root)}


def per_request(before: dict[str, float], after: dict[str, float],
                requests: int) -> dict[str, float]:
    """CPU milliseconds per request by part; ``other`` is the rest of the machine."""
    used = {k: after[k] - before[k] for k in before}
    used["other"] = used.pop("machine") - used["api"] - used["neo4j"] - used["wrk"]
    return {k: 1e3 * v / max(requests, 1) for k, v in used.items()}


def ensure_wrk() -> str:
    """The wrk binary, installed with apt-get when missing."""
    found = shutil.which("wrk")
    if found is None:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True,
                       stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not available")
    return found


def free_port() -> int:
    """A free loopback port."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_keys(state_dir: Path) -> dict[Role, str]:
    """One raw key per role in a fresh state directory."""
    with closing(state.connect(state_dir / "service.db")) as conn:
        return {role: keys.create(conn, role, f"bench {role.value}")[1] for role in Role}


def serve(state_dir: Path, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    """Start ``kingraph serve`` and wait for /healthz."""
    env = {**os.environ, "KINGRAPH_API_STATE_DIR": str(state_dir),
           "KINGRAPH_API_RATE_PER_SECOND": json.dumps(UNLIMITED),
           "KINGRAPH_API_RATE_BURST": json.dumps(dict.fromkeys(UNLIMITED, 10 ** 6))}
    cmd = [str(ROOT / ".venv/bin/kingraph"), "serve", "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=log.open("wb"), cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"kingraph serve did not come up (see {log})")


def lua(method: str, paths: list[str], bodies: list[str] | None,
        headers: dict[str, str]) -> str:
    """A wrk script cycling through requests."""
    lines = [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    lines.append("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}")
    body = "nil"
    if bodies is not None:
        lines.append("local bodies = {" + ",".join(
            "[[" + b + "]]" for b in bodies) + "}")
        body = "bodies[i]"
    lines += ["local i = 0", "request = function()", "  i = i % #paths + 1",
              f'  return wrk.format("{method}", paths[i], nil, {body})', "end"]
    return "\n".join(lines) + "\n"


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def parse(route: str, out: str) -> Result:
    """Figures from wrk's --latency output."""
    pct = dict(re.findall(r"^\s+(\d+(?:\.\d+)?)%\s+(\S+)\s*$", out, re.M))
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(g) for g in sock.groups()) if sock else 0)
    return Result(route, total, rps, _ms(pct["50"]), _ms(pct["90"]), _ms(pct["99"]), errors,
                  sock.group(0) if sock else "")


def server_log(log: Path, start: int) -> tuple[dict[int, int], dict[str, int]]:
    """Statuses of logged requests and counts of other events, from byte ``start`` on."""
    statuses: Counter[int] = Counter()
    events: Counter[str] = Counter()
    with log.open("rb") as fh:
        fh.seek(start)
        for raw in fh:
            try:
                entry = json.loads(raw)
            except ValueError:  # uvicorn's own lines, tracebacks
                events["non-JSON line"] += 1
                continue
            if not isinstance(entry, dict):
                events["non-JSON line"] += 1
            elif entry.get("event") == "request":
                statuses[int(entry.get("status", 0))] += 1
            else:
                events[f"{entry.get('event')}:{entry.get('type', '')}"] += 1
    return dict(sorted(statuses.items())), dict(events)


def run_wrk(wrk: str, url: str, script: Path, route: str, duration: int,
            connections: int, threads: int, meter: CpuMeter, log: Path) -> Result:
    """One bounded wrk run, with the server's view of it and the CPU it cost."""
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
           "--timeout", "10s", "-s", str(script), url]
    time.sleep(1.0)  # let the warm-up's log lines land before the mark
    mark, before, split = log.stat().st_size, meter.sample(), meter.api_processes()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    time.sleep(1.0)  # requests in flight at wrk's end are logged just after
    after = meter.sample()
    # how evenly the workers shared the load (the kernel hands connections to them)
    result_split = {pid: cpu - split.get(pid, 0.0)
                    for pid, cpu in meter.api_processes().items()}
    try:
        result = parse(route, out)
    except (AttributeError, KeyError):
        print(out, file=sys.stderr)
        raise
    result.statuses, result.logged_errors = server_log(log, mark)
    result.cpu_ms = per_request(before, after, result.requests)
    result.load = os.getloadavg()[0]
    result.worker_cpu_s = sorted((round(v, 1) for v in result_split.values()), reverse=True)
    return result


def main() -> None:
    """Run the bench and write the results table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=20, help="seconds per route")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--sample", type=int, default=2000, help="couples / persons cycled")
    ap.add_argument("--repeat", type=int, default=2, help="runs per route")
    ap.add_argument("--routes", default="eligibility,relatives",
                    help="comma-separated: eligibility, relatives")
    ap.add_argument("--note", default="", help="a line under the section heading")
    ap.add_argument("--keep-log", type=Path, default=None,
                    help="copy the server's stderr (JSON request log) here")
    ap.add_argument("--out", type=Path, default=None, help="append a results section here")
    args = ap.parse_args()
    wrk = ensure_wrk()
    settings = Settings()
    driver = open_driver(settings)
    db = settings.neo4j_database
    couples = [(r["h"], r["w"]) for r in read(driver, db, "bench_couples", COUPLES,
                                              n=args.sample)]
    persons = [r["pid"] for r in read(driver, db, "bench_persons", PERSONS, n=args.sample)]
    size = int(read(driver, db, "bench_count", COUNT)[0]["n"])
    driver.close()
    neo4j_pid = LocalServer(settings).pid() if settings.uses_local_server else None
    with tempfile.TemporaryDirectory(prefix="kg-api-load-") as tmp:
        work = Path(tmp)
        raw = make_keys(work)
        port = free_port()
        log = work / "serve.log"
        proc = serve(work, port, args.workers, log)
        try:
            results = _runs(wrk, f"http://127.0.0.1:{port}", work, raw, couples, persons, args,
                            CpuMeter(proc.pid, neo4j_pid), log)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            if args.keep_log is not None:
                shutil.copy(log, args.keep_log)
    report(results, size, len(couples), len(persons), args)
    failed = [r for r in results if r.errors > FAILED_SHARE * max(r.requests, 1)]
    if failed:  # a rate of refusals is not a rate of answers: the figures mean nothing
        raise SystemExit("requests failed: " + "; ".join(
            f"{r.route}: {r.errors:,} of {r.requests:,} ("
            + " ".join(f"{k}: {v:,}" for k, v in r.statuses.items()) + ")" for r in failed))


def _runs(wrk: str, url: str, work: Path, raw: dict[Role, str],
          couples: list[tuple[str, str]], persons: list[str],
          args: argparse.Namespace, meter: CpuMeter, log: Path) -> list[Result]:
    def headers(role: Role, purpose: str) -> dict[str, str]:
        # A purpose from the settings' list (kingraph.settings.Settings.api_purposes):
        # any other is refused with 400 before the route runs.
        return {"Authorization": f"Bearer {raw[role]}", "X-Purpose": purpose,
                "Content-Type": "application/json"}
    bodies = [json.dumps({"husband": h, "wife": w, "as_of": "2020-06-01"}) for h, w in couples]
    scripts = {
        "eligibility": ("POST /v1/eligibility (service)", lua(
            "POST", ["/v1/eligibility"] * len(bodies), bodies,
            headers(Role.SERVICE, "eligibility"))),
        "relatives": ("GET /v1/persons/{ref}/relatives (officer)", lua(
            "GET", [f"/v1/persons/{p}/relatives?max_degree=3" for p in persons], None,
            headers(Role.OFFICER, "casework"))),
    }
    results: list[Result] = []
    for name in args.routes.split(","):
        route, text = scripts[name.strip()]
        script = work / f"{name.strip()}.lua"
        script.write_text(text)
        subprocess.run([wrk, "-t1", "-c8", "-d3s", "-s", str(script), url], check=True,
                       capture_output=True)  # warm-up
        for _ in range(args.repeat):
            result = run_wrk(wrk, url, script, route, args.duration, args.connections,
                             args.threads, meter, log)
            print(f"{route}: {result.rps:.0f} req/s, p50 {result.p50_ms:.1f} ms, "
                  f"p90 {result.p90_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                  f"{result.errors} errors of {result.requests} {result.socket_errors}")
            print(f"  server log statuses {result.statuses} other events "
                  f"{result.logged_errors}")
            print("  CPU ms per request: " + ", ".join(
                f"{k} {v:.2f}" for k, v in result.cpu_ms.items())
                + f"; load average {result.load:.1f}; CPU s per API process "
                f"{result.worker_cpu_s}")
            results.append(result)
    return results


# Past this share of failed requests a run is reported as failed, not as a figure.
FAILED_SHARE = 0.01


def report(results: list[Result], size: int, couples: int, persons: int,
           args: argparse.Namespace) -> None:
    """Append a results section to --out (when given)."""
    if args.out is None:
        return
    lines = [f"\n### {time.strftime('%Y-%m-%d %H:%M')}: {args.workers} uvicorn worker(s), "
             f"{args.connections} connections, {args.duration} s per run\n",
             *([args.note + "\n"] if args.note else []),
             f"Graph: {size:,} persons; cycling {couples:,} couples / {persons:,} persons; "
             f"{os.cpu_count()} CPUs.\n",
             "| route | requests | req/s | p50 ms | p90 ms | p99 ms | errors | server statuses "
             "| CPU ms/req api / neo4j / wrk / other | load | CPU s per API process |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|---:|---|"]
    for r in results:
        cpu = " / ".join(f"{r.cpu_ms.get(k, 0):.2f}" for k in ("api", "neo4j", "wrk", "other"))
        statuses = " ".join(f"{k}: {v:,}" for k, v in r.statuses.items())
        if r.logged_errors:
            statuses += "; " + " ".join(f"{k} x{v}" for k, v in r.logged_errors.items())
        lines.append(f"| {r.route} | {r.requests:,} | {r.rps:.0f} | {r.p50_ms:.1f} | "
                     f"{r.p90_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {statuses} | {cpu} | "
                     f"{r.load:.1f} | {' / '.join(f'{c:.1f}' for c in r.worker_cpu_s)} |")
    with args.out.open("a") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
