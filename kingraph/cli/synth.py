"""``kingraph synth``: write a synthetic province drop (feeds plus ``truth/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from rich.table import Table

from kingraph.cli.common import console
from synth.generator import generate
from synth.profile import NOISE_LEVELS, PROFILES


def synth(
    persons: Annotated[int, typer.Option(
        help="Persons in the truth table (alive and dead), not the living population.")],
    seed: Annotated[int, typer.Option(help="Seed; the same seed gives byte-identical files.")],
    out: Annotated[Path, typer.Option(help="Drop directory to write.")],
    profile: Annotated[str, typer.Option(help=f"One of {sorted(PROFILES)}.")] = "hainan",
    noise: Annotated[str, typer.Option(help=f"One of {sorted(NOISE_LEVELS)}.")] = "standard",
) -> None:
    """Generate a synthetic province: department feeds with noise, and the ground truth."""
    if profile not in PROFILES or noise not in NOISE_LEVELS or persons < 10:
        raise typer.BadParameter("unknown profile or noise level, or fewer than 10 persons")
    with Progress(console=console) as bar:
        tasks: dict[str, TaskID] = {}

        def tick(stage: str, done: float) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=1.0)
            bar.update(tasks[stage], completed=done)

        result = generate(persons, seed, out, profile=profile, noise=noise, progress=tick)
    table = Table("count", "generated", "2015 target (scaled)")
    for c in result.counts:
        table.add_row(c.name, f"{c.generated:,}", f"{c.target:,.0f}")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``synth`` command to the app."""
    app.command("synth")(synth)
