"""Homogeneity and stability checks for proficiency-test items (ISO 13528:2015, Annex B)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._errors import FloatArray, InterlabError, as_values, check_positive
from ._sp import stats


@dataclass(frozen=True)
class HomogeneityResult:
    """Between-sample s.d. s_s against 0.3 sigma_pt (B.2.2) and the expanded criterion (B.2.3)."""

    g: int
    m: int
    general_mean: float
    s_x: float
    s_w: float
    s_s: float
    criterion: float
    expanded_criterion: float
    f1: float
    f2: float
    homogeneous: bool
    homogeneous_expanded: bool


@dataclass(frozen=True)
class StabilityResult:
    """|ybar_1 - ybar_2| against 0.3 sigma_pt (B.5.1), optionally widened by 2 sqrt(u1^2 + u2^2)."""

    difference: float
    criterion: float
    expanded_criterion: float | None
    stable: bool


def homogeneity_check(
    data: Sequence[Sequence[float]] | FloatArray, sigma_pt: float, alpha: float = 0.05
) -> HomogeneityResult:
    """ISO 13528:2015, B.3: ``data`` has one row per item (g >= 2) and one column per replicate (m >= 2).

    s_x = standard deviation of the item means, s_w^2 = mean within-item variance
    (= sum(w_t^2)/(2g) for duplicates), s_s = sqrt(max(0, s_x^2 - s_w^2/m)). Criterion s_s <= 0.3 sigma_pt;
    expanded criterion s_s <= sqrt(F1 (0.3 sigma_pt)^2 + F2 s_w^2) with F1 = chi2_{1-alpha}(g-1)/(g-1)
    and F2 = (F_{1-alpha}(g-1, g(m-1)) - 1)/m (the values tabulated in ISO 13528:2015, Table B.1).
    """
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise InterlabError("homogeneity data: expected a table of at least 2 items x 2 replicates")
    as_values(arr.ravel(), "homogeneity data")
    sp = check_positive(sigma_pt, "sigma_pt")
    g, m = arr.shape
    means = arr.mean(axis=1)
    s_x = float(means.std(ddof=1))
    s_w = math.sqrt(float(arr.var(axis=1, ddof=1).mean()))
    s_s = math.sqrt(max(0.0, s_x**2 - s_w**2 / m))
    crit = 0.3 * sp
    f1 = float(stats.chi2.ppf(1 - alpha, g - 1)) / (g - 1)
    f2 = (float(stats.f.ppf(1 - alpha, g - 1, g * (m - 1))) - 1.0) / m
    expanded = math.sqrt(f1 * crit**2 + f2 * s_w**2)
    return HomogeneityResult(
        g, m, float(means.mean()), s_x, s_w, s_s, crit, expanded, f1, f2, s_s <= crit, s_s <= expanded
    )


def stability_check(
    first: Sequence[float] | FloatArray,
    second: Sequence[float] | FloatArray,
    sigma_pt: float,
    expanded: bool = False,
) -> StabilityResult:
    """ISO 13528:2015, B.5: |ybar_1 - ybar_2| <= 0.3 sigma_pt.

    With ``expanded=True`` the criterion is 0.3 sigma_pt + 2 sqrt(u^2(ybar_1) + u^2(ybar_2)) (B.5.2),
    u(ybar) = s/sqrt(n) for each set of measurements.
    """
    a = as_values(first, "first measurements", minimum=1)
    b = as_values(second, "second measurements", minimum=1)
    sp = check_positive(sigma_pt, "sigma_pt")
    diff = abs(float(a.mean()) - float(b.mean()))
    crit = 0.3 * sp
    exp_crit: float | None = None
    if expanded:
        if a.size < 2 or b.size < 2:
            raise InterlabError("stability: the expanded criterion needs at least 2 measurements in each set")
        u1 = float(a.std(ddof=1)) / math.sqrt(a.size)
        u2 = float(b.std(ddof=1)) / math.sqrt(b.size)
        exp_crit = crit + 2.0 * math.hypot(u1, u2)
    limit = exp_crit if exp_crit is not None else crit
    return StabilityResult(diff, crit, exp_crit, diff <= limit)
