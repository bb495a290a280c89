"""Birth-permit eligibility: a couple's facts, judged under the policy version in force.

The rules are data (:mod:`queries.eligibility.policy`, ``data/birth_policy.json``); the
condition vocabulary is :mod:`queries.eligibility.conditions`; :func:`decide` is the one
evaluator.  It never guesses: where a fact is unknown (only-child status, custody,
whether a child is alive, a deceased child in an era whose text does not say how
it counts) it judges every possible value, and a decision that depends on the
unknown is ``needs_review``, naming what is missing.  Data the rules cannot stand
on (a spouse not found, no or conflicting marriage records) is ``needs_review`` too.

The facts are :mod:`queries.eligibility.couple_facts`'s (re-exported here); the Cypher that gathers
them from the graph lives elsewhere; this module is pure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from math import prod

from queries.eligibility import conditions as cond
from queries.eligibility.conditions import Situation, Slot, situation
from queries.eligibility.couple_facts import (
    ChildFacts,
    CoupleFacts,
    HukouType,
    MarriageFacts,
    Parentage,
    SpouseFacts,
    born_by,
    evidence,
)
from queries.eligibility.policy import Bilingual, Effect, Policy, PolicyVersion, load

__all__ = [
    "ChildFacts", "CoupleFacts", "Decision", "HukouType", "MarriageFacts", "Outcome", "Parentage",
    "PermitKind", "Reason", "SpouseFacts", "decide",
]

Reason = Bilingual
MAX_COMPLETIONS = 512  # beyond this many combinations of unknowns, refer for review


class Outcome(StrEnum):
    """What the evaluator concludes."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NEEDS_REVIEW = "needs_review"


class PermitKind(StrEnum):
    """The paper an eligible couple receives."""

    BIRTH_SERVICE = "birth_service"  # 生育服务证: approval
    REGISTRATION = "registration"  # 生育登记: from 2016, within the registration limit


@dataclass(frozen=True)
class Decision:
    """The outcome, for which child, on which rule, why, and on what evidence.

    ``child_order`` is the order of the child applied for among all the children the era
    counts (each spouse's earlier children included); ``child_order_couple`` its order
    among the couple's own children, counted the same way.
    """

    outcome: Outcome
    child_order: int | None
    permit_kind: PermitKind | None
    rule_id: str | None
    policy_version: str
    legal_reference: str
    reasons: tuple[Reason, ...]
    evidence: tuple[str, ...]
    table_version: str = ""  # the policy table revision the decision was made with
    child_order_couple: int | None = None
    legal_reference_zh: str = ""
    table_digest: str = ""  # SHA-256 of the table file, 12 hex digits


@dataclass(frozen=True)
class _Judgement:
    outcome: Outcome
    order: int
    granted: tuple[str, ...]
    unclear: tuple[Reason, ...]
    couple_order: int = 0


def decide(facts: CoupleFacts, as_of: date, policy: Policy | None = None) -> Decision:
    """Decide whether a couple may have their next child under the rules in force on ``as_of``.

    Args:
        facts: The couple's facts, gathered from the graph.
        as_of: The application date; children born after it are not counted.
        policy: The policy table; the packaged one by default.

    Returns:
        The decision with the child order, rule, policy version, reasons and evidence.
        An ineligible decision names the rule that sets the era's basic limit.
    """
    policy = policy or load()
    decision = _decide(facts, as_of, policy)
    if facts.marriage is not None and facts.marriage.inferred:
        keys = facts.marriage.evidence
        named = not any(k.startswith("household|") for k in keys) and any(
            k.startswith(COUPLE_FEEDS) for k in keys)
        said = _say("stated_couple_marriage" if named else "inferred_marriage")
        decision = replace(decision, reasons=(*decision.reasons[:1], said,
                                              *decision.reasons[1:]))
    return replace(decision, table_version=policy.table_version, table_digest=policy.digest)


def _decide(facts: CoupleFacts, as_of: date, policy: Policy) -> Decision:
    version = policy.in_force(as_of)
    if not policy.covers(as_of):
        return _review(version, facts, as_of, (_say(
            "beyond_table", start=policy.covers_from, until=policy.covers_until),))
    problems = _data_problems(facts, as_of, version)
    if problems:
        return _review(version, facts, as_of, problems)
    decision = _evaluate(facts, as_of, version, policy)
    doubtful = policy.unconfirmed_near(as_of)
    if doubtful is None:
        return decision
    other = policy.previous(doubtful) if version is doubtful else doubtful
    if other is None or other.review_only:
        return decision
    return _unconfirmed(decision, _evaluate(facts, as_of, other, policy), doubtful)


