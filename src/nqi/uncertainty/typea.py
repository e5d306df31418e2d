"""Type A evaluation helpers (JCGM 100:2008 §4.2)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .distributions import FloatArray
from .errors import InputError

__all__ = ["correlation", "dof", "mean", "pooled_std", "pooled_variance", "std", "std_of_mean"]


def _arr(values: Sequence[float], need: int = 1) -> FloatArray:
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 1 or a.size < need:
        raise InputError(f"need at least {need} observation(s), got {a.size}")
    if not np.all(np.isfinite(a)):
        raise InputError("observations must be finite numbers")
    return a


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean (GUM 4.2.1)."""
    return float(np.mean(_arr(values)))


def std(values: Sequence[float]) -> float:
    """Experimental standard deviation s(q_k) (GUM 4.2.2), n-1 in the denominator."""
    return float(np.std(_arr(values, 2), ddof=1))


def std_of_mean(values: Sequence[float]) -> float:
    """Experimental standard deviation of the mean s(q̄) = s(q_k)/sqrt(n) (GUM 4.2.3)."""
    a = _arr(values, 2)
    return float(np.std(a, ddof=1) / math.sqrt(a.size))


def dof(values: Sequence[float]) -> int:
    """Degrees of freedom n - 1 of the mean of n observations (GUM G.3.3)."""
    return int(_arr(values, 2).size - 1)


def pooled_variance(groups: Sequence[Sequence[float]]) -> tuple[float, int]:
    """Pooled variance s_p² and its degrees of freedom sum(n_i - 1) (GUM H.3.6, 4.2.4)."""
    num = 0.0
    nu = 0
    for g in groups:
        a = _arr(g, 2)
        num += float(np.sum((a - a.mean()) ** 2))
        nu += a.size - 1
    if nu == 0:
        raise InputError("pooled variance needs at least one group with two observations")
    return num / nu, nu


def pooled_std(groups: Sequence[Sequence[float]]) -> tuple[float, int]:
    """Pooled standard deviation s_p and its degrees of freedom."""
    var, nu = pooled_variance(groups)
    return math.sqrt(var), nu


def correlation(x: Sequence[float], y: Sequence[float]) -> float:
    """Correlation coefficient of two means from simultaneous observations (GUM 5.2.3, eq. 17):
    r(q̄, r̄) = s(q̄, r̄) / (s(q̄) s(r̄)), with s(q̄, r̄) from eq. 17."""
    a = _arr(x, 2)
    b = _arr(y, 2)
    if a.size != b.size:
        raise InputError("simultaneous observations must have the same number of values")
    da = a - a.mean()
    db = b - b.mean()
    den = math.sqrt(float(da @ da) * float(db @ db))
    if den == 0:
        raise InputError("correlation is undefined when one series is constant")
    return float(da @ db) / den
