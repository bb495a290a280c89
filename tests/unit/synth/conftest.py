"""One small drop per session, generated once (clean and standard noise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.generator import Result, generate

PERSONS = 4000


@pytest.fixture(scope="session")
def drop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("standard")
    return out, generate(PERSONS, 7, out, noise="standard")


@pytest.fixture(scope="session")
def clean_drop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("clean")
    return out, generate(PERSONS, 7, out, noise="clean")
