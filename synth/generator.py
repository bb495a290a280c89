"""The one executor: seed -> population -> registry -> feeds -> noise -> files.

Each stage draws from its own ``numpy.random.Generator`` spawned from
``SeedSequence(seed)``, so stages are independent and a seed fixes every byte.

The population, the ID numbers, names, household registry and jobs are built
whole; the feeds and the truth files are then rendered, noised and written one
part of :data:`PART_PERSONS` person keys at a time (:meth:`synth.truth.Truth.part`),
so memory holds one part's rows, never a whole feed.  Each part draws from its own
generators (children of the ``feeds`` and ``noise`` seeds numbered by part), so the
part size is part of the seed contract: a drop is fixed by (seed, persons, profile,
noise level) for this value of :data:`PART_PERSONS`, and changing it changes the bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from synth import employment, identity, population, records, residence, truth
from synth.calendar import day
from synth.feeds import diagnosis, health, registration, social
from synth.profile import NOISE_LEVELS, PROFILES, TARGET_DAY
from synth.report import Count, classes, counts
from synth.writer import DropWriter

STAGES = ("founders", "marriage", "births", "adoption", "immigration", "disability",
          "identity", "residence", "employment", "feeds", "noise", "records")
PART_PERSONS = 100_000
Renderer = Callable[[truth.Truth, np.random.Generator], list[pl.DataFrame]]
RENDERERS: dict[str, Renderer] = {
    "household": lambda t, r: [registration.household(t, r)],
    "marriage": registration.marriage, "birth": health.birth,
    "cohabitation": registration.cohabitation, "bloodline": social.bloodline,
    "screening": health.screening, "pregnancy": health.pregnancy,
    "certificate": health.certificate, "disability": health.disability,
    "employment": social.employment, "diagnosis": diagnosis.diagnosis,
}
TRUTH_FRAMES: dict[str, Callable[[truth.Truth], pl.DataFrame]] = {
    "persons": truth.persons_frame, "marriages": truth.marriages_frame,
    "residences": truth.residences_frame, "employment": truth.employment_frame,
    "custody": truth.custody_frame, "step_relations": truth.step_relations_frame,
    "registrations": truth.registrations_frame,
}
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Result:
    """What a run produced: the counts beside the targets, the hard classes, and the noise
    report."""

    counts: tuple[Count, ...]
    noise: dict[str, object]
    classes: tuple[Count, ...] = ()


def generate(n_persons: int, seed: int, out: Path, *, profile: str = "hainan",
             noise: str = "standard", progress: Progress | None = None) -> Result:
    """Generate a synthetic drop of ``n_persons`` persons (alive and dead) into ``out``.

    Args:
        n_persons: Persons in ``truth/persons.parquet``.
        seed: The seed; equal seeds give byte-identical drops.
        out: The drop directory.
        profile: Profile name (``hainan``).
        noise: ``clean``, ``standard`` or ``harsh``.
        progress: Called with a stage name and a fraction done; never prints.

    Returns:
        Counts and the noise report.
    """
    prof, rates = PROFILES[profile], NOISE_LEVELS[noise]
    seeds = dict(zip(STAGES, np.random.SeedSequence(seed).spawn(len(STAGES)), strict=True))
    rng = {k: np.random.default_rng(v) for k, v in seeds.items()}
    tick = progress or (lambda _stage, _done: None)
    pop = population.simulate(n_persons, prof, seeds, tick)
    ids = identity.id_numbers(rng["identity"], pop, prof)
    names = identity.person_names(rng["identity"], pop)
    registry, bonds = residence.register(rng["residence"], pop, prof)
    # The 2015 target is a stock: households with a member at the end of 2015 (the feed
    # itself holds every household since 1990, about twice as many).
    on = day(TARGET_DAY)
    households = registry.episodes.filter(
        (pl.col("from_day") <= on) & (pl.col("to_day") > on))["household"].n_unique()
    jobs = employment.employ(rng["employment"], pop, prof)
    held = records.draw(rng["records"], pop, prof)
    t = truth.Truth.compact(prof, pop, ids, names, registry, jobs, bonds, held)
    del registry
    tick("residence", 1.0)
    starts = range(0, n_persons, PART_PERSONS)
    with DropWriter(out, rates, rng["noise"]) as drop:
        for i, lo in enumerate(starts):
            part = t.part(lo, min(lo + PART_PERSONS, n_persons))
            feeds_rng = np.random.default_rng(_child(seeds["feeds"], i))
            noise_rng = np.random.default_rng(_child(seeds["noise"], i))
            for feed, render in RENDERERS.items():
                drop.feed(feed, render(part, feeds_rng), noise_rng)
            for stem, frame in TRUTH_FRAMES.items():
                drop.truth(stem, frame(part))
            tick("feeds", (i + 1) / len(starts))
        report = drop.report()
    tick("write", 1.0)
    return Result(counts(n_persons, drop.rendered, households), report,
                  classes(t, drop.kinds, drop.facts))


def _child(seq: np.random.SeedSequence, i: int) -> np.random.SeedSequence:
    """The ``i``-th child of a stage's seed, the same however often it is asked for."""
    return np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, i))
