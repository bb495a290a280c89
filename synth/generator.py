"""The one executor: seed -> population -> registry -> feeds -> noise -> files.

Each stage draws from its own ``numpy.random.Generator`` spawned from
``SeedSequence(seed)``, so stages are independent and a seed fixes every byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from synth import employment, identity, population, residence, truth
from synth.feeds import health, registration, social
from synth.profile import NOISE_LEVELS, PROFILES
from synth.report import Count, counts
from synth.writer import write_drop

STAGES = ("founders", "marriage", "births", "adoption", "immigration", "disability",
          "identity", "residence", "employment", "feeds", "noise")
Renderer = Callable[[truth.Truth, np.random.Generator], list[pl.DataFrame]]
RENDERERS: dict[str, Renderer] = {
    "household": lambda t, r: [registration.household(t, r)],
    "marriage": registration.marriage, "birth": health.birth,
    "cohabitation": registration.cohabitation, "bloodline": social.bloodline,
    "screening": health.screening, "pregnancy": health.pregnancy,
    "certificate": health.certificate, "disability": health.disability,
    "employment": social.employment,
}
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Result:
    """What a run produced: the counts beside the targets and the noise report."""

    counts: tuple[Count, ...]
    noise: dict[str, object]


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
    t = truth.Truth(prof, pop, identity.id_numbers(rng["identity"], pop, prof),
                    identity.person_names(rng["identity"], pop),
                    residence.register(rng["residence"], pop, prof),
                    employment.employ(rng["employment"], pop, prof))
    tick("residence", 1.0)
    feeds = {}
    for i, (feed, render) in enumerate(RENDERERS.items()):
        feeds[feed] = render(t, rng["feeds"])
        tick("feeds", (i + 1) / len(RENDERERS))
    frames = {"persons": truth.persons_frame(t), "marriages": truth.marriages_frame(t),
              "residences": truth.residences_frame(t), "employment": truth.employment_frame(t)}
    report = write_drop(out, feeds, frames, rng["noise"], rates)
    tick("write", 1.0)
    households = feeds["household"][0]["household_id"].n_unique()
    return Result(counts(n_persons, feeds, households), report)



