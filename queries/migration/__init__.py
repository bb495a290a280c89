"""Migration: a person's registration and residence history, family moves, flows, charts.

:mod:`~queries.migration.residence` turns episodes into a timeline and moves (pure);
:mod:`~queries.migration.trajectories` reads them from the graph (a person's
trajectory, the moves a family made together, flows between divisions);
:mod:`~queries.migration.chart` draws the flows.
"""

from queries.migration.chart import ChartOptions, cjk_font, figure
from queries.migration.residence import Episode, Move
from queries.migration.trajectories import (
    VIEWS,
    FamilyMove,
    Flows,
    Trajectory,
    View,
    family_moves,
    flows,
    trajectory,
)

__all__ = [
    "VIEWS", "ChartOptions", "Episode", "FamilyMove", "Flows", "Move", "Trajectory", "View",
    "cjk_font", "family_moves", "figure", "flows", "trajectory",
]
