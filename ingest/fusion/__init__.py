"""Fusion: which mentions are the same person, and stable person ids.

Definitions as data: :mod:`~ingest.fusion.blocking` (which pairs are looked at) and
:mod:`~ingest.fusion.comparisons` (what is compared); one resolver,
:mod:`~ingest.fusion.resolution`, runs them: deterministic entities on anchored ID
numbers (:mod:`~ingest.fusion.entities`), Fellegi–Sunter weights
(:mod:`~ingest.fusion.weights`), evidence from the row's other persons
(:mod:`~ingest.fusion.context`) and from mothers and newborns
(:mod:`~ingest.fusion.family_evidence`), vetoes of persons who could not have lived
(:mod:`~ingest.fusion.lifetimes`) and clustering into pids
(:mod:`~ingest.fusion.clusters`); its heavy steps run on an executor, local or Spark
(:mod:`~ingest.fusion.executors`, :class:`Engine`).  :mod:`~ingest.fusion.child_process`
runs a resolution in a child process (the Spark driver too);
:mod:`~ingest.fusion.evaluation` scores it against a synthetic drop's truth.
"""

from ingest.fusion.blocking import BlockStats
from ingest.fusion.comparisons import COMPARISONS, Comparison
from ingest.fusion.evaluation import Score, evaluate, person_score
from ingest.fusion.executors import Engine
from ingest.fusion.lifetimes import MIN_PARENT_AGE_YEARS
from ingest.fusion.pieces import PieceLimits
from ingest.fusion.resolution import RESOLVER_COLUMNS, Decisions, Resolution, Thresholds, resolve
from ingest.fusion.weights import LevelWeights

__all__ = [
    "COMPARISONS", "Comparison", "MIN_PARENT_AGE_YEARS", "RESOLVER_COLUMNS", "BlockStats",
    "Decisions", "Engine", "LevelWeights", "PieceLimits", "Resolution", "Score", "Thresholds",
    "evaluate", "person_score", "resolve",
]
