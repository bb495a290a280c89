"""Drops generated once per session: two small ones (clean and standard noise) and a
100 k-person province for the rates that need a large sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.generator import Result, generate

PERSONS = 4000
PROVINCE = 100_000


@pytest.fixture(scope="session")
def drop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("standard")
    return out, generate(PERSONS, 7, out, noise="standard")


@pytest.fixture(scope="session")
def clean_drop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("clean")
    return out, generate(PERSONS, 7, out, noise="clean")


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("province")
    return out, generate(PROVINCE, 3, out, noise="clean")


@pytest.fixture(scope="session")
def noisy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """A 20 k-person drop with harsh noise: enough rows of every hard class."""
    out = tmp_path_factory.mktemp("harsh")
    return out, generate(20_000, 5, out, noise="harsh")
