"""Grubbs and Cochran outlier tests (as used in ISO 5725-2:1994, 7.3.3-7.3.4)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._errors import FloatArray, InterlabError, as_values, check_probability
from ._sp import stats


@dataclass(frozen=True)
class OutlierTest:
    """Result of an outlier test: statistic, critical value at ``alpha``, suspect position."""

    test: str
    statistic: float
    critical: float
    alpha: float
    index: int
    outlier: bool


def grubbs_critical(n: int, alpha: float = 0.05, two_sided: bool = True) -> float:
    """Critical value of the single-outlier Grubbs statistic.

    G_crit = (n-1)/sqrt(n) sqrt(t^2 / (n - 2 + t^2)), t the upper alpha/(2n) (two-sided: the extreme
    value may be the largest or the smallest, the convention of the ISO 5725-2:1994 Table 5 values)
    or alpha/n (one-sided, a test of the largest alone or of the smallest alone) quantile of Student's
    t with n - 2 degrees of freedom.
    """
    if n < 3:
        raise InterlabError(f"n: the Grubbs test needs at least 3 values, got {n}")
    alpha = check_probability(alpha, "alpha")
    a = alpha / (2 * n) if two_sided else alpha / n
    t = float(stats.t.isf(a, n - 2))
    return (n - 1) / math.sqrt(n) * math.sqrt(t * t / (n - 2 + t * t))


def grubbs_test(x: Sequence[float] | FloatArray, alpha: float = 0.05, two_sided: bool = True) -> OutlierTest:
    """Single Grubbs test: G = max|x_i - mean| / s on the most extreme value."""
    xa = as_values(x, "values", minimum=3)
    s = float(xa.std(ddof=1))
    if s == 0.0:
        raise InterlabError("values: all values are identical; the Grubbs statistic is undefined")
    dev = np.abs(xa - xa.mean())
    idx = int(np.argmax(dev))
    g = float(dev[idx]) / s
    crit = grubbs_critical(xa.size, alpha, two_sided)
    return OutlierTest("grubbs", g, crit, alpha, idx, g > crit)


def cochran_critical(p: int, n: int, alpha: float = 0.05) -> float:
    """Critical value of Cochran's C for ``p`` variances each from ``n`` replicates.

    C_crit = 1 / (1 + (p - 1) / F), F the upper alpha/p quantile of F(n - 1, (p - 1)(n - 1)).
    """
    if p < 2 or n < 2:
        raise InterlabError(f"Cochran test needs at least 2 groups of at least 2 replicates (p={p}, n={n})")
    alpha = check_probability(alpha, "alpha")
    f = float(stats.f.isf(alpha / p, n - 1, (p - 1) * (n - 1)))
    return 1.0 / (1.0 + (p - 1) / f)


def cochran_test(std_devs: Sequence[float] | FloatArray, replicates: int, alpha: float = 0.05) -> OutlierTest:
    """Cochran's test of the largest of ``p`` standard deviations: C = s_max^2 / sum(s_i^2)."""
    s = as_values(std_devs, "standard deviations", minimum=2)
    if np.any(s < 0.0):
        raise InterlabError("standard deviations: must not be negative")
    total = float((s**2).sum())
    if total == 0.0:
        raise InterlabError("standard deviations: all zero; Cochran's statistic is undefined")
    idx = int(np.argmax(s))
    c = float(s[idx] ** 2) / total
    crit = cochran_critical(s.size, replicates, alpha)
    return OutlierTest("cochran", c, crit, alpha, idx, c > crit)
