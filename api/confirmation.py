"""Confirmation tokens: a merge goes ahead only as its preview described it.

A preview of a merge (a ``link`` decision, an unmerge) hands out a token: an HMAC,
under a secret of the service, of what is decided (the review item or the person and
the mentions split off, and the decision), who decides (the key id), the graph's
applied state the preview was read against (:func:`ingest.stewardship.state_stamp`)
and when the token expires.  The decision's route recomputes it from the request,
the caller's key and the state as it is then: another key, another decision, a load
or another decision applied meanwhile, or an expired token, and the officer previews
again.  Nothing is stored; the secret (``confirmation.key``, mode 600) never leaves
the service.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from pathlib import Path

from api.problems import ConfirmationInvalid, ConfirmationRequired
from api.pseudonyms import load_secret

KEY_FILE = "confirmation.key"


@dataclass(frozen=True)
class Subject:
    """What a token confirms: a decision on one review item, or one unmerge."""

    what: str  # "review:<id>:<decision>" or "unmerge:<pid>:<digest of the mentions>"

    @staticmethod
    def decision(review_id: str, decision: str, records: list[str]) -> Subject:
        """A decision on a review item (with the records it dismisses, if any)."""
        return Subject(f"review:{review_id}:{decision}:{_digest(records)}")

    @staticmethod
    def unmerge(pid: str, mentions: list[str]) -> Subject:
        """Splitting these mentions off a person."""
        return Subject(f"unmerge:{pid}:{_digest(mentions)}")


def _digest(items: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(set(items))).encode()).hexdigest()[:32]


class Confirmations:
    """Issues and checks tokens under the service's secret."""

    def __init__(self, secret: bytes, seconds: int) -> None:
        self._secret = secret
        self._seconds = seconds

    @staticmethod
    def open(state_dir: Path, seconds: int) -> Confirmations:
        """Tokens under the secret in the state directory (created when absent)."""
        return Confirmations(load_secret(state_dir, KEY_FILE), seconds)

    def _mac(self, expires: int, subject: Subject, key_id: str, state: str) -> str:
        message = f"{expires}\n{subject.what}\n{key_id}\n{state}".encode()
        mac = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def issue(self, subject: Subject, key_id: str, state: str,
              now: float | None = None) -> tuple[str, int]:
        """A token and its expiry (Unix seconds)."""
        expires = int(now if now is not None else time.time()) + self._seconds
        return f"{expires}.{self._mac(expires, subject, key_id, state)}", expires

    def check(self, token: str | None, subject: Subject, key_id: str, state: str,
              now: float | None = None) -> None:
        """Accept a token issued for this subject, key and state, not yet expired.

        Raises:
            ConfirmationRequired: no token.
            ConfirmationInvalid: the token does not match, or has expired.
        """
        if not token:
            raise ConfirmationRequired("a merge needs the confirmation token of its preview")
        head, _, mac = token.partition(".")
        if not head.isdigit() or not mac:
            raise ConfirmationInvalid("the confirmation token is malformed; preview again")
        expires = int(head)
        if expires < (now if now is not None else time.time()):
            raise ConfirmationInvalid("the confirmation has expired; preview again")
        if not hmac.compare_digest(mac, self._mac(expires, subject, key_id, state)):
            raise ConfirmationInvalid("the confirmation does not match this decision, key or "
                                      "the graph as it is now; preview again")
