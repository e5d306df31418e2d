"""Degrees of equivalence: unilateral (with correlation), pairwise, and by parametric bootstrap.

Unilateral DoE d_i = x_i - x_ref. For a reference value that is (given tau) a linear combination
x_ref = sum_j w_j x_j, cov(x_i, x_ref) = w_i v_i with v_i = u_i^2 + tau^2, so

    u^2(d_i) = v_i + u^2(x_ref) - 2 w_i v_i,

which is u_i^2 - u^2(x_ref) for the weighted mean of contributing results (Cox 2002, 6) and
u_i^2 + u^2(x_ref) for a result that did not contribute (w_i = 0). For non-linear estimators
(median, Algorithm A, Q/Hampel, subset selection, estimated tau) :func:`bootstrap_doe` evaluates the
distribution of d_i by a parametric bootstrap (Monte Carlo propagation, JCGM 101 / Cox 2002 procedure B):
x_i* = x_i + u_i t_i + tau z_i with t_i Student's t with nu_i degrees of freedom (normal when nu_i is
infinite) and z_i standard normal, recomputing the estimator on every draw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ._errors import FloatArray, InterlabError, as_uncertainties, as_values, check_positive

BatchEstimator = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap standard and expanded uncertainties of the DoEs and of the reference value."""

    u_d: FloatArray
    expanded_d: FloatArray
    u_ref: float
    expanded_ref: float
    draws: int
    coverage: float


def unilateral_doe(
    x: Sequence[float] | FloatArray,
    u: Sequence[float] | FloatArray,
    x_ref: float,
    u_ref: float,
    weights: Sequence[float] | FloatArray | None = None,
    tau: float = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Return (d, u(d)); ``weights`` are each result's weight in x_ref (0 if it did not contribute).

    Without ``weights`` the results are taken as independent of x_ref.
    """
    xa = as_values(x, "values")
    ua = as_uncertainties(u, xa.size, "standard uncertainties")
    w = np.zeros(xa.size) if weights is None else as_values(weights, "weights")
    if w.size != xa.size:
        raise InterlabError(f"weights: expected {xa.size} values, got {w.size}")
    v = ua**2 + tau**2
    var = v + u_ref**2 - 2.0 * w * v
    return xa - x_ref, np.sqrt(np.clip(var, 0.0, None))


def pairwise_doe(
    x: Sequence[float] | FloatArray, u: Sequence[float] | FloatArray, k: float = 2.0, tau: float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """Return d_ij = x_i - x_j and U(d_ij) = k sqrt(u_i^2 + u_j^2 + 2 tau^2) (independent results)."""
    xa = as_values(x, "values")
    ua = as_uncertainties(u, xa.size, "standard uncertainties")
    kk = check_positive(k, "k")
    d = xa[:, None] - xa[None, :]
    big_u = kk * np.sqrt(ua[:, None] ** 2 + ua[None, :] ** 2 + 2.0 * tau**2)
    np.fill_diagonal(big_u, 0.0)
    return d, big_u


def draw_results(
    x: FloatArray,
    u: FloatArray,
    draws: int,
    rng: np.random.Generator,
    dof: Sequence[float | None] | None = None,
    tau: float = 0.0,
) -> FloatArray:
    """Simulated results, shape (draws, n): x_i + u_i t_i (+ tau z_i)."""
    n = x.size
    noise = rng.standard_normal((draws, n))
    if dof is not None:
        for i, nu in enumerate(dof):
            if nu is not None and np.isfinite(nu):
                noise[:, i] = rng.standard_t(nu, draws)
    sims = x[None, :] + u[None, :] * noise
    if tau > 0.0:
        sims = sims + tau * rng.standard_normal((draws, n))
    return np.asarray(sims, dtype=np.float64)


def bootstrap_doe(
    x: Sequence[float] | FloatArray,
    u: Sequence[float] | FloatArray,
    estimator: BatchEstimator,
    contributing: Sequence[int] | None = None,
    draws: int = 2000,
    seed: int | None = 1,
    dof: Sequence[float | None] | None = None,
    tau: float = 0.0,
    coverage: float = 0.95,
) -> BootstrapResult:
    """Parametric bootstrap of the unilateral DoEs.

    ``estimator`` maps an array (draws, m) of simulated contributing results to the m-vector of
    reference values; ``contributing`` lists the positions of the contributing results (default: all).
    u(d_i) is the standard deviation of the simulated d_i*, U(d_i) the ``coverage`` quantile of
    |d_i* - mean(d_i*)| (a probabilistically symmetric interval about the mean).
    """
    xa = as_values(x, "values")
    ua = as_uncertainties(u, xa.size, "standard uncertainties")
    if draws < 10:
        raise InterlabError(f"draws: at least 10 bootstrap draws are needed, got {draws}")
    idx = np.arange(xa.size) if contributing is None else np.asarray(list(contributing), dtype=int)
    if idx.size == 0:
        raise InterlabError("contributing: no contributing result")
    rng = np.random.default_rng(seed)
    sims = draw_results(xa, ua, draws, rng, dof, tau)
    refs = np.asarray(estimator(sims[:, idx]), dtype=np.float64)
    if refs.shape != (draws,):
        raise InterlabError(f"estimator: expected {draws} reference values, got shape {refs.shape}")
    dsim = sims - refs[:, None]
    u_d = dsim.std(axis=0, ddof=1)
    big_u_d = np.quantile(np.abs(dsim - dsim.mean(axis=0)), coverage, axis=0)
    u_ref = float(refs.std(ddof=1))
    big_u_ref = float(np.quantile(np.abs(refs - refs.mean()), coverage))
    return BootstrapResult(
        np.asarray(u_d, dtype=np.float64),
        np.asarray(big_u_d, dtype=np.float64),
        u_ref,
        big_u_ref,
        draws,
        coverage,
    )
