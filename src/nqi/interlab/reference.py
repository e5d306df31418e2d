"""Reference-value estimators for key comparisons.

All functions take the participants' values ``x`` and (where needed) standard uncertainties ``u``
as sequences or float arrays and return an :class:`Estimate`.

References
----------
* M. G. Cox, "The evaluation of key comparison data", Metrologia 39 (2002) 589-595 (procedure A:
  weighted mean, chi-square test, exclusion of the most discrepant result).
* M. G. Cox, "The evaluation of key comparison data: determining the largest consistent subset",
  Metrologia 44 (2007) 187-200 (enumeration of subsets).
* R. DerSimonian, N. Laird, "Meta-analysis in clinical trials", Control. Clin. Trials 7 (1986) 177-188.
* R. C. Paule, J. Mandel, "Consensus values and weighting factors", J. Res. NBS 87 (1982) 377-385.
* ISO 13528:2015, 7.7.3 (uncertainty 1.25 s*/sqrt(p) of a robust assigned value).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ._errors import FloatArray, InterlabError, as_uncertainties, as_values, check_probability
from ._sp import optimize, stats

LcsStrategy = Literal["sequential", "enumerate"]

#: Consistency factor making the MAD an estimate of the standard deviation (ISO 13528:2015, C.2.2).
MAD_FACTOR = 1.483
#: Factor 1.25 in u(x_pt) = 1.25 s*/sqrt(p) for robust estimates (ISO 13528:2015, 7.7.3).
ROBUST_U_FACTOR = 1.25
#: Largest number of results for which ``largest_consistent_subset(strategy="enumerate")`` runs.
MAX_ENUMERATE = 20


@dataclass(frozen=True)
class Estimate:
    """A reference value with its standard uncertainty.

    ``weights`` are the coefficients of the linear combination of the inputs when the estimator is
    linear in the data (given the dark uncertainty ``tau``), otherwise ``None``; ``used`` lists the
    positions (in the input) of the values that entered the estimate.
    """

    method: str
    value: float
    u: float
    tau: float = 0.0
    weights: tuple[float, ...] | None = None
    used: tuple[int, ...] = ()
    details: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ChiSquareCheck:
    """Chi-square consistency check of results about their weighted mean (Cox 2002, 5.1)."""

    chi2_obs: float
    dof: int
    chi2_crit: float
    p_value: float
    birge_ratio: float
    alpha: float
    consistent: bool


@dataclass(frozen=True)
class LcsResult:
    """Outcome of the largest-consistent-subset procedure."""

    estimate: Estimate
    check: ChiSquareCheck
    initial_check: ChiSquareCheck
    excluded: tuple[int, ...]
    alternatives: tuple[tuple[int, ...], ...] = ()


def _wm(x: FloatArray, u: FloatArray) -> tuple[float, float]:
    w = 1.0 / u**2
    sw = float(w.sum())
    return float((w * x).sum() / sw), math.sqrt(1.0 / sw)


def weighted_mean(x: Sequence[float] | FloatArray, u: Sequence[float] | FloatArray) -> Estimate:
    """Inverse-variance weighted mean y = sum(x_i/u_i^2)/sum(1/u_i^2), u(y) = sum(1/u_i^2)^(-1/2)."""
    xa = as_values(x, "values", minimum=1)
    ua = as_uncertainties(u, xa.size, "standard uncertainties")
    y, uy = _wm(xa, ua)
    w = (uy / ua) ** 2
    return Estimate("weighted-mean", y, uy, 0.0, tuple(float(v) for v in w), tuple(range(xa.size)))


def chi_square_check(
    x: Sequence[float] | FloatArray, u: Sequence[float] | FloatArray, alpha: float = 0.05
) -> ChiSquareCheck:
    """Chi-square test of the results about their weighted mean, with the Birge ratio.

    chi2_obs = sum((x_i - y)^2 / u_i^2), nu = n - 1; the data are regarded as consistent when
    P(chi2(nu) > chi2_obs) >= alpha (Cox 2002, 5.1). Birge ratio R_B = sqrt(chi2_obs / nu).
    """
    xa = as_values(x, "values", minimum=2)
    ua = as_uncertainties(u, xa.size, "standard uncertainties")
    alpha = check_probability(alpha, "alpha")
    y, _ = _wm(xa, ua)
    chi2 = float((((xa - y) / ua) ** 2).sum())
    dof = xa.size - 1
    crit = float(stats.chi2.ppf(1.0 - alpha, dof))
    p = float(stats.chi2.sf(chi2, dof))
    return ChiSquareCheck(chi2, dof, crit, p, math.sqrt(chi2 / dof), alpha, p >= alpha)


def largest_consistent_subset(
    x: Sequence[float] | FloatArray,
    u: Sequence[float] | FloatArray,
    alpha: float = 0.05,
    strategy: LcsStrategy = "sequential",
) -> LcsResult:
    """Weighted mean of the largest consistent subset.

    ``strategy="sequential"`` is Cox (2002) procedure A: while the chi-square test fails, remove the
    result with the largest |d_i|/u(d_i), u^2(d_i) = u_i^2 - u^2(y), and recompute.
    ``strategy="enumerate"`` (Cox 2007) examines all subsets of decreasing size and keeps the largest
    passing the test (among several of the same size, the one with the smallest chi-square; the others
    are reported in ``alternatives``). Both stop at two results.
    """
    xa = as_values(x, "values", minimum=2)
    ua = as_uncertainties(u, xa.size, "standard uncertainties")
    alpha = check_probability(alpha, "alpha")
    initial = chi_square_check(xa, ua, alpha)
    n = xa.size
    alternatives: tuple[tuple[int, ...], ...] = ()
    if strategy == "sequential":
        keep = list(range(n))
        check = initial
        while not check.consistent and len(keep) > 2:
            idx = np.asarray(keep)
            y, uy = _wm(xa[idx], ua[idx])
            ud = np.sqrt(ua[idx] ** 2 - uy**2)
            worst = int(np.argmax(np.abs(xa[idx] - y) / ud))
            keep.pop(worst)
            check = chi_square_check(xa[keep], ua[keep], alpha)
        chosen = tuple(keep)
    elif strategy == "enumerate":
        if n > MAX_ENUMERATE:
            raise InterlabError(
                f"values: enumeration of subsets is limited to {MAX_ENUMERATE} results, got {n}; "
                "use strategy='sequential'"
            )
        chosen = tuple(range(n))
        check = initial
        if not initial.consistent:
            found: list[tuple[float, tuple[int, ...], ChiSquareCheck]] = []
            for size in range(n - 1, 1, -1):
                for combo in itertools.combinations(range(n), size):
                    c = chi_square_check(xa[list(combo)], ua[list(combo)], alpha)
                    if c.consistent:
                        found.append((c.chi2_obs, combo, c))
                if found:
                    break
            if found:
                found.sort(key=lambda item: item[0])
                _, chosen, check = found[0]
                alternatives = tuple(item[1] for item in found[1:])
            else:  # pragma: no cover - any pair of results is tested at the last size
                chosen = tuple(range(n))
    else:
        raise InterlabError(f"strategy: expected 'sequential' or 'enumerate', got {strategy!r}")
    idx = np.asarray(chosen)
    y, uy = _wm(xa[idx], ua[idx])
    weights = np.zeros(n)
    weights[idx] = (uy / ua[idx]) ** 2
    est = Estimate("lcs", y, uy, 0.0, tuple(float(v) for v in weights), chosen)
    excluded = tuple(i for i in range(n) if i not in chosen)
    return LcsResult(est, check, initial, excluded, alternatives)


def arithmetic_mean(x: Sequence[float] | FloatArray) -> Estimate:
    """Arithmetic mean with u = s/sqrt(n) (standard deviation of the mean)."""
    xa = as_values(x, "values", minimum=2)
    n = xa.size
    s = float(xa.std(ddof=1))
    return Estimate(
        "mean", float(xa.mean()), s / math.sqrt(n), 0.0, tuple([1.0 / n] * n), tuple(range(n)), {"s": s}
    )


def median_mad(x: Sequence[float] | FloatArray) -> Estimate:
    """Median with MADe = 1.483 median|x_i - med| and u = 1.25 MADe / sqrt(n) (ISO 13528:2015, 7.7.3)."""
    xa = as_values(x, "values", minimum=3)
    med = float(np.median(xa))
    mad_e = MAD_FACTOR * float(np.median(np.abs(xa - med)))
    u = ROBUST_U_FACTOR * mad_e / math.sqrt(xa.size)
    if u == 0.0:
        raise InterlabError("values: more than half of the values are identical; the MAD is zero")
    return Estimate("median", med, u, 0.0, None, tuple(range(xa.size)), {"mad_e": mad_e})


def _re_estimate(
    method: str, xa: FloatArray, ua: FloatArray, tau2: float, extra: dict[str, float]
) -> Estimate:
    v = ua**2 + tau2
    w = 1.0 / v
    sw = float(w.sum())
    y = float((w * xa).sum() / sw)
    weights = tuple(float(val) for val in w / sw)
    details = {"tau2": tau2, **extra}
    return Estimate(method, y, math.sqrt(1.0 / sw), math.sqrt(tau2), weights, tuple(range(xa.size)), details)


def dersimonian_laird(x: Sequence[float] | FloatArray, u: Sequence[float] | FloatArray) -> Estimate:
    """DerSimonian-Laird random-effects estimate.

    Q = sum(w_i (x_i - xbar_w)^2), w_i = 1/u_i^2; tau^2 = max(0, (Q - (n-1)) / (S1 - S2/S1)) with
    S1 = sum(w_i), S2 = sum(w_i^2); y = weighted mean with weights 1/(u_i^2 + tau^2),
    u(y) = (sum 1/(u_i^2 + tau^2))^(-1/2).
    """
    xa = as_values(x, "values", minimum=2)
    ua = as_uncertainties(u, xa.size, "standard uncertainties")
    w = 1.0 / ua**2
    s1 = float(w.sum())
    s2 = float((w**2).sum())
    xw = float((w * xa).sum() / s1)
    q = float((w * (xa - xw) ** 2).sum())
    tau2 = max(0.0, (q - (xa.size - 1)) / (s1 - s2 / s1))
    return _re_estimate("dersimonian-laird", xa, ua, tau2, {"Q": q})


def _mp_excess(tau2: float, xa: FloatArray, ua: FloatArray) -> float:
    w = 1.0 / (ua**2 + tau2)
    y = float((w * xa).sum() / w.sum())
    return float((w * (xa - y) ** 2).sum()) - (xa.size - 1)


def mandel_paule(x: Sequence[float] | FloatArray, u: Sequence[float] | FloatArray) -> Estimate:
    """Mandel-Paule random-effects estimate.

    tau^2 solves sum((x_i - y)^2 / (u_i^2 + tau^2)) = n - 1 with y the weighted mean for weights
    1/(u_i^2 + tau^2); tau^2 = 0 when the left side is already <= n - 1 at tau^2 = 0.
    """
    xa = as_values(x, "values", minimum=2)
    ua = as_uncertainties(u, xa.size, "standard uncertainties")
    if _mp_excess(0.0, xa, ua) <= 0.0:
        tau2 = 0.0
    else:
        hi = float(max(xa.var(), ua.max() ** 2))
        while _mp_excess(hi, xa, ua) > 0.0:
            hi *= 4.0
        tau2 = float(optimize.brentq(_mp_excess, 0.0, hi, args=(xa, ua), xtol=1e-14 * hi, rtol=1e-13))
    return _re_estimate("mandel-paule", xa, ua, tau2, {})
