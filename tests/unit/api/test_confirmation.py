"""Confirmation tokens: bound to the decision, the key and the graph's state; they expire."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.confirmation import Confirmations, Subject
from api.problems import ConfirmationInvalid, ConfirmationRequired

NOW = 1_800_000_000.0
LINK = Subject.decision("R0123456789abcdef", "link", [])


@pytest.fixture
def tokens(tmp_path: Path) -> Confirmations:
    return Confirmations.open(tmp_path, seconds=600)


def test_a_token_confirms_its_own_decision(tokens: Confirmations) -> None:
    token, expires = tokens.issue(LINK, "k1", "load-1", now=NOW)
    assert expires == NOW + 600
    tokens.check(token, LINK, "k1", "load-1", now=NOW + 599)


@pytest.mark.parametrize("change", ["key", "state", "review", "decision", "records"])
def test_a_token_refuses_anything_else(tokens: Confirmations, change: str) -> None:
    token, _ = tokens.issue(LINK, "k1", "load-1", now=NOW)
    key, state, subject = "k1", "load-1", LINK
    if change == "key":
        key = "k2"  # another officer's key
    elif change == "state":
        state = "load-2"  # a load or another decision applied since the preview
    elif change == "review":
        subject = Subject.decision("R0123456789abcde0", "link", [])
    elif change == "decision":
        subject = Subject.decision("R0123456789abcdef", "no_link", [])
    else:
        subject = Subject.decision("R0123456789abcdef", "link", ["birth|x|1"])
    with pytest.raises(ConfirmationInvalid):
        tokens.check(token, subject, key, state, now=NOW)


def test_a_token_expires(tokens: Confirmations) -> None:
    token, _ = tokens.issue(LINK, "k1", "load-1", now=NOW)
    with pytest.raises(ConfirmationInvalid):
        tokens.check(token, LINK, "k1", "load-1", now=NOW + 601)


@pytest.mark.parametrize("token", ["", None])
def test_no_token_is_required_first(tokens: Confirmations, token: str | None) -> None:
    with pytest.raises(ConfirmationRequired):
        tokens.check(token, LINK, "k1", "load-1", now=NOW)


@pytest.mark.parametrize("token", ["abc", "123.", "x.y", "9999999999.forged"])
def test_malformed_or_forged_tokens_are_refused(tokens: Confirmations, token: str) -> None:
    with pytest.raises(ConfirmationInvalid):
        tokens.check(token, LINK, "k1", "load-1", now=NOW)


def test_a_token_moved_to_a_later_expiry_is_refused(tokens: Confirmations) -> None:
    token, expires = tokens.issue(LINK, "k1", "load-1", now=NOW)
    stretched = f"{expires + 3600}.{token.split('.', 1)[1]}"
    with pytest.raises(ConfirmationInvalid):
        tokens.check(stretched, LINK, "k1", "load-1", now=NOW)


def test_another_service_secret_refuses_the_token(tokens: Confirmations,
                                                  tmp_path: Path) -> None:
    token, _ = tokens.issue(LINK, "k1", "load-1", now=NOW)
    other = Confirmations.open(tmp_path / "elsewhere", seconds=600)
    with pytest.raises(ConfirmationInvalid):
        other.check(token, LINK, "k1", "load-1", now=NOW)


def test_the_order_of_the_mentions_split_off_does_not_matter() -> None:
    assert Subject.unmerge("P1", ["a|b|c|d", "e|f|g|h"]) == Subject.unmerge(
        "P1", ["e|f|g|h", "a|b|c|d"])
    assert Subject.unmerge("P1", ["a|b|c|d"]) != Subject.unmerge("P2", ["a|b|c|d"])