def _unconfirmed(decision: Decision, other: Decision, doubtful: PolicyVersion) -> Decision:
    """Refer a decision that the unconfirmed date of ``doubtful`` decides: ``other`` is the
    decision under the version that would be in force had the date fallen otherwise."""
    if (other.outcome, other.child_order) == (decision.outcome, decision.child_order):
        return decision
    lines = [_say("unconfirmed_date", version=doubtful.id, day=doubtful.effective_from)]
    lines += [Reason(_say("under_version", version=decision.policy_version, text=r.zh).zh,
                     _say("under_version", version=decision.policy_version, text=r.en).en)
              for r in decision.reasons]
    n = other.child_order or "?"
    prior = Reason(
        _say("previous_outcome", version=other.policy_version,
             outcome=OUTCOME_ZH[other.outcome], n=n).zh,
        _say("previous_outcome", version=other.policy_version, outcome=other.outcome, n=n).en)
    return replace(decision, outcome=Outcome.NEEDS_REVIEW, permit_kind=None,
                   reasons=(*lines, prior))


def _evaluate(facts: CoupleFacts, as_of: date, version: PolicyVersion,
              policy: Policy) -> Decision:
    sit = situation(facts, as_of, version, policy)
    unknown = cond.slots(sit, cond.reads(version.rules))
    if prod(len(cond.candidates(sit, slot)) for slot in unknown) > MAX_COMPLETIONS:
        lines = tuple(_slot_line(s, sit, "unknown_listed") for s in unknown)
        return _review(version, facts, as_of, (_say("too_many_unknowns"), *lines))
    results = {values: _judge(version, filled) for values, filled in cond.completions(sit, unknown)}
    return _combine(version, facts, as_of, sit, unknown, results)


def _judge(version: PolicyVersion, sit: Situation) -> _Judgement:
    order = sit.number() + 1
    granted: list[str] = []
    unclear: list[Reason] = []
    for rule in version.rules:
        verdict = cond.verdict(rule, sit)
        if verdict is cond.Verdict.MET and rule.effect is Effect.GRANT:
            granted.append(rule.id)
        elif verdict is not cond.Verdict.NOT_MET:
            unclear.append(_rule_unclear(rule.id, rule.unclear))
    couple = sit.number("shared") + 1
    if granted:
        return _Judgement(Outcome.ELIGIBLE, order, tuple(granted), (), couple)
    if unclear or version.otherwise == Outcome.NEEDS_REVIEW:
        return _Judgement(Outcome.NEEDS_REVIEW, order, (), tuple(unclear), couple)
    return _Judgement(Outcome.INELIGIBLE, order, (), (), couple)


def _rule_unclear(rule_id: str, text: Reason | None) -> Reason:
    text = text or _say("text_unclear")
    return Reason(f"{rule_id}：{text.zh}", f"{rule_id}: {text.en}")


Results = dict[tuple[object, ...], _Judgement]


def _combine(version: PolicyVersion, facts: CoupleFacts, as_of: date, sit: Situation,
             unknown: tuple[Slot, ...], results: Results) -> Decision:
    judged = list(results.values())
    common = set.intersection(*({(r, j.order) for r in j.granted} for j in judged))
    orders = {j.order for j in judged}
    order = orders.pop() if len(orders) == 1 else None
    couple_orders = {j.couple_order for j in judged}
    couple = couple_orders.pop() if len(couple_orders) == 1 else None
    mattered = _mattered(sit, unknown, results)
    quiet = tuple(_slot_line(s, sit, "unknown_irrelevant") for s in unknown if s not in mattered)
    if common:
        rule = next(r for r in version.rules if any(r.id == rid for rid, _ in common))
        rule_order = next(o for rid, o in common if rid == rule.id)
        decided = _eligible(version, facts, as_of, sit, (rule.id, rule_order), unknown, quiet)
        return replace(decided, child_order_couple=couple)
    if all(j.outcome is Outcome.INELIGIBLE for j in judged):
        none = (_say("no_rule", version=version.id, n=order) if order
                else _say("no_rule_any", version=version.id))
        quiet += tuple(_slot_line(s, sit, "unknown_irrelevant") for s in mattered)
        lines = (*_count_lines(sit, unknown), none, *quiet)
        decided = _decision(Outcome.INELIGIBLE, order, _limit(version), version, facts, as_of,
                            lines)
        return replace(decided, child_order_couple=couple)
    unclear = tuple(dict.fromkeys(u for j in judged for u in j.unclear))
    lines = unclear + tuple(_slot_line(s, sit, "unknown_matters") for s in mattered)
    if version.otherwise == Outcome.NEEDS_REVIEW and not lines:
        lines = (_say("otherwise_review", version=version.id),)
    decided = _decision(Outcome.NEEDS_REVIEW, order, None, version, facts, as_of,
                        lines or (_say("basis_depends"),))
    return replace(decided, child_order_couple=couple)


