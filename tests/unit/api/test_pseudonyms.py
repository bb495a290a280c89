"""Pseudonyms: stable under one key, unlinkable without it."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import stat
from pathlib import Path

import pytest

from api import state
from api.pseudonyms import Pseudonymizer, is_pseudonym, load_secret, resolve


def test_the_secret_is_created_once_private_and_kept(tmp_path: Path) -> None:
    first = load_secret(tmp_path)
    assert len(first) == 32
    assert stat.S_IMODE((tmp_path / "pseudonym.key").stat().st_mode) == 0o600
    assert load_secret(tmp_path) == first


def test_a_pseudonym_is_a_keyed_hmac_of_the_pid() -> None:
    import base64

    secret = b"s" * 32
    mac = hmac.new(secret, b"P-1", hashlib.sha256).digest()
    expected = "ps_" + base64.b32encode(mac).decode()[:26].lower()
    assert Pseudonymizer(secret).of("P-1") == expected


def test_pseudonyms_are_stable_distinct_and_key_dependent() -> None:
    one, two = Pseudonymizer(b"a" * 32), Pseudonymizer(b"b" * 32)
    assert one.of("P-1") == one.of("P-1")
    assert one.of("P-1") != one.of("P-2")
    assert one.of("P-1") != two.of("P-1")
    assert is_pseudonym(one.of("P-1")) and not is_pseudonym("P-1")


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        Pseudonymizer(b"short")


def test_only_issued_pseudonyms_resolve(tmp_path: Path) -> None:
    conn: sqlite3.Connection = state.connect(tmp_path / "service.db")
    conn.execute("INSERT INTO pseudonym VALUES ('ps_a', 'P-1')")
    assert resolve(conn, "ps_a") == "P-1"
    assert resolve(conn, "ps_b") is None
