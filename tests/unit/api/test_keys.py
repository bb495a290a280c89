"""API keys: hashed storage, verification, revocation."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api import keys, state
from api.keys import Role


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = state.connect(tmp_path / "service.db")
    yield c
    c.close()


def test_a_created_key_verifies_with_its_role(conn: sqlite3.Connection) -> None:
    key, raw = keys.create(conn, Role.OFFICER, "desk 1")
    found = keys.verify(conn, raw)
    assert found is not None and found.key_id == key.key_id and found.role is Role.OFFICER


def test_the_secret_carries_256_bits() -> None:
    # token_urlsafe(32): 32 random bytes -> 43 base64url characters.
    _, raw = keys.create(_memory(), Role.ADMIN, "x")
    assert len(raw.split("_", 2)[2]) == 43


def _memory() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:", isolation_level=None)
    c.executescript(state.SCHEMA)
    return c


def test_only_a_salted_sha256_is_stored(conn: sqlite3.Connection) -> None:
    key, raw = keys.create(conn, Role.SERVICE, "svc")
    secret = raw.split("_", 2)[2]
    salt, digest = conn.execute("SELECT salt, digest FROM api_key WHERE id = ?",
                                (key.key_id,)).fetchone()
    assert len(salt) == 16
    assert digest == hashlib.sha256(salt + secret.encode()).digest()
    assert digest != hashlib.sha256(secret.encode()).digest()


def test_two_keys_with_one_secret_would_hash_differently(conn: sqlite3.Connection) -> None:
    keys.create(conn, Role.SERVICE, "a")
    keys.create(conn, Role.SERVICE, "b")
    salts = {row[0] for row in conn.execute("SELECT salt FROM api_key")}
    assert len(salts) == 2


@pytest.mark.parametrize("mangle", [
    lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),  # wrong secret
    lambda raw: "kg_0000000000000000_" + raw.split("_", 2)[2],  # unknown id
    lambda raw: raw.replace("kg_", "xx_", 1),  # wrong prefix
    lambda raw: "",  # empty
    lambda raw: "kg_short_secret",  # malformed id
])
def test_a_wrong_key_is_refused(conn: sqlite3.Connection, mangle: Callable[[str], str]) -> None:
    _, raw = keys.create(conn, Role.OFFICER, "o")
    assert keys.verify(conn, mangle(raw)) is None


def test_a_revoked_key_is_refused_and_listed_as_revoked(conn: sqlite3.Connection) -> None:
    key, raw = keys.create(conn, Role.RESEARCHER, "lab")
    assert keys.revoke(conn, key.key_id)
    assert keys.verify(conn, raw) is None
    assert not keys.revoke(conn, key.key_id)  # already revoked
    [listed] = keys.listing(conn)
    assert listed.key_id == key.key_id and not listed.active


def test_a_key_needs_a_name(conn: sqlite3.Connection) -> None:
    from kingraph.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        keys.create(conn, Role.ADMIN, "  ")

