"""Benchmark of the synthetic province: wall time, peak RSS, drop size and feed counts.

Run: ``.venv/bin/python bench/synth.py 100000 1000000 2000000``.  Each size runs in its
own subprocess so that peak memory (``ru_maxrss``) belongs to that run alone; the
counts beside the scaled 2015 targets are printed for the largest size.

The 10 M run (issue 3: "10 M must be possible within an hour"):
``.venv/bin/python bench/synth.py --ten-million [--tmp DIR]``.  It needs about
12 GiB of memory and 9 GiB of disk for the drop (deleted afterwards); run it on a
quiet machine.  ``--tmp`` chooses where the drop is written (default: the system's
temporary directory).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEN_MILLION = 10_000_000


def child(persons: int, out: str) -> None:
    """Generate one drop; print wall seconds, peak RSS in MiB and the counts as JSON."""
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(here.parent)] + [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.modules.pop("synth", None)
    from synth.generator import generate

    start = time.perf_counter()
    result = generate(persons, 1, Path(out))
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = [(c.name, c.generated, c.target) for c in result.counts]
    classes = [(c.name, c.generated, c.target) for c in result.classes]
    print(json.dumps({"wall": wall, "rss": rss, "counts": counts, "classes": classes}))


def run(persons: int, tmp: str | None) -> tuple[dict[str, object], float]:
    """One size in a subprocess: its measurements and the drop's size in MiB."""
    with tempfile.TemporaryDirectory(dir=tmp) as out:
        res = subprocess.run([sys.executable, __file__, "--child", str(persons), out],
                             capture_output=True, text=True, check=True)
        size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    return json.loads(res.stdout), size / 2**20


def main(sizes: list[int], tmp: str | None) -> None:
    """Run each size and print a markdown row per size, then the largest size's counts."""
    print("| persons | wall s | peak RSS MiB | drop MiB |")
    print("|---:|---:|---:|---:|")
    last: dict[str, object] = {}
    for n in sizes:
        last, size = run(n, tmp)
        print(f"| {n:,} | {last['wall']:.1f} | {last['rss']:.0f} | {size:.0f} |", flush=True)
    counts = last.get("counts")
    if isinstance(counts, list):
        print(f"\nCounts at {sizes[-1]:,} persons beside the 2015 targets scaled to them:\n")
        print("| count | generated | target | off |")
        print("|---|---:|---:|---:|")
        for name, got, target in counts:
            print(f"| {name} | {got:,} | {target:,.0f} | {100 * (got / target - 1):+.0f} % |")
    classes = last.get("classes")
    if isinstance(classes, list):
        print(f"\nHard classes at {sizes[-1]:,} persons (issues 16 and 17; a target only where"
              " a published figure or the seed gives one, docs/truth.md):\n")
        print("| class | generated | target |")
        print("|---|---:|---:|")
        for name, got, target in classes:
            print(f"| {name} | {_number(got)} | {_number(target)} |")


def _number(value: float) -> str:
    """A count with thousands separators, a share with four decimals, NaN (no target) a dash."""
    if value != value:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 1 else f"{value:.4f}"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3])
    else:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        parser.add_argument("sizes", nargs="*", type=int, help="persons per run")
        parser.add_argument("--ten-million", action="store_true",
                            help="run 10,000,000 persons (after any sizes given)")
        parser.add_argument("--tmp", help="directory for the drops (default: system temp)")
        args = parser.parse_args()
        sizes = args.sizes + ([TEN_MILLION] if args.ten_million else [])
        if not sizes:
            parser.error("give sizes or --ten-million")
        main(sizes, args.tmp)
