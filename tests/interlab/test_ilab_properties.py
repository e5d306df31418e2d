"""Property tests (hypothesis) for invariants of the estimators and degrees of equivalence."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nqi.interlab import (
    ParticipantResult,
    algorithm_a,
    analyse,
    arithmetic_mean,
    dersimonian_laird,
    largest_consistent_subset,
    mandel_paule,
    median_mad,
    q_hampel,
    unilateral_doe,
    weighted_mean,
)

# Distinct values on a 0.001 grid: exact ties change the Q method's H1(0) discontinuously, and values
# that differ by less than rounding error become ties after a shift.
values = st.lists(st.integers(-1_000_000, 1_000_000), min_size=5, max_size=12, unique=True).map(
    lambda v: [i / 1000 for i in v]
)
shift = st.floats(-1e3, 1e3, allow_nan=False)


@st.composite
def data(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    x = np.array(draw(values))
    u = np.array(draw(st.lists(st.floats(0.01, 10.0), min_size=x.size, max_size=x.size)))
    return x, u


def _spread_ok(x: np.ndarray) -> bool:
    """Robust scale estimators need more than half the values distinct from the median."""
    med = np.median(x)
    return bool(np.sum(np.abs(x - med) > 1e-6 * (1 + abs(med))) > x.size / 2 + 1)


@settings(max_examples=60, deadline=None)
@given(data())
def test_weighted_mean_within_range(d: tuple[np.ndarray, np.ndarray]) -> None:
    x, u = d
    y = weighted_mean(x, u).value
    tol = 1e-9 * (1 + np.abs(x).max())
    assert x.min() - tol <= y <= x.max() + tol
    for est in (dersimonian_laird(x, u), mandel_paule(x, u)):
        assert x.min() - tol <= est.value <= x.max() + tol
        assert est.tau >= 0.0


@settings(max_examples=40, deadline=None)
@given(data(), shift)
def test_translation_equivariance(d: tuple[np.ndarray, np.ndarray], c: float) -> None:
    x, u = d
    tol = 1e-7 * (1 + np.abs(x).max() + abs(c))
    pairs = [
        (weighted_mean(x, u).value, weighted_mean(x + c, u).value),
        (arithmetic_mean(x).value, arithmetic_mean(x + c).value),
        (dersimonian_laird(x, u).value, dersimonian_laird(x + c, u).value),
        (mandel_paule(x, u).value, mandel_paule(x + c, u).value),
        (
            largest_consistent_subset(x, u).estimate.value,
            largest_consistent_subset(x + c, u).estimate.value,
        ),
    ]
    if _spread_ok(x):
        pairs += [
            (median_mad(x).value, median_mad(x + c).value),
            # The ISO "third significant figure" stopping rule looks at decimal places of x*, so it is
            # not exactly equivariant; the converged estimate is.
            (
                algorithm_a(x, stopping="tolerance").mean,
                algorithm_a(x + c, stopping="tolerance").mean,
            ),
            (q_hampel(x).mean, q_hampel(x + c).mean),
        ]
    for a, b in pairs:
        assert abs((a + c) - b) <= tol * 10


@settings(max_examples=40, deadline=None)
@given(data())
def test_doe_sums(d: tuple[np.ndarray, np.ndarray]) -> None:
    x, u = d
    wm = weighted_mean(x, u)
    dd, ud = unilateral_doe(x, u, wm.value, wm.u, wm.weights)
    w = np.asarray(wm.weights)
    scale = 1 + np.abs(x).max()
    assert abs(float((w * dd).sum())) <= 1e-9 * scale  # weighted DoEs sum to zero
    assert np.all(ud <= u + 1e-12)  # correlation reduces u(d_i) below u_i
    m = arithmetic_mean(x)
    assert abs(float((x - m.value).sum())) <= 1e-9 * scale * x.size


@settings(max_examples=25, deadline=None)
@given(data())
def test_pairwise_equals_difference_of_unilateral(d: tuple[np.ndarray, np.ndarray]) -> None:
    x, u = d
    rs = [ParticipantResult(f"P{i}", float(v), float(s)) for i, (v, s) in enumerate(zip(x, u, strict=True))]
    a = analyse(rs, "weighted-mean")
    ds = [doe.d for doe in a.degrees_of_equivalence]
    tol = 1e-9 * (1 + np.abs(x).max())
    for i in range(x.size):
        for j in range(x.size):
            assert abs(a.pairwise.d[i][j] - (ds[i] - ds[j])) <= tol
            assert abs(a.pairwise.d[i][j] + a.pairwise.d[j][i]) <= tol


@settings(max_examples=30, deadline=None)
@given(data(), st.floats(0.1, 100.0))
def test_scale_equivariance(d: tuple[np.ndarray, np.ndarray], k: float) -> None:
    x, u = d
    scale = 1e-7 * k * (1 + np.abs(x).max())
    wm, wmk = weighted_mean(x, u), weighted_mean(k * x, k * u)
    assert abs(k * wm.value - wmk.value) <= scale and abs(k * wm.u - wmk.u) <= 1e-9 * k * wm.u + 1e-300
    mp, mpk = mandel_paule(x, u), mandel_paule(k * x, k * u)
    assert abs(k * mp.value - mpk.value) <= scale * 10
