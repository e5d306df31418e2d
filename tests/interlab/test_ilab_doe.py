"""Degrees of equivalence (unilateral with correlation, pairwise, bootstrap) and linking."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nqi.interlab import (
    InterlabError,
    ParticipantResult,
    bootstrap_doe,
    link_to_key_comparison,
    pairwise_doe,
    unilateral_doe,
    weighted_mean,
)

X = np.array([10.10, 10.30, 9.90, 10.00, 10.20])
U = np.array([0.10, 0.20, 0.15, 0.20, 0.30])


def test_weighted_mean_doe_uncertainty_is_difference_of_variances() -> None:
    # Cox (2002), Metrologia 39, 589, section 6: u^2(d_i) = u_i^2 - u^2(y) for a contributing result.
    est = weighted_mean(X, U)
    d, ud = unilateral_doe(X, U, est.value, est.u, est.weights)
    assert np.allclose(d, X - est.value)
    assert np.allclose(ud**2, U**2 - est.u**2)
    # A result that did not contribute: u^2(d) = u^2 + u^2(y).
    _, ud0 = unilateral_doe(X, U, est.value, est.u)
    assert np.allclose(ud0**2, U**2 + est.u**2)


def test_bootstrap_agrees_with_analytic_for_linear_estimator() -> None:
    est = weighted_mean(X, U)
    w = np.asarray(est.weights)
    boot = bootstrap_doe(X, U, lambda s: s @ w, draws=40000, seed=5)
    _, ud = unilateral_doe(X, U, est.value, est.u, est.weights)
    assert np.allclose(boot.u_d, ud, rtol=0.02)
    assert boot.u_ref == pytest.approx(est.u, rel=0.02)
    # Normal draws: the 95 % half-width is 1.96 u (within Monte Carlo error).
    assert np.allclose(boot.expanded_d, 1.96 * ud, rtol=0.03)


def test_bootstrap_reproducible_and_validated() -> None:
    a = bootstrap_doe(X, U, lambda s: np.median(s, axis=1), draws=500, seed=11)
    b = bootstrap_doe(X, U, lambda s: np.median(s, axis=1), draws=500, seed=11)
    assert np.array_equal(a.u_d, b.u_d)
    with pytest.raises(InterlabError, match="draws"):
        bootstrap_doe(X, U, lambda s: s.mean(axis=1), draws=5)
    with pytest.raises(InterlabError, match="estimator"):
        bootstrap_doe(X, U, lambda s: s, draws=50)


def test_pairwise() -> None:
    d, big_u = pairwise_doe(X, U, k=2.0)
    assert np.allclose(d, -d.T)
    assert d[0, 1] == pytest.approx(X[0] - X[1])
    assert big_u[0, 1] == pytest.approx(2 * math.hypot(0.10, 0.20))
    assert np.all(np.diag(big_u) == 0.0)


def test_linking_through_two_laboratories() -> None:
    rmo = [
        ParticipantResult("L1", 10.05, 0.10),
        ParticipantResult("L2", 10.20, 0.10),
        ParticipantResult("R3", 10.40, 0.20),
    ]
    cipm = {"L1": (-0.05, 0.08), "L2": (0.10, 0.08), "OTHER": (0.3, 0.1)}
    res = link_to_key_comparison(rmo, cipm)
    # Independent evaluation: K_l = x_l - D_l = 10.10 and 10.10, equal variances 0.1^2 + 0.08^2.
    var_k = 0.1**2 + 0.08**2
    assert res.link_value == pytest.approx(10.10)
    assert res.u_link == pytest.approx(math.sqrt(var_k / 2))
    r3 = res.degrees[2]
    assert r3.d == pytest.approx(0.30)
    assert r3.u == pytest.approx(math.sqrt(0.2**2 + var_k / 2))
    l1 = res.degrees[0]
    assert l1.linking and l1.u == pytest.approx(math.sqrt(0.1**2 + var_k / 2 - 2 * 0.5 * 0.1**2))
    with pytest.raises(InterlabError, match="no linking laboratory"):
        link_to_key_comparison(rmo, {"X": (0.0, 0.1)})