def _mattered(sit: Situation, unknown: tuple[Slot, ...], results: Results) -> tuple[Slot, ...]:
    """The unknown slots whose value alone changes the outcome or the child order."""
    found = []
    for i, slot in enumerate(unknown):
        for values, judged in results.items():
            others = (values[:i] + (c,) + values[i + 1:] for c in cond.candidates(sit, slot))
            if any((results[o].outcome, results[o].order) != (judged.outcome, judged.order)
                   for o in others):
                found.append(unknown[i])
                break
    return tuple(found)


def _eligible(version: PolicyVersion, facts: CoupleFacts, as_of: date, sit: Situation,
              granted: tuple[str, int], unknown: tuple[Slot, ...],
              quiet: tuple[Reason, ...]) -> Decision:
    rule, order = version.rule(granted[0]), granted[1]
    head = Reason(f"适用条款 {rule.id}：{rule.text.zh}", f"Rule {rule.id} applies: {rule.text.en}")
    lines = (head, *_count_lines(sit, unknown), *quiet)
    if facts.pledged_one_child and order > 1:
        lines += (_say("glory_note"),)
    kind = (PermitKind.REGISTRATION if order <= version.registration_max_order
            else PermitKind.BIRTH_SERVICE)
    return Decision(Outcome.ELIGIBLE, order, kind, rule.id, version.id, rule.legal_reference,
                    lines, evidence(facts, as_of), legal_reference_zh=rule.legal_reference_zh)


def _limit(version: PolicyVersion) -> str | None:
    """The rule that sets the era's basic number of children (a lone ``counted < n`` test)."""
    return next((r.id for r in version.rules if r.effect is Effect.GRANT and len(r.when) == 1
                 and r.when[0].test == "counted" and r.when[0].lt is not None), None)


def _decision(outcome: Outcome, order: int | None, rule_id: str | None, version: PolicyVersion,
              facts: CoupleFacts, as_of: date, lines: tuple[Reason, ...]) -> Decision:
    source = version.rule(rule_id) if rule_id else version
    return Decision(outcome, order, None, rule_id, version.id, source.legal_reference, lines,
                    evidence(facts, as_of), legal_reference_zh=source.legal_reference_zh)


def _review(version: PolicyVersion, facts: CoupleFacts, as_of: date,
            lines: tuple[Reason, ...]) -> Decision:
    return _decision(Outcome.NEEDS_REVIEW, None, None, version, facts, as_of, lines)


# --- data the rules cannot stand on ---------------------------------------------------

def _data_problems(facts: CoupleFacts, as_of: date, version: PolicyVersion) -> tuple[Reason, ...]:
    if version.review_only:
        return (_say("no_rules", version=version.id),)
    if facts.husband is None or facts.wife is None:
        return (_say("spouse_missing"),)
    if facts.marriage is None:
        return (_say("no_marriage"),)
    checks = _marriage_problems(facts, as_of) + _child_problems(facts, as_of)
    return tuple(_say(key) for key in checks)


def _marriage_problems(facts: CoupleFacts, as_of: date) -> tuple[str, ...]:
    assert facts.husband and facts.wife and facts.marriage
    m, h, w = facts.marriage, facts.husband, facts.wife
    flags = {
        "conflicting_marriage": m.conflicting_records,
        "married_after": m.registered_on > as_of,
        "sex_mismatch": (h.sex, w.sex) != ("1", "2"),
        "marriage_ended": m.ended_on is not None and m.ended_on <= as_of
        and m.registered_on <= as_of,
        "remarriage_conflict": (m.husband_remarriage and h.prior_marriages == 0)
        or (m.wife_remarriage and w.prior_marriages == 0),
        "fuhun_conflict": m.fuhun and min(h.prior_marriages, w.prior_marriages) == 0,
    }
    return tuple(key for key, bad in flags.items() if bad)


