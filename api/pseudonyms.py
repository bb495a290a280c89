"""Pseudonymous person ids for researchers: a keyed HMAC of the pid, stable.

The key is 256 random bits kept in ``var/pseudonym.key`` (mode 600), created on
first use; without it a pseudonym cannot be linked back to a pid. Pseudonyms
handed out are registered (with the audit entry that issued them) so that a
researcher can come back with one; nothing else can turn them back into pids.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sqlite3
from pathlib import Path

PREFIX = "ps_"
KEY_FILE = "pseudonym.key"
RESOLVE = "SELECT pid FROM pseudonym WHERE pseudonym = ?"


def load_secret(var_dir: Path, name: str = KEY_FILE) -> bytes:
    """A 256-bit secret of the service (default: the pseudonym key) from var_dir, created
    (mode 600) when absent."""
    path = var_dir / name
    if not path.exists():
        # Written whole under a private name, then linked into place: two workers
        # starting at once agree on one secret, and none reads a half-written file.
        var_dir.mkdir(parents=True, exist_ok=True)
        partial = var_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(partial, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            partial.unlink()
    return path.read_bytes()


class Pseudonymizer:
    """Turns pids into stable pseudonyms under one secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the pseudonym secret must hold at least 128 bits")
        self._secret = secret

    def of(self, pid: str) -> str:
        """The pseudonym of a pid: ``ps_`` and 26 base32 characters (130 bits)."""
        mac = hmac.new(self._secret, pid.encode(), hashlib.sha256).digest()
        return PREFIX + base64.b32encode(mac).decode()[:26].lower()


def is_pseudonym(ref: str) -> bool:
    """True when ref is shaped like a pseudonym."""
    return ref.startswith(PREFIX) and len(ref) == len(PREFIX) + 26


def resolve(conn: sqlite3.Connection, pseudonym: str) -> str | None:
    """The pid behind a pseudonym issued earlier, or None."""
    row = conn.execute(RESOLVE, (pseudonym,)).fetchone()
    return None if row is None else str(row[0])
