"""The birth-permit decision sheet: the decision with both spouses, the legal basis and the
evidence as readable rows, after the input checks an officer's application needs.

:func:`sheet` refuses an application the rules cannot be asked about
(:class:`kingraph.errors.InvalidInput`, naming each field): a husband not recorded as a
man or a wife not recorded as a woman, no marriage of the couple in force on the date,
a date outside the policy table's range.  Otherwise it decides as
:func:`queries.eligibility.decide_couple` does and turns every record key the decision
rests on into a row: what kind of record, from which department, of which date, and
what it proves for this decision (labels in Chinese and English).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import neo4j

from graphdb.connection import read
from graphdb.values import day
from kingraph import divisions
from kingraph.errors import InvalidInput, PersonNotFound
from queries.eligibility.couple_facts import CoupleFacts, MarriageFacts, born_by
from queries.eligibility.evaluator import Decision, decide
from queries.eligibility.from_graph import couple_facts, spouse_rows
from queries.eligibility.policy import Bilingual, Policy, load
from queries.eligibility.spouse_rows import Row
from queries.persons.lookup import PersonRecord

SPOUSE_CARDS = """
UNWIND $pids AS pid
MATCH (p:Person {pid: pid})
RETURN p.pid AS pid, p.id_number AS id_number, p.name AS name, p.sex AS sex,
       p.birth_date AS birth_date, p.death_date AS death_date, p.ethnicity AS ethnicity,
       [(p)-[m:MEMBER_OF]->() | {from: m.from_date, to: m.to_date,
                                 division: m.division_code}] AS registrations
"""

EVIDENCE_RECORDS = """
UNWIND $keys AS key
MATCH (r:Record {key: key})
RETURN r.key AS key, r.feed AS feed, r.source AS source, r.data AS data
"""

RECORD_TYPES: dict[str, Bilingual] = {
    "household": Bilingual("户籍登记", "household registration"),
    "marriage": Bilingual("婚姻登记", "marriage registration"),
    "birth": Bilingual("出生登记", "birth record"),
    "bloodline": Bilingual("亲属关系登记", "stated relation"),
    "disability": Bilingual("残疾证", "disability certificate"),
    "certificate": Bilingual("计生证件", "family-planning certificate"),
    "cohabitation": Bilingual("居住登记", "residence registration"),
    "screening": Bilingual("地贫筛查", "thalassemia screening"),
    "pregnancy": Bilingual("孕情登记", "pregnancy registration"),
    "employment": Bilingual("社保参保", "employment"),
}
SUBTYPES: dict[str, Bilingual] = {
    "marriage": Bilingual("结婚登记", "marriage"), "divorce": Bilingual("离婚登记", "divorce"),
    "remarriage": Bilingual("复婚登记", "remarriage"),
    "birth_service": Bilingual("生育服务证", "birth-service permit"),
    "one_child_glory": Bilingual("独生子女父母光荣证", "one-child glory certificate"),
}
DEPARTMENTS: dict[str, Bilingual] = {
    "public_security": Bilingual("公安户籍", "public security (hukou)"),
    "civil_affairs": Bilingual("民政婚姻登记", "civil affairs"),
    "self_collected": Bilingual("基层自采", "collected locally"),
    "birth_platform": Bilingual("出生医学证明平台", "birth certificate platform"),
    "permit_system": Bilingual("计生证件系统", "family-planning permits"),
    "disabled_persons_federation": Bilingual("残联", "disabled persons' federation"),
    "eugenics_check": Bilingual("优生健康检查", "pre-pregnancy check"),
    "hospital": Bilingual("医院", "hospital"),
    "pregnancy_platform": Bilingual("孕情平台", "pregnancy platform"),
    "social_security": Bilingual("社保", "social security"),
}
DATE_FIELDS = {"household": "registered_on", "marriage": "event_date", "birth": "birth_date",
               "bloodline": "collected_on", "disability": "certified_on",
               "certificate": "issued_on", "cohabitation": "from_date",
               "pregnancy": "registered_on", "screening": "test_date",
               "employment": "from_date"}
SIDES = {"husband": ("丈夫", "husband"), "wife": ("妻子", "wife")}


@dataclass(frozen=True)
class SpouseCard:
    """A spouse as the sheet names them: the person and where they are registered."""

    person: PersonRecord
    division: str | None  # today's code of the registration in force on the date

    @property
    def division_name(self) -> str | None:
        """The division's name."""
        return divisions.name(self.division) if self.division else None


