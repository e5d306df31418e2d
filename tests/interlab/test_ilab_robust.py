"""ISO 13528 / ISO 5725-5 robust statistics: Algorithm A and Q/Hampel.

Data: the creosote cell means of the ISO 5725-5:1998 Algorithm A example (as reproduced in the
documentation of the R package metRology, ``algA`` example). The published ISO result digits were not
available to us, so the expected values below come from an independent plain-Python evaluation of
the algorithm as stated in ISO 13528:2015 C.3.1 (written out in this file) and from the fixed-point
equations that the converged estimates must satisfy.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from scipy import stats

from nqi.interlab import InterlabError, algorithm_a, algorithm_a_batch, hampel_mean, q_hampel, q_method

CREOSOTE = [24.140, 20.155, 19.500, 20.300, 20.705, 17.570, 20.100, 20.940, 21.185]


def naive_algorithm_a(x: list[float], iterations: int) -> tuple[float, float]:
    """Plain-Python Algorithm A (ISO 13528:2015, C.3.1, eqs C.1-C.6), fixed number of iterations."""
    m = statistics.median(x)
    s = 1.483 * statistics.median([abs(v - m) for v in x])
    for _ in range(iterations):
        d = 1.5 * s
        w = [min(max(v, m - d), m + d) for v in x]
        m = sum(w) / len(w)
        s = 1.134 * math.sqrt(sum((v - m) ** 2 for v in w) / (len(w) - 1))
    return m, s


def test_creosote_third_significant_figure_rule() -> None:
    res = algorithm_a(CREOSOTE)  # default: the ISO stopping rule
    # Iterates 5 and 6 give s* = 1.047..., 1.054... (both 1.05 to three figures) and x* = 20.41 (same
    # decimal place), so the rule stops after iteration 6.
    assert res.iterations == 6
    m6, s6 = naive_algorithm_a(CREOSOTE, 6)
    assert res.mean == pytest.approx(m6, rel=1e-13)
    assert res.sd == pytest.approx(s6, rel=1e-13)
    assert (round(res.mean, 2), round(res.sd, 2)) == (20.41, 1.05)
    assert res.u_mean == pytest.approx(1.25 * res.sd / 3.0)  # ISO 13528:2015, 7.7.3, p = 9


def test_creosote_converged_fixed_point() -> None:
    res = algorithm_a(CREOSOTE, stopping="tolerance")
    assert res.converged
    x = np.array(CREOSOTE)
    w = np.clip(x, res.mean - 1.5 * res.sd, res.mean + 1.5 * res.sd)
    # Fixed point of C.5 and C.6: x* = mean(x_i*), s* = 1.134 s(x_i*).
    assert w.mean() == pytest.approx(res.mean, abs=1e-10)
    assert 1.134 * w.std(ddof=1) == pytest.approx(res.sd, abs=1e-10)
    assert (round(res.mean, 3), round(res.sd, 3)) == (20.412, 1.070)
    m, s = naive_algorithm_a(CREOSOTE, 200)
    assert res.mean == pytest.approx(m, abs=1e-9) and res.sd == pytest.approx(s, abs=1e-9)


def test_huber_factor_for_other_k() -> None:
    from nqi.interlab.robust import huber_correction

    # 1.134 in ISO 13528 is (rounded) the k = 1.5 value 1.1334 of the Huber variance correction.
    assert huber_correction(1.5) == pytest.approx(1.134, abs=1e-3)
    res = algorithm_a(CREOSOTE, k=2.0, stopping="tolerance")
    assert 17.57 < res.mean < 24.14


def test_batch_equals_scalar() -> None:
    rng = np.random.default_rng(3)
    data = rng.normal(5.0, 2.0, (20, 11))
    means, sds = algorithm_a_batch(data, tol=1e-13)
    for row, m, s in zip(data, means, sds, strict=True):
        r = algorithm_a(row, stopping="tolerance", tol=1e-13)
        assert m == pytest.approx(r.mean, abs=1e-9)
        assert s == pytest.approx(r.sd, abs=1e-9)


def test_consistency_at_the_normal_distribution() -> None:
    x = stats.norm.ppf((np.arange(1, 2001) - 0.5) / 2000)  # a "perfect" N(0, 1) sample
    a = algorithm_a(x, stopping="tolerance")
    assert abs(a.mean) < 1e-9 and a.sd == pytest.approx(1.0, abs=0.01)
    q = q_hampel(x)
    assert abs(q.mean) < 1e-9 and q.sd == pytest.approx(1.0, abs=0.01)


def test_q_method_definition_on_small_set() -> None:
    # Independent evaluation of ISO 13528:2015 C.5.2 for p = 4 distinct values (no ties):
    # 6 pairwise differences, H1 steps of 1/6, G1 at the k-th difference = (2k - 1)/12, so
    # G1^-1(0.25) lies 1/2 of the way from the 2nd difference (G1 = 3/12) ... check directly.
    x = [0.0, 1.0, 3.0, 7.0]
    diffs = sorted(abs(a - b) for i, a in enumerate(x) for b in x[i + 1 :])  # 1,2,3,4,6,7
    knots = [0.0, *diffs]
    g = [0.0] + [(2 * k - 1) / 12 for k in range(1, 7)]
    q = float(np.interp(0.25, g, knots))  # = 2.0 (G1(2) = 3/12)
    assert q == 2.0
    expected = q / (math.sqrt(2) * stats.norm.ppf(0.625))
    assert q_method(x) == pytest.approx(expected, rel=1e-12)


def test_hampel_solves_the_m_equation() -> None:
    x = np.array(CREOSOTE)
    res = q_hampel(x)

    def psi(t: float) -> float:
        a = abs(t)
        v = a if a <= 1.5 else 1.5 if a <= 3 else 1.5 * (4.5 - a) / 1.5 if a <= 4.5 else 0.0
        return math.copysign(v, t)

    total = sum(psi((v - res.mean) / res.sd) for v in CREOSOTE)
    assert abs(total) < 1e-9
    assert min(CREOSOTE) < res.mean < max(CREOSOTE)
    # A gross outlier beyond 4.5 s* has no influence on the Hampel mean.
    base = hampel_mean([10.0, 10.1, 9.9, 10.2, 9.8, 10.05], 0.2)
    assert hampel_mean([10.0, 10.1, 9.9, 10.2, 9.8, 10.05, 1000.0], 0.2) == pytest.approx(base, abs=0.02)


def test_robust_errors() -> None:
    with pytest.raises(InterlabError, match="identical"):
        algorithm_a([1.0, 1.0, 1.0, 1.0, 2.0])
    with pytest.raises(InterlabError, match="at least 3"):
        algorithm_a([1.0, 2.0])
    with pytest.raises(InterlabError, match="stopping"):
        algorithm_a(CREOSOTE, stopping="never")  # type: ignore[arg-type]
    with pytest.raises(InterlabError, match="identical"):
        q_method([2.0, 2.0, 2.0])
    with pytest.raises(InterlabError, match="NaN"):
        q_hampel([1.0, float("nan"), 2.0])
