"""Hainan birth-policy versions as data: eras, rules, legal references, readings.

``data/birth_policy.json`` is the packaged table; the operator's own file replaces it
(:mod:`queries.eligibility.policy_file` validates a file, ``kingraph policy use FILE``
makes it the active one, the ``KINGRAPH_POLICY_FILE`` setting names one).  Each version
has an effective date (inclusive), the rules in force, how children are counted,
and which child orders need only a registration (生育登记).  A version may
inherit an earlier one's rules, drop some, mark the inherited ones as review-only
and add its own; a rule keeps the id of the instrument that made it.  A version whose
effective date is unconfirmed states a review window around it.  The table covers
days up to ``covers_until``.

This module only types the table and holds the active one (:func:`activate`,
:func:`load`); :mod:`queries.eligibility.evaluator` is the one evaluator.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from kingraph.errors import ConfigError

TABLE = "birth_policy.json"


class Effect(StrEnum):
    """What a met rule does."""

    GRANT = "grant"  # the next child may be approved or registered
    REVIEW = "review"  # the rule may still apply: an officer decides


class MultipleBirth(StrEnum):
    """How a multiple birth counts."""

    EACH_CHILD = "each_child"  # twins are two children
    PER_DELIVERY = "per_delivery"  # twins are one birth


class Deceased(StrEnum):
    """How a deceased child counts."""

    COUNT = "count"
    EXCLUDE = "exclude"  # the couple plans anew
    REVIEW = "review"  # the text is unclear: review where it matters


@dataclass(frozen=True)
class Bilingual:
    """One line of text in plain Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True)
class Condition:
    """One test of a rule, named from the evaluator's vocabulary, with its parameters."""

    test: str
    eq: int | None = None
    lt: int | None = None
    at_least: int | None = None
    at_most: int | None = None
    who: str | None = None  # "either" | "both"
    pairs: tuple[tuple[int, int], ...] = ()
    review_pairs: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Rule:
    """A rule: when all its conditions hold, the couple's next child is allowed (or reviewed)."""

    id: str
    when: tuple[Condition, ...]
    legal_reference: str
    text: Bilingual
    effect: Effect = Effect.GRANT
    unclear: Bilingual | None = None  # why a case the text leaves open goes to review
    reading: str | None = None
    legal_reference_zh: str = ""


@dataclass(frozen=True)
class Counting:
    """How an era counts children."""

    multiple_birth: MultipleBirth
    deceased: Deceased
    reading: str


@dataclass(frozen=True)
class ReviewWindow:
    """Days around an unconfirmed effective date within which the date may really lie."""

    days_before: int
    days_after: int

    def contains(self, effective_from: date, day: date) -> bool:
        """Whether ``day`` lies in the window around ``effective_from``."""
        return (effective_from - timedelta(days=self.days_before) <= day
                < effective_from + timedelta(days=self.days_after))


OPEN_WINDOW = ReviewWindow(0, 1_000_000)  # a table that states no window: every later day


@dataclass(frozen=True)
class PolicyVersion:
    """The rules in force from ``effective_from`` (inclusive) until the next version."""

    id: str
    effective_from: date
    effective_from_confirmed: bool
    title: Bilingual
    legal_reference: str
    rules: tuple[Rule, ...] = ()
    counting: Counting | None = None
    registration_max_order: int = 0
    otherwise: str = "ineligible"  # outcome when no rule is met: ineligible | needs_review
    review_only: bool = False
    reading: str | None = None
    legal_reference_zh: str = ""
    review_window: ReviewWindow | None = None  # for an unconfirmed effective date

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError when the version has none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


@dataclass(frozen=True)
class CodeClasses:
    """A code list split into classes: ``classify`` maps a code to its class name."""

    classes: tuple[tuple[str, frozenset[str]], ...]
    default: str
    reading: str

    def classify(self, code: str | None) -> str | None:
        """The class of ``code``; None for an unknown (empty) code."""
        if code is None:
            return None
        return next((name for name, codes in self.classes if code in codes), self.default)


