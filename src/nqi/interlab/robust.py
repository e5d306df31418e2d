"""Robust statistics for proficiency testing (ISO 13528:2015, Annex C; ISO 5725-5:1998, 6.2).

* :func:`algorithm_a` - Huber-type M-estimator with iterated scale ("Algorithm A"), with the stopping
  rule selectable: ``"third-significant-figure"`` (the convergence criterion stated in
  ISO 13528:2015, C.3.1 and ISO 5725-5, 6.2.2: no change in the third significant figure of s* and the
  equivalent figure of x*) or ``"tolerance"`` (iterate to a relative tolerance, the limit of the
  iteration).
* :func:`q_method` and :func:`hampel_mean` - the Q method for the robust standard deviation and the
  Hampel M-estimator for the robust mean (ISO 13528:2015, C.5), combined in :func:`q_hampel`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ._errors import FloatArray, InterlabError, as_values, check_positive
from ._sp import stats

StoppingRule = Literal["third-significant-figure", "tolerance"]

#: ISO constants for k = 1.5 (ISO 13528:2015, C.3.1): initial MAD factor and variance correction.
ISO_MAD_FACTOR = 1.483
ISO_ALG_A_FACTOR = 1.134
#: Knots of Hampel's redescending psi-function in units of s* (ISO 13528:2015, C.5.3).
HAMPEL_KNOTS = (1.5, 3.0, 4.5)


@dataclass(frozen=True)
class RobustResult:
    """Robust mean x* and standard deviation s*; ``u_mean`` = 1.25 s*/sqrt(p) (ISO 13528:2015, 7.7.3)."""

    method: str
    mean: float
    sd: float
    u_mean: float
    n: int
    iterations: int = 0
    converged: bool = True
    stopping: str = ""


def huber_correction(k: float) -> float:
    """Factor making the winsorised standard deviation consistent at the normal distribution.

    1/sqrt(theta + (1 - theta) k^2 - 2 k phi(k)), theta = 2 Phi(k) - 1; 1.1334 for k = 1.5 (ISO rounds to
    1.134).
    """
    theta = 2.0 * float(stats.norm.cdf(k)) - 1.0
    return 1.0 / math.sqrt(theta + (1.0 - theta) * k * k - 2.0 * k * float(stats.norm.pdf(k)))


def _third_figure_key(mean: float, sd: float) -> tuple[int, int]:
    quantum = 10.0 ** (math.floor(math.log10(sd)) - 2)
    return math.floor(sd / quantum + 0.5), math.floor(mean / quantum + 0.5)


def algorithm_a(
    x: Sequence[float] | FloatArray,
    stopping: StoppingRule = "third-significant-figure",
    tol: float = 1e-12,
    max_iter: int = 1000,
    k: float = 1.5,
) -> RobustResult:
    """ISO 13528:2015 Algorithm A (C.3.1) / ISO 5725-5:1998 Algorithm A (6.2.2).

    x* = median, s* = 1.483 median|x_i - x*|; then repeatedly winsorise at x* +/- 1.5 s*, set
    x* = mean of the winsorised data and s* = 1.134 x their standard deviation (n - 1 divisor).
    For ``k`` other than 1.5 the factors are computed (:func:`huber_correction`, 1/Phi^-1(0.75)).
    ``stopping="third-significant-figure"`` stops at the first iteration that changes neither the third
    significant figure of s* nor the same decimal place of x* (the ISO rule); ``"tolerance"`` iterates
    until both change by less than ``tol * s*``.
    """
    xa = as_values(x, "values", minimum=3)
    check_positive(k, "k")
    if stopping not in ("third-significant-figure", "tolerance"):
        raise InterlabError(f"stopping: expected 'third-significant-figure' or 'tolerance', got {stopping!r}")
    if k == 1.5:
        mad_factor, corr = ISO_MAD_FACTOR, ISO_ALG_A_FACTOR
    else:
        mad_factor, corr = 1.0 / float(stats.norm.ppf(0.75)), huber_correction(k)
    mean = float(np.median(xa))
    sd = mad_factor * float(np.median(np.abs(xa - mean)))
    if sd == 0.0:
        raise InterlabError(
            "values: more than half of the values are identical, so the initial robust standard deviation "
            "(scaled MAD) is zero; Algorithm A cannot start (consider the Q method)"
        )
    p = xa.size
    converged = False
    it = 0
    while it < max_iter:
        it += 1
        delta = k * sd
        z = np.clip(xa, mean - delta, mean + delta)
        new_mean = float(z.mean())
        new_sd = corr * float(z.std(ddof=1))
        if new_sd == 0.0:
            mean, sd = new_mean, new_sd
            converged = True
            break
        if stopping == "tolerance":
            done = abs(new_sd - sd) <= tol * new_sd and abs(new_mean - mean) <= tol * new_sd
        else:
            done = _third_figure_key(new_mean, new_sd) == _third_figure_key(mean, sd)
        mean, sd = new_mean, new_sd
        if done:
            converged = True
            break
    return RobustResult("algorithm-a", mean, sd, 1.25 * sd / math.sqrt(p), p, it, converged, stopping)


def algorithm_a_batch(
    samples: FloatArray, tol: float = 1e-10, max_iter: int = 500, k: float = 1.5
) -> tuple[FloatArray, FloatArray]:
    """Algorithm A on each row of a 2-D array (tolerance stopping rule); returns (x*, s*) arrays.

    Used by the parametric bootstrap; rows whose scaled MAD is zero keep s* = 0 and x* = median.
    """
    arr = np.asarray(samples, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] < 3:
        raise InterlabError("samples: expected a 2-D array with at least 3 columns")
    if k == 1.5:
        mad_factor, corr = ISO_MAD_FACTOR, ISO_ALG_A_FACTOR
    else:
        mad_factor, corr = 1.0 / float(stats.norm.ppf(0.75)), huber_correction(k)
    mean = np.median(arr, axis=1)
    sd = mad_factor * np.median(np.abs(arr - mean[:, None]), axis=1)
    for _ in range(max_iter):
        delta = k * sd
        z = np.clip(arr, (mean - delta)[:, None], (mean + delta)[:, None])
        new_mean = z.mean(axis=1)
        new_sd = corr * z.std(axis=1, ddof=1)
        done = bool(np.all((np.abs(new_sd - sd) <= tol * new_sd) & (np.abs(new_mean - mean) <= tol * new_sd)))
        mean, sd = new_mean, new_sd
        if done:
            break
    return np.asarray(mean, dtype=np.float64), np.asarray(sd, dtype=np.float64)


def q_method(x: Sequence[float] | FloatArray) -> float:
    """Robust standard deviation by the Q method for one result per laboratory (ISO 13528:2015, C.5.2).

    H1 is the empirical distribution function of the p(p-1)/2 absolute pairwise differences; G1 joins,
    by straight lines, the points (0, 0) and (t_r, (H1(t_r) + H1(t_{r-1}))/2) at the discontinuities
    t_1 < t_2 < ... of H1 (with H1(t_0) = 0). Then
    s* = G1^-1(0.25 + 0.75 H1(0)) / (sqrt(2) Phi^-1(0.625 + 0.375 H1(0))).
    """
    xa = as_values(x, "values", minimum=3)
    i, j = np.triu_indices(xa.size, k=1)
    diffs = np.sort(np.abs(xa[i] - xa[j]))
    m = diffs.size
    knots, counts = np.unique(diffs, return_counts=True)
    h = np.cumsum(counts) / m
    h_prev = np.concatenate(([0.0], h[:-1]))
    g = 0.5 * (h + h_prev)
    h0 = float(h[0]) if knots[0] == 0.0 else 0.0
    if knots[0] > 0.0:
        knots = np.concatenate(([0.0], knots))
        g = np.concatenate(([0.0], g))
    if h0 >= 1.0:
        raise InterlabError("values: all values are identical; the Q method gives no standard deviation")
    target = 0.25 + 0.75 * h0
    quantile = float(np.interp(target, g, knots))
    return quantile / (math.sqrt(2.0) * float(stats.norm.ppf(0.625 + 0.375 * h0)))


def _hampel_psi(q: FloatArray) -> FloatArray:
    a, b, c = HAMPEL_KNOTS
    aq = np.abs(q)
    out = np.where(aq <= a, aq, np.where(aq <= b, a, np.where(aq <= c, a * (c - aq) / (c - b), 0.0)))
    return np.asarray(np.sign(q) * out, dtype=np.float64)


def hampel_mean(x: Sequence[float] | FloatArray, scale: float) -> float:
    """Hampel M-estimate of location with fixed scale ``scale`` (ISO 13528:2015, C.5.3).

    Solves sum(psi((x_i - m)/scale)) = 0 for Hampel's three-part psi (knots 1.5, 3, 4.5). The sum is
    piecewise linear in m, so all zeros are found exactly from its values at the knots
    m = x_i -/+ {0, 1.5, 3, 4.5} scale; the zero closest to the median is returned.
    """
    xa = as_values(x, "values", minimum=1)
    s = check_positive(scale, "scale")
    offsets = np.array([-4.5, -3.0, -1.5, 1.5, 3.0, 4.5]) * s
    nodes = np.unique((xa[:, None] + offsets[None, :]).ravel())
    vals = _hampel_psi((xa[None, :] - nodes[:, None]) / s).sum(axis=1)
    med = float(np.median(xa))
    roots: list[float] = [float(m) for m, v in zip(nodes, vals, strict=True) if v == 0.0]
    for k in range(nodes.size - 1):
        v0, v1 = vals[k], vals[k + 1]
        if v0 * v1 < 0.0:
            roots.append(float(nodes[k] - v0 * (nodes[k + 1] - nodes[k]) / (v1 - v0)))
    # Psi vanishes identically far from the data; keep the zeros inside the data's influence range.
    inside = [r for r in roots if np.any(np.abs(xa - r) < 4.5 * s)]
    if not inside:
        return med
    return min(inside, key=lambda r: (abs(r - med), r))


def q_hampel(x: Sequence[float] | FloatArray) -> RobustResult:
    """Q/Hampel: s* by the Q method, x* by the Hampel estimator (ISO 13528:2015, C.5)."""
    xa = as_values(x, "values", minimum=3)
    sd = q_method(xa)
    if sd == 0.0:
        raise InterlabError("values: the Q-method standard deviation is zero; too many identical values")
    mean = hampel_mean(xa, sd)
    return RobustResult("q-hampel", mean, sd, 1.25 * sd / math.sqrt(xa.size), xa.size, 0, True, "exact")