def _child_problems(facts: CoupleFacts, as_of: date) -> tuple[str, ...]:
    assert facts.marriage
    kids = born_by(facts, as_of)
    during = any(c.parents is not Parentage.SHARED and c.birth_date >= facts.marriage.registered_on
                 and not c.adopted for c in kids)
    groups: dict[str, set[date]] = {}
    for c in kids:
        if c.plurality_group:
            groups.setdefault(c.plurality_group, set()).add(c.birth_date)
    bad_group = any(len(days) > 1 for days in groups.values())
    return tuple(k for k, bad in (("child_of_one_during", during), ("plurality_conflict",
                                                                     bad_group)) if bad)


# --- reason lines -----------------------------------------------------------------------

MESSAGES: dict[str, Reason] = {
    "no_rules": Reason("申请日期在 {version} 时期，本表未收录该时期的生育规定，需人工审核",
                       "The application date falls in {version}, whose rules this table does "
                       "not hold; refer for review"),
    "spouse_missing": Reason("未找到夫妻一方的人员记录", "A spouse was not found in the graph"),
    "no_marriage": Reason("未找到二人的婚姻登记记录", "No marriage record of the couple was found"),
    "conflicting_marriage": Reason("婚姻登记记录相互矛盾", "The marriage records conflict"),
    "married_after": Reason("婚姻登记日期晚于申请日期", "The marriage was registered after the "
                            "application date"),
    "marriage_ended": Reason("申请日期时二人的婚姻已终止"
                             "（离婚、丧偶，或户籍登记不再显示二人为夫妻）",
                             "The couple's marriage had ended by the application date (divorce, "
                             "death, or the household register no longer shows them as "
                             "spouses)"),
    "inferred_marriage": Reason("婚姻关系系根据户籍登记推定（户主与配偶同户登记），"
                                "未见婚姻登记记录",
                                "The marriage is inferred from household registration (head and "
                                "spouse registered in one household); no marriage record "
                                "states it"),
    "stated_couple_marriage": Reason("婚姻关系系根据血缘、计生证件或孕情登记所载夫妻推定，"
                                     "未见婚姻登记记录，结婚日期不详",
                                     "The marriage is inferred from kinship, family-planning "
                                     "certificate or pregnancy records that name the couple "
                                     "as husband and wife; no marriage record states it and "
                                     "its date is unknown"),
    "sex_mismatch": Reason("夫妻性别代码与丈夫、妻子身份不符",
                           "The spouses' sex codes do not fit husband and wife"),
    "remarriage_conflict": Reason("婚姻记录为再婚，但该配偶无既往婚姻记录",
                                  "The marriage is recorded as a remarriage but the spouse has "
                                  "no earlier marriage on record"),
    "fuhun_conflict": Reason("婚姻记录为复婚，但夫妻一方无既往婚姻记录",
                             "The marriage is recorded as 复婚 but a spouse has no earlier "
                             "marriage on record"),
    "child_of_one_during": Reason("本次婚姻存续期间有仅属夫妻一方的子女出生",
                                  "A child of one spouse only was born during this marriage"),
    "plurality_conflict": Reason("同胎子女的出生日期不一致",
                                 "Children recorded as one delivery have different birth dates"),
    "too_many_unknowns": Reason("未知事实过多，无法判断", "Too many facts are unknown to decide"),
    "text_unclear": Reason("规定文本未明确此种情形，需人工审核",
                           "The text does not settle this case; refer for review"),
    "no_rule": Reason("{version} 时期的规定中，无条款允许生育第{n}个子女",
                      "No rule of {version} allows child {n}"),
    "no_rule_any": Reason("{version} 时期的规定中，无论未知事实如何，均无条款允许再生育",
                          "No rule of {version} allows another child, however the unknown "
                          "facts fall"),
    "otherwise_review": Reason("{version} 时期超出基本生育数量的情形需人工审核",
                               "Under {version} a child beyond the basic number needs review"),
    "basis_depends": Reason("适用的条款取决于未知事实，需人工审核",
                            "Which rule applies depends on unknown facts; refer for review"),
    "unconfirmed_date": Reason("{version} 的生效日期（{day}）待确认，申请日期在其待确认期内，"
                               "且按另一版本结论不同，需人工审核",
                               "The effective date of {version} ({day}) is unconfirmed, the "
                               "application falls within its review window and the other "
                               "version decides differently; refer for review"),
    "beyond_table": Reason("申请日期不在政策表的适用范围（{start} 至 {until}）内，需人工审核",
                           "The application date is outside the policy table's range ({start} "
                           "to {until}); refer for review"),
    "glory_note": Reason("夫妻持有独生子女父母光荣证，再生育后应交回",
                         "The couple holds a one-child glory certificate, to be returned if "
                         "another child is born"),
    "counts": Reason("按本时期计算规则计有子女{n}个（丈夫婚前{h}个，妻子婚前{w}个，夫妻共同{s}个）",
                     "Children counted under this era's rules: {n} (husband's own {h}, wife's "
                     "own {w}, together {s})"),
    "deceased_excluded": Reason("已死亡子女{k}个不计入：夫妻重新安排生育",
                                "Deceased children not counted: {k}; the couple plans anew"),
    "under_version": Reason("按 {version}：{text}", "Under {version}: {text}"),
    "previous_outcome": Reason("按 {version}：{outcome}（第{n}个子女）",
                               "Under {version}: {outcome} (child {n})"),
    "multiple_birth": Reason("多胞胎按实际子女数计算", "A multiple birth counts as the children "
                             "it brought"),
}