@dataclass(frozen=True)
class GloryRules:
    """The one-child glory certificate (独生子女父母光荣证) rules."""

    legal_reference: str
    issue_until: date
    rules: tuple[Rule, ...]
    reading: str
    legal_reference_zh: str = ""

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id."""
        return next(rule for rule in self.rules if rule.id == rule_id)


@dataclass(frozen=True)
class Policy:
    """The whole table: versions in date order, code classes and the glory rules.

    ``digest`` is the SHA-256 of the file's bytes (12 hex digits), recorded with
    ``table_version`` on every decision and permit; ``source`` says where it was read.
    """

    table_version: str
    versions: tuple[PolicyVersion, ...]
    minorities: CodeClasses  # classes: yes | review | no
    hukou: CodeClasses  # classes: rural | urban | unclear
    glory: GloryRules
    covers_until: date | None = None
    digest: str = ""
    source: str = "packaged"

    @property
    def covers_from(self) -> date:
        """The first day the table speaks of."""
        return self.versions[0].effective_from

    def covers(self, day: date) -> bool:
        """Whether ``day`` lies within the table's range."""
        return self.covers_from <= day and (self.covers_until is None
                                           or day <= self.covers_until)

    def unconfirmed_near(self, day: date) -> PolicyVersion | None:
        """The version with an unconfirmed effective date whose review window holds ``day``."""
        return next((v for v in self.versions if not v.effective_from_confirmed
                     and (v.review_window or OPEN_WINDOW).contains(v.effective_from, day)),
                    None)

    def in_force(self, day: date) -> PolicyVersion:
        """The version in force on ``day`` (effective date inclusive)."""
        current = self.versions[0]
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current

    def previous(self, version: PolicyVersion) -> PolicyVersion | None:
        """The version before ``version``, or None for the first."""
        at = self.versions.index(version)
        return self.versions[at - 1] if at else None

    def version(self, version_id: str) -> PolicyVersion:
        """The version with this id."""
        for version in self.versions:
            if version.id == version_id:
                return version
        raise KeyError(version_id)


def _condition(raw: Mapping[str, Any]) -> Condition:
    pairs = tuple((int(a), int(b)) for a, b in raw.get("pairs", ()))
    review = tuple((int(a), int(b)) for a, b in raw.get("review_pairs", ()))
    return Condition(
        test=raw["test"], eq=raw.get("eq"), lt=raw.get("lt"), at_least=raw.get("at_least"),
        at_most=raw.get("at_most"), who=raw.get("who"), pairs=pairs, review_pairs=review)


def _text(raw: Mapping[str, Any], prefix: str = "") -> Bilingual | None:
    zh, en = raw.get(f"{prefix}zh"), raw.get(f"{prefix}en")
    return Bilingual(zh, en) if zh and en else None


def _rule(raw: Mapping[str, Any], default_reference: tuple[str, str] = ("", "")) -> Rule:
    text = _text(raw)
    if text is None:
        raise ConfigError(f"{TABLE}: rule {raw.get('id')} lacks its Chinese or English text")
    return Rule(
        id=raw["id"], when=tuple(_condition(c) for c in raw.get("when", ())),
        legal_reference=raw.get("legal_reference", default_reference[0]), text=text,
        unclear=_text(raw, "unclear_"), reading=raw.get("reading"),
        legal_reference_zh=raw.get("legal_reference_zh", default_reference[1]))


def _counting(raw: Mapping[str, Any]) -> Counting:
    return Counting(MultipleBirth(raw["multiple_birth"]), Deceased(raw["deceased"]),
                    raw.get("reading", ""))


def _inherited(raw: Mapping[str, Any], parent: PolicyVersion) -> tuple[Rule, ...]:
    dropped = set(raw.get("drop", ()))
    unknown = dropped - {rule.id for rule in parent.rules}
    if unknown:
        raise ConfigError(f"{TABLE}: version {raw['id']} drops unknown rules {sorted(unknown)}")
    kept = [rule for rule in parent.rules if rule.id not in dropped]
    if raw.get("inherited_effect") == Effect.REVIEW:
        note = _text(raw, "inherited_note_")
        kept = [replace(rule, effect=Effect.REVIEW, unclear=note) for rule in kept]
    return tuple(kept)


def _version(raw: Mapping[str, Any], earlier: Mapping[str, PolicyVersion]) -> PolicyVersion:
    parent = earlier[raw["inherits"]] if "inherits" in raw else None
    rules = _inherited(raw, parent) if parent else ()
    added = raw.get("rules", ()) or raw.get("add", ())
    reference = (raw["legal_reference"], raw.get("legal_reference_zh", ""))
    rules += tuple(_rule(r, reference) for r in added)
    counting = _counting(raw["counting"]) if "counting" in raw else None
    window = raw.get("review_window")
    return PolicyVersion(
        id=raw["id"], effective_from=date.fromisoformat(raw["effective_from"]),
        effective_from_confirmed=bool(raw["effective_from_confirmed"]),
        title=Bilingual(raw["title_zh"], raw["title_en"]),
        legal_reference=raw["legal_reference"], rules=rules,
        counting=counting or (parent.counting if parent else None),
        registration_max_order=raw.get(
            "registration_max_order", parent.registration_max_order if parent else 0),
        otherwise=raw.get("otherwise", parent.otherwise if parent else "ineligible"),
        review_only=bool(raw.get("review_only", False)), reading=raw.get("reading"),
        legal_reference_zh=raw.get("legal_reference_zh", ""),
        review_window=ReviewWindow(int(window.get("days_before", 0)),
                                   int(window.get("days_after", 0))) if window else None)


