"""Files written whole or not at all.

A file is written under a temporary name in its own folder, flushed and fsynced,
renamed over its final name and the folder fsynced, so a kill or a power cut at any
instant leaves either the old file or the new one, never a truncated mix.  Every
file a later run reads (the ingest store's rows, applied state and load records,
fusion's work files) is written through here.

Temporary names start with a dot and end in ``.tmp`` (``.rows.parquet.4f2a9c.tmp``),
so globs for ``*.parquet`` never see one; :func:`sweep` removes those a killed
writer left behind.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

__all__ = ["fsync", "make_dirs", "replace", "sweep", "write_json", "write_parquet", "write_text"]

TEMPORARY = ".*.tmp"


def fsync(path: Path) -> None:
    """Flush a file or a folder (its entries) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each new entry made durable."""
    missing = []
    for part in (folder, *folder.parents):
        if part.exists():
            break
        missing.append(part)
    for part in reversed(missing):
        part.mkdir(exist_ok=True)
        fsync(part.parent)


@contextmanager
def replace(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it atomically becomes ``path``.

    If the block raises, the temporary file is removed and ``path`` is untouched.
    """
    make_dirs(path.parent)
    temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        yield temporary
        fsync(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync(path.parent)


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` as parquet, atomically."""
    with replace(path) as temporary:
        frame.write_parquet(temporary)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``, atomically."""
    with replace(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_json(path: Path, value: Any) -> None:
    """Write ``value`` as JSON to ``path``, atomically."""
    write_text(path, json.dumps(value, ensure_ascii=False, default=str))


def sweep(folder: Path) -> int:
    """Remove the temporary files killed writers left under ``folder``; returns how many.

    Only while no writer can be at work there (the store lock is held).
    """
    if not folder.is_dir():
        return 0
    found = list(folder.rglob(TEMPORARY))
    for path in found:
        path.unlink(missing_ok=True)
    return len(found)
