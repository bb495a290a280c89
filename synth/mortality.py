"""Deaths: infant mortality and a Gompertz adult hazard that improve by birth cohort.

Ages at death are drawn once per person at birth (inverse-CDF sampling), so the
rest of the simulation only compares dates.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from synth.calendar import YEAR, Days, year_of

#: (birth year, infant mortality, modal adult age at death), interpolated linearly.
COHORT_TABLE = np.array([
    (1900, 0.20, 66.0), (1920, 0.16, 70.0), (1950, 0.09, 76.0), (1970, 0.04, 80.0),
    (1990, 0.025, 82.0), (2010, 0.008, 85.0), (2030, 0.004, 87.0),
])
GOMPERTZ_B = 0.095


def death_days(rng: np.random.Generator, birth: Days, *, adult: bool = False) -> Days:
    """Draw the date of death of each person (may lie in the future: still alive).

    Args:
        rng: The stage's generator.
        birth: Birth dates as days since the epoch.
        adult: Condition on surviving childhood (founders and immigrants).

    Returns:
        Death dates as days since the epoch.
    """
    by = year_of(birth).astype(np.float64)
    q0 = np.interp(by, COHORT_TABLE[:, 0], COHORT_TABLE[:, 1])
    mode = np.interp(by, COHORT_TABLE[:, 0], COHORT_TABLE[:, 2])
    age = _gompertz(rng, mode)
    infant = rng.random(birth.size) < q0
    if adult:
        age = np.maximum(age, 25.0 + rng.random(birth.size) * 30.0 * (age < 25.0))
    else:
        age = np.where(infant, rng.random(birth.size) * 2.0, age)
    return birth + (age * YEAR).astype(np.int64)


def _gompertz(rng: np.random.Generator, mode: npt.NDArray[np.float64]
              ) -> npt.NDArray[np.float64]:
    a = GOMPERTZ_B * np.exp(-GOMPERTZ_B * mode)
    u = rng.random(mode.size)
    return np.log1p(-GOMPERTZ_B / a * np.log(u)) / GOMPERTZ_B
