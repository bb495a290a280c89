"""Time exact carrier posteriors (queries.thalassemia.carrier) on generated pedigrees.

Run: .venv/bin/python bench/carrier_bayes.py  (prints sizes and latencies only).
"""

from __future__ import annotations

import random
import statistics
import time

from queries.thalassemia.carrier import ParentMap, carrier_probabilities
from queries.thalassemia.genotypes import Gene
from queries.thalassemia.screening import Screening, Status


def pedigree(generations: int, max_children: int, seed: int) -> tuple[ParentMap, list[str]]:
    """A founding couple, each child married to an outside founder, `generations` deep."""
    rng = random.Random(seed)
    parents: dict[str, tuple[str | None, str | None]] = {"a": (None, None), "b": (None, None)}
    couples, born = [("a", "b")], []
    for _ in range(generations):
        following = []
        for father, mother in couples:
            for _ in range(rng.randint(1, max_children)):
                child, spouse = f"p{len(parents)}", f"s{len(parents)}"
                parents[child], parents[spouse] = (father, mother), (None, None)
                born.append(child)
                following.append((child, spouse))
        couples = following
    return parents, born


def main() -> None:
    for generations, max_children in [(3, 3), (4, 3), (4, 4), (5, 3)]:
        times, sizes, fallbacks = [], [], 0
        for seed in range(30):
            parents, born = pedigree(generations, max_children, seed)
            observed = {born[-1]: Screening(conclusion=Status.BETA_CARRIER)}
            observed[born[0]] = Screening(conclusion=Status.NORMAL)
            ethnicity = dict.fromkeys(parents, "19")
            start = time.perf_counter()
            result = carrier_probabilities(parents, ethnicity, observed, born[-1], Gene.BETA)
            times.append(time.perf_counter() - start)
            sizes.append(len(parents))
            fallbacks += result.fallback is not None
        times.sort()
        print(
            f"generations={generations} children<={max_children} "
            f"members median={statistics.median(sizes):.0f} max={max(sizes)} "
            f"p50={statistics.median(times) * 1e3:.1f} ms max={times[-1] * 1e3:.1f} ms "
            f"fallbacks={fallbacks}/30"
        )


if __name__ == "__main__":
    main()
