"""Load-test the API's eligibility and relatives routes with wrk on loopback.

Starts a real ``kingraph serve`` (its own state directory, keys and generous rate
budgets, so the limiter is not what is measured) against the graph the
``KINGRAPH_NEO4J_*`` environment points at, picks real couples and persons from
that graph, and runs wrk at 32 connections for a bounded time per route with a Lua
script cycling through them. Prints and writes requests/s, p50, p99 and errors.

    .venv/bin/python bench/api_load.py --duration 20 --workers 1 --out bench/results/api_load.md

wrk is the Debian package; the script installs it (apt-get) when it is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx

from api import keys, state
from api.keys import Role
from graphdb.connection import open_driver, read
from kingraph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COUPLES = """MATCH (h:Person)-[:MARRIED]->(w:Person)
WITH DISTINCT h.pid AS h, w.pid AS w ORDER BY h, w LIMIT $n RETURN h, w"""
PERSONS = """MATCH (c:Person)-[:CHILD_OF]->(:Person)
WITH DISTINCT c.pid AS pid ORDER BY pid LIMIT $n RETURN pid"""
COUNT = "MATCH (p:Person) RETURN count(p) AS n"
UNLIMITED = {r.value: 1e6 for r in Role}


@dataclass(frozen=True)
class Result:
    """One wrk run."""

    route: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx responses plus socket errors


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
    return Result(route, total, rps, _ms(pct["50"]), _ms(pct["99"]), errors)


def run_wrk(wrk: str, url: str, script: Path, route: str, duration: int,
            connections: int, threads: int) -> Result:
    """One bounded wrk run."""
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
           "--timeout", "10s", "-s", str(script), url]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    try:
        return parse(route, out)
    except (AttributeError, KeyError):
        print(out, file=sys.stderr)
        raise


def main() -> None:
    """Run the bench and write the results table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=20, help="seconds per route")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--sample", type=int, default=2000, help="couples / persons cycled")
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
    with tempfile.TemporaryDirectory(prefix="kg-api-load-") as tmp:
        work = Path(tmp)
        raw = make_keys(work)
        port = free_port()
        proc = serve(work, port, args.workers, work / "serve.log")
        try:
            results = _runs(wrk, f"http://127.0.0.1:{port}", work, raw, couples, persons, args)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report(results, size, len(couples), len(persons), args)


def _runs(wrk: str, url: str, work: Path, raw: dict[Role, str],
          couples: list[tuple[str, str]], persons: list[str],
          args: argparse.Namespace) -> list[Result]:
    def headers(role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {raw[role]}", "X-Purpose": "bench",
                "Content-Type": "application/json"}
    bodies = [json.dumps({"husband": h, "wife": w, "as_of": "2020-06-01"}) for h, w in couples]
    scripts = {
        "POST /v1/eligibility (service)": lua("POST", ["/v1/eligibility"] * len(bodies), bodies,
                                              headers(Role.SERVICE)),
        "GET /v1/persons/{ref}/relatives (officer)": lua(
            "GET", [f"/v1/persons/{p}/relatives?max_degree=3" for p in persons], None,
            headers(Role.OFFICER)),
    }
    results: list[Result] = []
    for route, text in scripts.items():
        script = work / f"{len(results)}.lua"
        script.write_text(text)
        subprocess.run([wrk, "-t1", "-c8", "-d3s", "-s", str(script), url], check=True,
                       capture_output=True)  # warm-up
        result = run_wrk(wrk, url, script, route, args.duration, args.connections,
                         args.threads)
        print(f"{route}: {result.rps:.0f} req/s, p50 {result.p50_ms:.1f} ms, "
              f"p99 {result.p99_ms:.1f} ms, {result.errors} errors of {result.requests}")
        results.append(result)
    return results


def report(results: list[Result], size: int, couples: int, persons: int,
           args: argparse.Namespace) -> None:
    """Append a results section to --out (when given)."""
    if args.out is None:
        return
    lines = [f"\n### {time.strftime('%Y-%m-%d %H:%M')}: {args.workers} uvicorn worker(s), "
             f"{args.connections} connections, {args.duration} s per route\n",
             f"Graph: {size:,} persons; cycling {couples:,} couples / {persons:,} persons.\n",
             "| route | requests | req/s | p50 ms | p99 ms | errors |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {r.route} | {r.requests:,} | {r.rps:.0f} | {r.p50_ms:.1f} | "
              f"{r.p99_ms:.1f} | {r.errors} |" for r in results]
    with args.out.open("a") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