def _versions(raws: list[Mapping[str, Any]]) -> tuple[PolicyVersion, ...]:
    built: dict[str, PolicyVersion] = {}
    for raw in raws:
        version = _version(raw, built)
        if not version.review_only and (version.counting is None or not version.rules):
            raise ConfigError(f"{TABLE}: version {version.id} has no counting or no rules")
        built[version.id] = version
    ordered = tuple(built.values())
    if list(ordered) != sorted(ordered, key=lambda v: v.effective_from):
        raise ConfigError(f"{TABLE}: versions are not in date order")
    return ordered


def _classes(raw: Mapping[str, Any], names: Mapping[str, str], default: str) -> CodeClasses:
    classes = tuple((name, frozenset(raw[key])) for key, name in names.items())
    return CodeClasses(classes, default, raw.get("reading", ""))


def _glory(raw: Mapping[str, Any]) -> GloryRules:
    reference = (raw["legal_reference"], raw.get("legal_reference_zh", ""))
    rules = tuple(_rule(r, reference) for r in raw["rules"])
    return GloryRules(raw["legal_reference"], date.fromisoformat(raw["issue_until"]), rules,
                      raw.get("reading", ""), raw.get("legal_reference_zh", ""))


def digest(data: bytes) -> str:
    """The table digest recorded on decisions: SHA-256 of the file's bytes, 12 hex digits."""
    return hashlib.sha256(data).hexdigest()[:12]


def parse(raw: Mapping[str, Any], *, table_digest: str = "", source: str = "packaged") -> Policy:
    """Build a :class:`Policy` from the table's JSON object.

    The object is not checked here beyond what building needs: an operator's file goes
    through :func:`queries.eligibility.policy_file.read` first.

    Args:
        raw: The decoded JSON table.
        table_digest: The file's :func:`digest`.
        source: Where the table was read (a path, or ``packaged``).

    Returns:
        The typed, frozen policy.

    Raises:
        ConfigError: The table is inconsistent (unknown inherited rule, missing text,
            versions out of date order, unknown counting mode).
    """
    try:
        until = raw.get("covers_until")
        return Policy(
            table_version=raw["table_version"], versions=_versions(raw["versions"]),
            minorities=_classes(raw["minorities"], {"qualifying": "yes", "review": "review",
                                                    "not_qualifying": "no"}, "review"),
            hukou=_classes(raw["hukou"], {"rural": "rural", "urban": "urban"}, "unclear"),
            glory=_glory(raw["glory_certificate"]),
            covers_until=date.fromisoformat(until) if until else None,
            digest=table_digest, source=source)
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"{TABLE}: malformed table ({type(exc).__name__}: {exc})") from exc


def packaged_bytes() -> bytes:
    """The packaged table file."""
    return (resources.files("queries.eligibility") / "data" / TABLE).read_bytes()


@cache
def _packaged() -> Policy:
    data = packaged_bytes()
    return parse(json.loads(data.decode("utf-8")), table_digest=digest(data))


def packaged() -> Policy:
    """The packaged table (``data/birth_policy.json``), read once."""
    return _packaged()


_active: list[Policy] = []  # the table :func:`activate` chose for this process, if any


def activate(policy: Policy | None) -> None:
    """Make ``policy`` the table every decision of this process uses by default (None:
    the packaged one).  The command line and the API call it once at start, from the
    settings (:func:`queries.eligibility.policy_file.active`)."""
    _active[:] = [policy] if policy is not None else []


def load() -> Policy:
    """The active policy table: the one :func:`activate` chose, else the packaged one."""
    return _active[0] if _active else _packaged()


def in_force(day: date, policy: Policy | None = None) -> PolicyVersion:
    """The policy version in force on ``day`` (effective date inclusive).

    Args:
        day: The application date.
        policy: The table to use; the packaged one by default.

    Returns:
        The version; before 2003-10-22 a review-only version.
    """
    return (policy or load()).in_force(day)
