"""The operator's policy table file: checked with the line and reason of every problem.

``domain.md`` asks that unconfirmed facts be data the operator can change; the birth
policy table is such data.  :func:`check` refuses a malformed file whole, naming each
problem's line: the JSON itself (syntax, encoding), its shape (a pydantic schema, unknown
fields refused) and its sense: versions in date order with neither gap nor overlap (an
``effective_to``, where given, must end the day before the next version begins), every
inherited version and dropped rule present, every condition test known with the
parameters it takes, a legal reference in both languages, a review window for every
unconfirmed effective date, the table's last covered day not before its last version,
the code classes disjoint, the glory-certificate rules the evaluator names present.

:func:`configured` is the table the settings choose (the ``KINGRAPH_POLICY_FILE`` setting,
else the file ``kingraph policy use`` installed under ``var/policy/``, else the packaged
one); :func:`install` checks a file and installs it, keeping every installed version by
its digest so that a decision's ``table_digest`` always names a file that still exists.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from json_source_map import calculate
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kingraph.errors import ConfigError, PolicyFileError
from queries.eligibility import policy as tables
from queries.eligibility.conditions import PARAMETERS
from queries.eligibility.policy import Policy

INSTALLED = "birth_policy.json"  # under <var>/policy/
GLORY_RULES = ("GLORY-MAY-APPLY-ONE-CHILD", "GLORY-KEEP-ONE-CHILD",
               "GLORY-REVOKE-ANOTHER-CHILD", "GLORY-NOT-ISSUED-AFTER-2015", "GLORY-NONE")
RULE_ID = r"^[A-Z0-9][A-Z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConditionIn(_Strict):
    """One test of a rule (``conditions.VOCABULARY``)."""

    test: str
    eq: int | None = None
    lt: int | None = None
    at_least: int | None = None
    at_most: int | None = None
    who: Literal["either", "both"] | None = None
    pairs: list[tuple[int, int]] = []
    review_pairs: list[tuple[int, int]] = []


class RuleIn(_Strict):
    """A rule: conditions, texts, its legal reference."""

    id: str = Field(pattern=RULE_ID)
    when: list[ConditionIn] = []
    legal_reference: str | None = None
    legal_reference_zh: str | None = None
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    unclear_zh: str | None = None
    unclear_en: str | None = None
    reading: str | None = None


class CountingIn(_Strict):
    """How an era counts children."""

    multiple_birth: Literal["each_child", "per_delivery"]
    deceased: Literal["count", "exclude", "review"]
    reading: str = ""


class WindowIn(_Strict):
    """Days around an unconfirmed effective date."""

    days_before: int = Field(default=0, ge=0)
    days_after: int = Field(default=0, ge=0)
    reading: str = ""


class VersionIn(_Strict):
    """One policy version."""

    id: str = Field(pattern=RULE_ID)
    effective_from: date
    effective_to: date | None = None
    effective_from_confirmed: bool
    review_window: WindowIn | None = None
    review_only: bool = False
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    legal_reference: str = Field(min_length=1)
    legal_reference_zh: str = Field(min_length=1)
    reading: str | None = None
    inherits: str | None = None
    drop: list[str] = []
    inherited_effect: Literal["review"] | None = None
    inherited_note_zh: str | None = None
    inherited_note_en: str | None = None
    registration_max_order: int | None = Field(default=None, ge=0)
    otherwise: Literal["ineligible", "needs_review"] | None = None
    counting: CountingIn | None = None
    rules: list[RuleIn] = []
    add: list[RuleIn] = []


class ClassesIn(BaseModel):
    """A code list split into classes (the class names are the table's keys)."""

    model_config = ConfigDict(extra="allow")
    reading: str = ""
    threshold: str | None = None


class GloryIn(_Strict):
    """The one-child glory certificate rules."""

    legal_reference: str = Field(min_length=1)
    legal_reference_zh: str = Field(min_length=1)
    issue_until: date
    reading: str = ""
    rules: list[RuleIn]


class TableIn(_Strict):
    """The whole table file."""

    table: str
    table_version: str = Field(min_length=1)
    covers_until: date
    covers_until_reading: str = ""
    note: str = ""
    hukou: ClassesIn
    minorities: ClassesIn
    versions: list[VersionIn] = Field(min_length=1)
    glory_certificate: GloryIn


Problem = tuple[str, str]  # (JSON pointer, reason)
CLASSES = {"hukou": ("rural", "urban"), "minorities": ("qualifying", "not_qualifying", "review")}


def _pointer(loc: tuple[int | str, ...]) -> str:
    return "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in loc)


def _schema_problems(error: ValidationError) -> list[Problem]:
    out = []
    for e in error.errors():
        loc = tuple(p for p in e["loc"] if not isinstance(p, str) or p not in ("tuple",))
        where = ".".join(str(p) for p in loc) or "the table"
        out.append((_pointer(loc), f"{where}: {e['msg']}"))
    return out


def _line(source: Mapping[str, Any], pointer: str) -> int | None:
    """The 1-based line of the value at ``pointer``, else of its nearest present parent."""
    while True:
        entry = source.get(pointer)
        if entry is not None:
            start = entry.key_start or entry.value_start
            return int(start.line) + 1
        if not pointer:
            return None
        pointer = pointer.rsplit("/", 1)[0]


# --- the sense of the table -----------------------------------------------------------------

def _dates(table: TableIn) -> Iterator[Problem]:
    versions = table.versions
    for i, (a, b) in enumerate(zip(versions, versions[1:], strict=False), start=1):
        if b.effective_from < a.effective_from:
            yield (f"/versions/{i}/effective_from",
                   f"version {b.id} begins before version {a.id}: versions out of date order")
        elif b.effective_from == a.effective_from:
            yield (f"/versions/{i}/effective_from",
                   f"version {b.id} begins the same day as {a.id}: the versions overlap")
        elif a.effective_to is not None and a.effective_to != b.effective_from - timedelta(1):
            gap = "a gap" if a.effective_to < b.effective_from - timedelta(1) else "an overlap"
            yield (f"/versions/{i - 1}/effective_to",
                   f"version {a.id} ends {a.effective_to} but {b.id} begins "
                   f"{b.effective_from}: {gap} between them")
    last = versions[-1]
    if table.covers_until < last.effective_from:
        yield ("/covers_until", f"covers_until {table.covers_until} is before the last "
               f"version {last.id} begins ({last.effective_from})")
    if last.effective_to is not None and last.effective_to < table.covers_until:
        yield (f"/versions/{len(versions) - 1}/effective_to",
               f"version {last.id} ends {last.effective_to}, before covers_until "
               f"{table.covers_until}: a gap at the end of the table")


def _conditions(rule: RuleIn, where: str) -> Iterator[Problem]:
    for k, c in enumerate(rule.when):
        at = f"{where}/when/{k}"
        if c.test not in PARAMETERS:
            yield (f"{at}/test", f"rule {rule.id}: unknown condition test {c.test!r} "
                   f"(known: {', '.join(sorted(PARAMETERS))})")
            continue
        accepted, needed = PARAMETERS[c.test]
        given = {name for name, value in c.model_dump(exclude={"test"}).items()
                 if value not in (None, [])}
        for name in sorted(given - accepted):
            yield (f"{at}/{name}", f"rule {rule.id}: test {c.test!r} takes no {name!r}")
        if needed and not given & needed:
            yield (at, f"rule {rule.id}: test {c.test!r} needs one of "
                   f"{', '.join(sorted(needed))}")


def _versions(table: TableIn) -> Iterator[Problem]:
    rules_of: dict[str, set[str]] = {}
    counted: dict[str, bool] = {}
    for i, v in enumerate(table.versions):
        at = f"/versions/{i}"
        if v.id in rules_of:
            yield (f"{at}/id", f"version id {v.id} is used twice")
        inherited: set[str] = set()
        if v.inherits is not None:
            if v.inherits not in rules_of:
                yield (f"{at}/inherits", f"version {v.id} inherits {v.inherits}, which is no "
                       "earlier version of the table")
            else:
                inherited = set(rules_of[v.inherits])
                for k, gone in enumerate(v.drop):
                    if gone not in inherited:
                        yield (f"{at}/drop/{k}", f"version {v.id} drops {gone}, which "
                               f"{v.inherits} does not have")
                inherited -= set(v.drop)
        elif v.drop or v.inherited_effect:
            yield (f"{at}/drop" if v.drop else f"{at}/inherited_effect",
                   f"version {v.id} drops or marks inherited rules but inherits nothing")
        own = v.rules + v.add
        seen: set[str] = set()
        for k, rule in enumerate(own):
            where = f"{at}/{'rules' if v.rules else 'add'}/{k}"
            if rule.id in seen or rule.id in inherited:
                yield (f"{where}/id", f"version {v.id}: rule id {rule.id} is used twice")
            seen.add(rule.id)
            yield from _conditions(rule, where)
        rules_of[v.id] = inherited | seen
        counted[v.id] = v.counting is not None or counted.get(v.inherits or "", False)
        if not v.review_only and (not counted[v.id] or not rules_of[v.id]):
            yield (at, f"version {v.id} has no counting or no rules (only a review_only "
                   "version may have none)")
        if not v.effective_from_confirmed and (
                v.review_window is None
                or v.review_window.days_before + v.review_window.days_after == 0):
            yield (f"{at}/effective_from_confirmed", f"version {v.id}: an unconfirmed "
                   "effective date needs a review_window (days_before, days_after)")


def _classes(table: TableIn) -> Iterator[Problem]:
    for name, keys in CLASSES.items():
        raw = getattr(table, name).model_extra or {}
        owner: dict[str, str] = {}
        for key in keys:
            codes = raw.get(key)
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                yield (f"/{name}/{key}" if key in raw else f"/{name}",
                       f"{name}.{key} must be a list of codes")
                continue
            for k, code in enumerate(codes):
                if code in owner:
                    yield (f"/{name}/{key}/{k}", f"{name}: code {code} is in both "
                           f"{owner[code]} and {key}")
                owner[code] = key
        unknown = set(raw) - set(keys)
        for key in sorted(unknown):
            yield (f"/{name}/{key}", f"{name}: unknown class {key!r} (known: "
                   f"{', '.join(keys)})")


def _glory(table: TableIn) -> Iterator[Problem]:
    ids = [r.id for r in table.glory_certificate.rules]
    for rule_id in GLORY_RULES:
        if rule_id not in ids:
            yield ("/glory_certificate/rules", f"glory_certificate: rule {rule_id} is missing "
                   "(the evaluator names it)")


def problems(table: TableIn) -> list[Problem]:
    """Every problem of sense in a table whose shape is right."""
    return [*_dates(table), *_versions(table), *_classes(table), *_glory(table)]


# --- reading, installing, choosing --------------------------------------------------------

def _decoded(data: bytes, name: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PolicyFileError(name, [(line, "the file is not UTF-8")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyFileError(name, [(exc.lineno, f"not valid JSON: {exc.msg} "
                                                  f"(column {exc.colno})")]) from None


def check(data: bytes, name: str = INSTALLED) -> Policy:
    """Check a table file's bytes and build the policy from it.

    Args:
        data: The file's content.
        name: The file's name, for the messages.

    Returns:
        The policy, with the file's digest and ``name`` as its source.

    Raises:
        PolicyFileError: every problem found, each with its line and reason.
    """
    raw = _decoded(data, name)
    found: list[Problem]
    try:
        table = TableIn.model_validate(raw)
        found = problems(table)
    except ValidationError as exc:
        found = _schema_problems(exc)
    if found:
        source = calculate(data.decode("utf-8-sig"))
        raise PolicyFileError(name, sorted(((_line(source, p), reason) for p, reason in found),
                                           key=lambda x: (x[0] or 0)))
    try:
        return tables.parse(raw, table_digest=tables.digest(data), source=name)
    except ConfigError as exc:  # anything the checks above did not foresee
        raise PolicyFileError(name, [(None, str(exc))]) from exc


def read(path: Path) -> Policy:
    """Read and check a table file (:func:`check`); the source is the file's path."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyFileError(path.name, [(None, f"cannot read the file ({exc.strerror})")]
                              ) from None
    return check(data, str(path))


def installed_path(var_dir: Path) -> Path:
    """Where ``kingraph policy use`` installs the operator's table."""
    return var_dir / "policy" / INSTALLED


def configured(policy_file: Path | None, var_dir: Path) -> Policy:
    """The table the settings choose: ``policy_file``, else the installed one, else the
    packaged table."""
    if policy_file is not None:
        return read(policy_file)
    path = installed_path(var_dir)
    return read(path) if path.exists() else tables.packaged()


def install(path: Path, var_dir: Path) -> Policy:
    """Check ``path`` and install it as the active table (atomically), keeping a copy named
    by its digest under ``var/policy/history/``.

    Raises:
        PolicyFileError: the file is malformed; nothing is installed.
    """
    policy = read(path)
    data = path.read_bytes()
    target = installed_path(var_dir)
    for destination in (target.parent / "history" / f"{policy.digest}.json", target):
        _atomic_write(destination, data)
    return tables.parse(json.loads(data.decode("utf-8-sig")), table_digest=policy.digest,
                        source=str(target))


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
