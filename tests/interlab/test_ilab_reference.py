"""Reference values: weighted mean, chi-square/Birge, LCS, mean, median, DerSimonian-Laird, Mandel-Paule.

Expected numbers are either textbook table values (cited) or independent direct evaluations of the
defining formulas written out in the test (stated as such).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import optimize, stats

from nqi.interlab import (
    InterlabError,
    arithmetic_mean,
    chi_square_check,
    dersimonian_laird,
    largest_consistent_subset,
    mandel_paule,
    median_mad,
    weighted_mean,
)

X = [10.10, 10.30, 9.90, 11.50, 10.20]
U = [0.10, 0.20, 0.15, 0.20, 0.30]


def test_weighted_mean_matches_direct_sums() -> None:
    # Independent computation: y = sum(x/u^2)/sum(1/u^2), u(y) = sum(1/u^2)^-1/2.
    num = sum(x / u**2 for x, u in zip(X, U, strict=True))
    den = sum(1 / u**2 for u in U)
    est = weighted_mean(X, U)
    assert est.value == pytest.approx(num / den, rel=1e-14)
    assert est.u == pytest.approx(den**-0.5, rel=1e-14)
    assert est.weights is not None and sum(est.weights) == pytest.approx(1.0)


def test_chi_square_critical_value_and_birge_ratio() -> None:
    check = chi_square_check(X, U)
    # chi2_{0.95}(4) = 9.488 (any chi-square table, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
    assert check.dof == 4
    assert round(check.chi2_crit, 3) == 9.488
    y = weighted_mean(X, U).value
    chi2 = sum(((x - y) / u) ** 2 for x, u in zip(X, U, strict=True))
    assert check.chi2_obs == pytest.approx(chi2, rel=1e-12)
    assert check.birge_ratio == pytest.approx(math.sqrt(chi2 / 4))
    assert check.p_value == pytest.approx(stats.chi2.sf(chi2, 4))
    assert not check.consistent


def test_consistent_data_pass() -> None:
    assert chi_square_check([1.0, 1.1, 0.95], [0.1, 0.1, 0.1]).consistent


def test_lcs_sequential_removes_the_discrepant_result() -> None:
    res = largest_consistent_subset(X, U)
    assert res.excluded == (3,)
    assert res.check.consistent and not res.initial_check.consistent
    keep = [0, 1, 2, 4]
    direct = weighted_mean([X[i] for i in keep], [U[i] for i in keep])
    assert res.estimate.value == pytest.approx(direct.value)
    assert res.estimate.u == pytest.approx(direct.u)
    assert res.estimate.weights is not None and res.estimate.weights[3] == 0.0


def test_lcs_enumerate_agrees_with_brute_force() -> None:
    rng = np.random.default_rng(7)
    for _ in range(5):
        x = rng.normal(0.0, 1.0, 8)
        x[:2] += rng.normal(0, 6, 2)
        u = rng.uniform(0.3, 1.0, 8)
        res = largest_consistent_subset(x, u, strategy="enumerate")
        # Independent brute force: largest subsets passing chi2 at 5 %, smallest chi2 among them.
        best: tuple[int, float, tuple[int, ...]] | None = None
        for size in range(8, 1, -1):
            for combo in itertools.combinations(range(8), size):
                xs, us = x[list(combo)], u[list(combo)]
                w = 1 / us**2
                y = (w * xs).sum() / w.sum()
                chi2 = float((w * (xs - y) ** 2).sum())
                if stats.chi2.sf(chi2, size - 1) >= 0.05 and (best is None or chi2 < best[1]):
                    best = (size, chi2, combo)
            if best is not None:
                break
        assert best is not None
        assert res.estimate.used == best[2]


def test_lcs_enumerate_limit() -> None:
    with pytest.raises(InterlabError, match="enumeration"):
        largest_consistent_subset(np.arange(25.0), np.ones(25), strategy="enumerate")


def test_mean_and_median() -> None:
    m = arithmetic_mean(X)
    assert m.value == pytest.approx(np.mean(X))
    assert m.u == pytest.approx(np.std(X, ddof=1) / math.sqrt(5))
    med = median_mad(X)
    assert med.value == 10.20
    # MADe = 1.483 median|x - med| (ISO 13528:2015, C.2.2); u = 1.25 MADe / sqrt(p) (7.7.3).
    mad_e = 1.483 * np.median(np.abs(np.array(X) - 10.20))
    assert med.details["mad_e"] == pytest.approx(mad_e)
    assert med.u == pytest.approx(1.25 * mad_e / math.sqrt(5))


def test_dersimonian_laird_direct_formula() -> None:
    # Independent evaluation of the DerSimonian-Laird (1986) moment estimator.
    w = [1 / u**2 for u in U]
    s1, s2 = sum(w), sum(v * v for v in w)
    xw = sum(a * b for a, b in zip(w, X, strict=True)) / s1
    q = sum(a * (b - xw) ** 2 for a, b in zip(w, X, strict=True))
    tau2 = max(0.0, (q - 4) / (s1 - s2 / s1))
    ws = [1 / (u**2 + tau2) for u in U]
    y = sum(a * b for a, b in zip(ws, X, strict=True)) / sum(ws)
    est = dersimonian_laird(X, U)
    assert est.tau == pytest.approx(math.sqrt(tau2), rel=1e-12)
    assert est.value == pytest.approx(y, rel=1e-13)
    assert est.u == pytest.approx(sum(ws) ** -0.5, rel=1e-12)


def test_mandel_paule_solves_its_defining_equation() -> None:
    est = mandel_paule(X, U)
    x, u = np.array(X), np.array(U)

    def g(t2: float) -> float:
        w = 1 / (u**2 + t2)
        y = (w * x).sum() / w.sum()
        return float((w * (x - y) ** 2).sum() - (x.size - 1))

    # Independent root finding with a different scipy solver (fsolve) from a different start.
    t2_ref = float(optimize.fsolve(lambda t: [g(float(t[0]))], [0.5])[0])
    assert est.tau**2 == pytest.approx(t2_ref, rel=1e-8)
    assert abs(g(est.tau**2)) < 1e-9
    w = 1 / (u**2 + est.tau**2)
    assert est.value == pytest.approx(float((w * x).sum() / w.sum()), rel=1e-12)


def test_random_effects_reduce_to_weighted_mean_for_consistent_data() -> None:
    x, u = [1.0, 1.05, 0.98, 1.02], [0.05, 0.05, 0.04, 0.06]
    wm = weighted_mean(x, u)
    for est in (dersimonian_laird(x, u), mandel_paule(x, u)):
        assert est.tau == 0.0
        assert est.value == pytest.approx(wm.value)
        assert est.u == pytest.approx(wm.u)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: weighted_mean([1.0, 2.0], [0.1, 0.0]), "strictly positive"),
        (lambda: weighted_mean([1.0, 2.0], [0.1, -0.2]), "strictly positive"),
        (lambda: weighted_mean([1.0, float("nan")], [0.1, 0.2]), "NaN"),
        (lambda: weighted_mean([1.0, 2.0], [0.1]), "expected 2"),
        (lambda: chi_square_check([1.0], [0.1]), "at least 2"),
        (lambda: median_mad([1.0, 2.0]), "at least 3"),
        (lambda: median_mad([1.0, 1.0, 1.0, 2.0]), "MAD is zero"),
        (lambda: chi_square_check([1.0, 2.0], [0.1, 0.1], alpha=1.5), "alpha"),
        (lambda: largest_consistent_subset([1.0, 2.0], [0.1, 0.1], strategy="x"), "strategy"),  # type: ignore[arg-type]
    ],
)
def test_errors_name_the_input(call: object, message: str) -> None:
    with pytest.raises(InterlabError, match=message):
        call()  # type: ignore[operator]
