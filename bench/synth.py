"""Benchmark of the synthetic province: wall time, peak RSS and drop size per size.

Run: ``.venv/bin/python bench/synth.py 100000 1000000``.  Each size runs in its own
subprocess so that peak memory (``ru_maxrss``) belongs to that run alone.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child(persons: int, out: str) -> None:
    """Generate one drop and print wall seconds and peak RSS in MiB."""
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(here.parent)] + [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.modules.pop("synth", None)
    from synth.generator import generate

    start = time.perf_counter()
    generate(persons, 1, Path(out))
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{wall:.1f} {rss:.0f}")


def main(sizes: list[int]) -> None:
    """Run each size in a subprocess and print a markdown row per size."""
    print("| persons | wall s | peak RSS MiB | drop MiB |")
    print("|---:|---:|---:|---:|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as out:
            res = subprocess.run([sys.executable, __file__, "--child", str(n), out],
                                 capture_output=True, text=True, check=True)
            wall, rss = res.stdout.split()
            size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
            print(f"| {n:,} | {wall} | {rss} | {size / 2**20:.0f} |")


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3])
    else:
        main([int(x) for x in sys.argv[1:]])