@dataclass(frozen=True)
class EvidenceRow:
    """One record a decision rests on, readable: type, department, date, what it proves."""

    key: str
    feed: str
    source: str
    record_type: Bilingual
    department: Bilingual
    on: date | None
    proves: tuple[Bilingual, ...]


@dataclass(frozen=True)
class Sheet:
    """A decision sheet: the couple, the date, the decision, the marriage, the evidence."""

    husband: SpouseCard
    wife: SpouseCard
    as_of: date
    decision: Decision
    marriage: MarriageFacts | None
    evidence: tuple[EvidenceRow, ...]


def _card(row: dict[str, Any], as_of: date) -> SpouseCard:
    person = PersonRecord(str(row["pid"]), row["id_number"], row["name"], row["sex"],
                          day(row["birth_date"]), day(row["death_date"]), row["ethnicity"])
    spans = [(day(r["from"]) or date.min, day(r["to"]), r["division"])
             for r in row["registrations"] if r["division"]]
    held = [s for s in spans if s[0] <= as_of and (s[1] is None or s[1] > as_of)]
    chosen = max(held or [s for s in spans if s[0] <= as_of] or spans,
                 key=lambda s: (s[0], s[2]), default=None)
    return SpouseCard(person, divisions.current(chosen[2]) if chosen else None)


def cards(driver: neo4j.Driver, database: str, pids: Iterable[str],
          as_of: date) -> dict[str, SpouseCard]:
    """Each person with the division of their registration on ``as_of`` (one read)."""
    rows = read(driver, database, "spouse_cards", SPOUSE_CARDS, pids=sorted(set(pids)))
    return {str(r["pid"]): _card(dict(r), as_of) for r in rows}


# --- input checks -----------------------------------------------------------------------

def problems(husband: SpouseCard, wife: SpouseCard, facts: CoupleFacts, as_of: date,
             policy: Policy) -> list[tuple[str, str, str]]:
    """What makes the application unfit to decide: (field, reason, message) each."""
    found = []
    if husband.person.sex != "1":
        found.append(("husband", "not_male", "the person given as husband is not recorded as "
                      "a man"))
    if wife.person.sex != "2":
        found.append(("wife", "not_female", "the person given as wife is not recorded as a "
                      "woman"))
    if not policy.covers(as_of):
        found.append(("as_of", "outside_policy_range", f"the policy table covers "
                      f"{policy.covers_from} to {policy.covers_until}"))
    found += _marriage_problems(facts.marriage, as_of)
    return found


def _marriage_problems(marriage: MarriageFacts | None, as_of: date
                       ) -> list[tuple[str, str, str]]:
    if marriage is None:
        return [("as_of", "no_marriage", "no marriage of the couple is on record")]
    if marriage.registered_on > as_of:
        return [("as_of", "before_marriage",
                 f"their marriage began on {marriage.registered_on}, after the date")]
    if marriage.ended_on is not None and marriage.ended_on <= as_of:
        return [("as_of", "marriage_ended",
                 f"their marriage ended on {marriage.ended_on} ({marriage.end_reason})")]
    return []


# --- evidence ---------------------------------------------------------------------------

Claims = dict[str, list[Bilingual]]


def _claim(claims: Claims, keys: Iterable[str], text: Bilingual) -> None:
    for key in keys:
        if text not in claims.setdefault(key, []):
            claims[key].append(text)


