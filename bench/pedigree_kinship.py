"""Time the pure pedigree maths: build, φ, Wright paths, marriage check, kinship terms.

Run: .venv/bin/python bench/pedigree_kinship.py  (prints sizes and latencies only).
Pedigrees are generated: founding couples, children marrying outside founders
or, one time in twenty, a cousin in the same pedigree (so loops occur).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from queries.kinship import Member, Pedigree, from_pedigree, term


def generate(couples: int, generations: int, seed: int) -> list[Member]:
    """`couples` founding couples, 1-4 children per couple, `generations` deep."""
    rng = random.Random(seed)
    members: list[Member] = []
    pairs: list[tuple[str, str]] = []
    for n in range(couples):
        members += [Member(f"a{n}", "1"), Member(f"b{n}", "2")]
        pairs.append((f"a{n}", f"b{n}"))
    for _ in range(generations):
        children: list[Member] = []
        for father, mother in pairs:
            for _ in range(rng.randint(1, 4)):
                sex = rng.choice("12")
                children.append(Member(f"p{len(members) + len(children)}", sex,
                                       father=father, mother=mother))
        members += children
        pairs = _marry(children, members, rng)
    return members


def _marry(children: list[Member], members: list[Member], rng: random.Random
           ) -> list[tuple[str, str]]:
    pool = children[:]
    rng.shuffle(pool)
    pairs = []
    for child in pool:
        if rng.random() < 0.05 and pool:
            mate = next((c for c in pool if c.sex != child.sex and c is not child), None)
            if mate is not None:
                pairs.append((child.pid, mate.pid) if child.sex == "1" else (mate.pid, child.pid))
                continue
        spouse = Member(f"s{len(members)}", "2" if child.sex == "1" else "1")
        members.append(spouse)
        pairs.append((child.pid, spouse.pid) if child.sex == "1" else (spouse.pid, child.pid))
    return pairs


def cousins(ped: Pedigree, people: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """Pairs related through a shared grandparent (cousins, or sibs in small families)."""
    pairs = []
    for pid in people:
        father = ped.parents(pid)[0]
        grandfather = ped.parents(father)[0] if father else None
        if grandfather:
            grandchildren = [g for c in ped.graph.successors(grandfather)
                             for g in ped.graph.successors(c) if g != pid]
            if grandchildren:
                pairs.append((pid, rng.choice(grandchildren)))
    return pairs


def timed(calls: list[Callable[[], object]]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    times = []
    for call in calls:
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))]


def measure(ped: Pedigree, rng: random.Random) -> str:
    """One result line for one generated pedigree (built already)."""
    young = [pid for pid in ped.members if pid.startswith("p")][-2000:]
    pairs = [(rng.choice(young), rng.choice(young)) for _ in range(1000)]
    phi = timed([partial(ped.kinship, a, b) for a, b in pairs])
    warm = timed([partial(ped.kinship, a, b) for a, b in pairs])
    kin = cousins(ped, [a for a, _ in pairs[:300]], rng)[:200]
    wright = timed([partial(ped.paths, a, b) for a, b in kin])
    law = timed([partial(from_pedigree, ped, a, b) for a, b in kin])
    return (f"phi cold p50={phi[0]:.2f} p99={phi[1]:.2f} ms, memoised p50={warm[0]:.3f} ms | "
            f"{len(kin)} related pairs: wright p50={wright[0]:.2f} p99={wright[1]:.2f} ms, "
            f"marriage check p50={law[0]:.2f} p99={law[1]:.2f} ms")


def main() -> None:
    rng = random.Random(7)
    for couples, generations in [(5, 4), (50, 5), (500, 5), (3000, 5)]:
        members = generate(couples, generations, seed=couples)
        start = time.perf_counter()
        ped = Pedigree(members)
        build = (time.perf_counter() - start) * 1e3
        print(f"members={len(ped)} build={build:.0f} ms | {measure(ped, rng)}")
    walks = ["f,f,s,s", "m,ob,d", "h,yb", "f,m,yb,s", "w,xs,h", "f,f,f,f,f,f,s,s,s,s,s,s"]
    terms = timed([partial(term, w, "1", elder=True) for w in walks * 200])
    print(f"kinship term p50={terms[0]:.3f} p99={terms[1]:.3f} ms over {len(walks)} walks")


if __name__ == "__main__":
    main()
