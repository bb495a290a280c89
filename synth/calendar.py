"""Dates as integer days since 1970-01-01 (numpy ``int64``), the generator's clock.

Vector arithmetic on days is what makes the simulation fast; these helpers turn
calendar facts (a birthday plus so many years) into day counts exactly.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

Days = npt.NDArray[np.int64]
EPOCH = date(1970, 1, 1)
YEAR = 365.2425


def day(value: date) -> int:
    """Days since the epoch for one date."""
    return (value - EPOCH).days


def add_years(days: Days, years: npt.ArrayLike) -> Days:
    """The same calendar day ``years`` later (29 February becomes 1 March).

    Args:
        days: Dates as days since the epoch.
        years: Whole years to add, scalar or per element.

    Returns:
        Dates as days since the epoch.
    """
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    month_start = d.astype("datetime64[M]")
    months = (month_start - y.astype("datetime64[M]")).astype(np.int64)
    dom = (d - month_start).astype(np.int64)
    new_y = y + np.asarray(years, dtype=np.int64)
    new_m = new_y.astype("datetime64[M]") + months
    out = new_m.astype("datetime64[D]") + dom
    result: Days = out.astype(np.int64)
    return result


def year_of(days: Days) -> npt.NDArray[np.int64]:
    """Calendar year of each date."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def years(value: float) -> int:
    """A duration of ``value`` years in whole days."""
    return int(round(value * YEAR))