def proofs(h: Row, w: Row, facts: CoupleFacts, as_of: date) -> Claims:
    """What each record key proves for this couple's decision."""
    claims: Claims = {}
    if facts.marriage is not None:
        for key in facts.marriage.evidence:
            household = key.startswith("household|")
            _claim(claims, [key], Bilingual(
                "户主与配偶同户登记：" + ("推定" if facts.marriage.inferred else "佐证")
                + "二人为夫妻", "head and spouse in one household: "
                + ("the marriage is inferred from it" if facts.marriage.inferred
                   else "supports the marriage"))
                if household else Bilingual("二人的婚姻登记", "the couple's marriage"))
    for side, row in (("husband", h), ("wife", w)):
        zh, en = SIDES[side]
        _claim(claims, row["records"], Bilingual(f"{zh}的户籍：民族、户口性质、所在户",
                                                 f"the {en}'s registration: ethnicity, hukou "
                                                 "type, household"))
        parents = [k for p in row["parents"] for k in (p["records"] or [])]
        _claim(claims, parents, Bilingual(f"{zh}的父母：是否独生子女",
                                          f"the {en}'s parents: only child or not"))
    for n, child in enumerate(born_by(facts, as_of), 1):
        for key in child.evidence:
            text = (Bilingual(f"第{n}个子女经鉴定为残疾", f"child {n} certified disabled")
                    if key.startswith("disability|") else
                    Bilingual(f"第{n}个子女的出生或亲子关系", f"child {n}: birth or parentage"))
            _claim(claims, [key], text)
    if facts.pledged_one_child:
        _claim(claims, facts.pledge_evidence, Bilingual("夫妻持有独生子女父母光荣证",
                                                        "the couple holds the glory certificate"))
    return claims


def _row(record: dict[str, Any], claims: Claims) -> EvidenceRow:
    feed, source = str(record["feed"]), str(record["source"])
    data = json.loads(record["data"] or "{}")
    kind = RECORD_TYPES.get(feed, Bilingual(feed, feed))
    sub = SUBTYPES.get(data.get("event") or data.get("type") or "")
    if sub is not None:
        kind = Bilingual(f"{kind.zh}（{sub.zh}）", f"{kind.en} ({sub.en})")
    on = data.get(DATE_FIELDS.get(feed, ""))
    return EvidenceRow(str(record["key"]), feed, source, kind,
                       DEPARTMENTS.get(source, Bilingual(source, source)),
                       day(on), tuple(claims.get(str(record["key"]), ())))


def evidence(driver: neo4j.Driver, database: str, keys: Iterable[str],
             claims: Claims) -> tuple[EvidenceRow, ...]:
    """The records behind ``keys`` as readable rows, in the order given (one read)."""
    wanted = list(dict.fromkeys(keys))
    rows = {str(r["key"]): dict(r) for r in read(driver, database, "evidence_records",
                                                  EVIDENCE_RECORDS, keys=wanted)}
    return tuple(_row(rows[k], claims) for k in wanted if k in rows)


def sheet(driver: neo4j.Driver, database: str, husband: str, wife: str, as_of: date,
          policy: Policy | None = None) -> Sheet:
    """The decision sheet of a couple's application (three reads).

    Args:
        driver: A Neo4j driver.
        database: The database name.
        husband: The husband's pid.
        wife: The wife's pid.
        as_of: The application date.
        policy: The policy table; the active one by default.

    Raises:
        PersonNotFound: a pid names nobody.
        InvalidInput: the application is unfit to decide (each field and reason named).
    """
    policy = policy or load()
    found = cards(driver, database, (husband, wife), as_of)
    if husband not in found or wife not in found:
        raise PersonNotFound("no person has this pid")
    rows = spouse_rows(driver, database, (husband, wife), as_of)
    facts = couple_facts(rows[husband], rows[wife], as_of)
    wrong = problems(found[husband], found[wife], facts, as_of, policy)
    if wrong:
        raise InvalidInput(wrong)
    decision = decide(facts, as_of, policy)
    claims = proofs(rows[husband], rows[wife], facts, as_of)
    return Sheet(found[husband], found[wife], as_of, decision, facts.marriage,
                 evidence(driver, database, decision.evidence, claims))
