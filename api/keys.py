"""API keys: creation, revocation, listing and verification, stored hashed.

A key reads ``kg_<id>_<secret>``: the id (public, 16 hex digits) finds the row,
the secret (256 random bits) is never stored; the row keeps a random salt and
``sha256(salt + secret)``. A 256-bit random secret needs no slow hash: there is
no dictionary to attack.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from kingraph.errors import InvalidArgument

PREFIX = "kg"


class Role(StrEnum):
    """What a key may call and see."""

    OFFICER = "officer"
    RESEARCHER = "researcher"
    SERVICE = "service"
    ADMIN = "admin"


@dataclass(frozen=True)
class ApiKey:
    """One stored key, without its secret."""

    key_id: str
    name: str
    role: Role
    created: str
    revoked: str | None = None

    @property
    def active(self) -> bool:
        """True until the key is revoked."""
        return self.revoked is None


INSERT_KEY = "INSERT INTO api_key (id, name, role, salt, digest, created) VALUES (?,?,?,?,?,?)"
REVOKE_KEY = "UPDATE api_key SET revoked = ? WHERE id = ? AND revoked IS NULL"
LIST_KEYS = "SELECT id, name, role, created, revoked FROM api_key ORDER BY created, id"
FIND_KEY = "SELECT id, name, role, created, revoked, salt, digest FROM api_key WHERE id = ?"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _digest(salt: bytes, secret: str) -> bytes:
    return hashlib.sha256(salt + secret.encode()).digest()


def create(conn: sqlite3.Connection, role: Role, name: str) -> tuple[ApiKey, str]:
    """Create a key; the raw key is returned once and never stored.

    Args:
        conn: The state database.
        role: The role the key acts in.
        name: Who or what holds the key (a label, not personal data).

    Returns:
        The stored key and the raw key to hand over.
    """
    if not name.strip():
        raise InvalidArgument("a key needs a non-empty name", reason="key_name_empty")
    key_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_bytes(16)
    key = ApiKey(key_id, name.strip(), Role(role), _now())
    conn.execute(INSERT_KEY, (key.key_id, key.name, key.role.value, salt,
                              _digest(salt, secret), key.created))
    return key, f"{PREFIX}_{key_id}_{secret}"


def revoke(conn: sqlite3.Connection, key_id: str) -> bool:
    """Revoke a key; False when no active key has that id."""
    return conn.execute(REVOKE_KEY, (_now(), key_id)).rowcount == 1


def listing(conn: sqlite3.Connection) -> list[ApiKey]:
    """Every key ever created, oldest first."""
    return [ApiKey(i, n, Role(r), c, v) for i, n, r, c, v in conn.execute(LIST_KEYS)]


def split(raw: str) -> tuple[str, str] | None:
    """The (id, secret) of a raw key, or None when it is not shaped like one."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 16 or not parts[2]:
        return None
    return parts[1], parts[2]


def verify(conn: sqlite3.Connection, raw: str) -> ApiKey | None:
    """The active key matching a raw key, or None (unknown, wrong secret, revoked)."""
    parts = split(raw)
    row = conn.execute(FIND_KEY, (parts[0],)).fetchone() if parts else None
    if parts is None or row is None:
        return None
    key_id, name, role, created, revoked, salt, digest = row
    if not hmac.compare_digest(_digest(salt, parts[1]), digest) or revoked is not None:
        return None
    return ApiKey(key_id, name, Role(role), created, revoked)