OUTCOME_ZH = {Outcome.ELIGIBLE: "符合条件", Outcome.INELIGIBLE: "不符合条件",
              Outcome.NEEDS_REVIEW: "需人工审核"}

_SLOT_TEXT = {
    "only_child": Reason("{who}是否为独生子女", "whether the {who_en} is an only child"),
    "hukou": Reason("{who}的户口性质", "the {who_en}'s hukou type"),
    "minority": Reason("{who}的民族", "the {who_en}'s ethnic group"),
    "counted": Reason("第{i}个子女是否计入（是否健在或本时期规定未明确已死亡子女是否计入）",
                      "whether child {i} counts (alive or not, or the era's text is silent on a "
                      "deceased child)"),
    "girl": Reason("第{i}个子女的性别", "the sex of child {i}"),
    "disabled": Reason("第{i}个子女是否经鉴定为残疾", "whether child {i} is certified disabled"),
    "with_former": Reason("第{i}个子女是否随前配偶生活", "whether child {i} lives with the former "
                          "spouse"),
    "reading": Reason("第{i}个子女是收养子女还是继子女（关系代码27/37/57/58不区分收养与继亲）",
                      "whether child {i} is adopted or a stepchild (relation codes 27/37/57/58 "
                      "mean adopted OR step)"),
}
_SLOT_TAIL = {
    "unknown_listed": Reason("不明", " is unknown"),
    "unknown_matters": Reason("不明，且影响结论，需人工审核",
                              " is unknown and decides the outcome; refer for review"),
    "unknown_irrelevant": Reason("不明，但不影响结论",
                                 " is unknown but does not change the outcome"),
}


# Feeds whose rows name a couple without a wedding day (ingest.derive.relations).
COUPLE_FEEDS = ("bloodline|", "certificate|", "pregnancy|")


def _say(key: str, **values: object) -> Reason:
    text = MESSAGES[key]
    return Reason(text.zh.format(**values), text.en.format(**values))


def _slot_line(slot: Slot, sit: Situation, tail: str) -> Reason:
    where, field = slot
    who = {"husband": ("丈夫", "husband"), "wife": ("妻子", "wife")}.get(where, ("", ""))
    index = int(where) + 1 if where.isdigit() else 0
    head = _SLOT_TEXT[field]
    zh = head.zh.format(who=who[0], i=index)
    en = head.en.format(who_en=who[1], i=index)
    en += _SLOT_TAIL[tail].en
    return Reason(zh + _SLOT_TAIL[tail].zh, en[0].upper() + en[1:])


def _count_lines(sit: Situation, unknown: tuple[Slot, ...]) -> tuple[Reason, ...]:
    if any(field in ("counted", "reading") for _, field in unknown):
        return ()
    lines = [_say("counts", n=sit.number(), h=sit.number("husband"), w=sit.number("wife"),
                  s=sit.number("shared"))]
    excluded = sum(1 for k in sit.kids if k.counted is False)
    if excluded:
        lines.append(_say("deceased_excluded", k=excluded))
    deliveries = {k.delivery for k in sit.counted()}
    if len(deliveries) < len(sit.counted()):
        lines.append(_say("multiple_birth"))
    return tuple(lines)
