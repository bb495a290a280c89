"""Birth-permit eligibility: the policy as data, one evaluator, permits and glory certificates.

:mod:`~queries.eligibility.policy` reads the policy versions
(``data/birth_policy.json``); :mod:`~queries.eligibility.couple_facts` holds what a
decision is made on; :mod:`~queries.eligibility.conditions` and
:mod:`~queries.eligibility.evaluator` decide; :mod:`~queries.eligibility.glory` decides
one-child glory certificates.  On the graph: :mod:`~queries.eligibility.spouse_rows`
(the rows of one spouse into facts), :mod:`~queries.eligibility.from_graph` (a couple's
facts read from the graph, and decisions on them) and
:mod:`~queries.eligibility.permits` (issuing, revoking and recording permits; the
department's own permits in :mod:`~queries.eligibility.department`).  The operator's
table: :mod:`~queries.eligibility.policy_file` (checked with lines and reasons);
:mod:`~queries.eligibility.whatif` runs a draft over every couple; :mod:`~queries.eligibility.sheet`
is an officer's decision sheet.
"""

from queries.eligibility import policy, policy_file, sheet, whatif
from queries.eligibility.couple_facts import (
    ChildFacts,
    CoupleFacts,
    HukouType,
    MarriageFacts,
    Parentage,
    SpouseFacts,
)
from queries.eligibility.evaluator import Decision, Outcome, PermitKind, decide
from queries.eligibility.from_graph import (
    Couple,
    decide_couple,
    decide_glory,
    decide_many_async,
    decide_refs,
    decide_refs_async,
    gather,
)
from queries.eligibility.glory import GloryDecision, GloryOutcome
from queries.eligibility.permits import IssueReport, issue, issue_couple, recent
from queries.eligibility.policy import Bilingual, Policy, PolicyVersion

__all__ = [
    "Bilingual", "ChildFacts", "Couple", "CoupleFacts", "Decision", "GloryDecision", "GloryOutcome",
    "HukouType", "IssueReport", "MarriageFacts", "Outcome", "Parentage", "PermitKind", "Policy",
    "PolicyVersion", "SpouseFacts", "decide", "decide_couple", "decide_glory",
    "decide_many_async", "decide_refs", "decide_refs_async", "gather", "issue", "issue_couple",
    "policy", "policy_file", "recent", "sheet", "whatif",
]
