"""Scores, outlier tests, homogeneity and stability checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nqi.interlab import (
    InterlabError,
    classify_en,
    classify_z,
    cochran_critical,
    cochran_test,
    en_score,
    grubbs_critical,
    grubbs_test,
    homogeneity_check,
    stability_check,
    z_prime_score,
    z_score,
    zeta_score,
)


def test_score_formulas() -> None:
    # ISO 13528:2015, 9.4-9.7.
    assert z_score(10.6, 10.0, 0.2) == pytest.approx(3.0)
    assert z_prime_score(10.5, 10.0, 0.3, 0.4) == pytest.approx(1.0)
    assert zeta_score(10.5, 0.3, 10.0, 0.4) == pytest.approx(1.0)
    assert en_score(10.5, 0.3, 10.0, 0.4) == pytest.approx(1.0)
    assert classify_z(2.0) == "satisfactory"
    assert classify_z(-2.5) == "questionable"
    assert classify_z(3.0) == "unsatisfactory"
    assert classify_en(1.0) == "satisfactory" and classify_en(-1.01) == "unsatisfactory"
    with pytest.raises(InterlabError, match="sigma_pt"):
        z_score(1.0, 1.0, 0.0)
    with pytest.raises(InterlabError, match=r"u\(x\)"):
        zeta_score(1.0, -0.1, 1.0, 0.1)
    with pytest.raises(InterlabError, match="x"):
        z_score(float("nan"), 1.0, 1.0)


def test_grubbs_critical_values_match_published_tables() -> None:
    # ISO 5725-2:1994, Table 5 (Grubbs, single largest or smallest), p = 10: 2.290 (5 %), 2.482 (1 %).
    # ASTM E178 Table 1 (one-sided levels), n = 10: 2.176 (5 %), 2.410 (1 %).
    assert round(grubbs_critical(10, 0.05), 3) == 2.290
    assert round(grubbs_critical(10, 0.01), 3) == 2.482
    assert round(grubbs_critical(10, 0.05, two_sided=False), 3) == 2.176
    assert round(grubbs_critical(10, 0.01, two_sided=False), 3) == 2.410


def test_grubbs_test() -> None:
    x = [10.0, 10.1, 9.9, 10.05, 9.95, 10.02, 9.98, 10.03, 9.97, 12.0]
    res = grubbs_test(x)
    assert res.index == 9 and res.outlier
    xa = np.array(x)
    assert res.statistic == pytest.approx(abs(12.0 - xa.mean()) / xa.std(ddof=1))
    assert not grubbs_test(x[:9]).outlier


def test_cochran_critical_values_match_published_table() -> None:
    # ISO 5725-2:1994, Table 4 (Cochran), n = 2: p = 10: 0.602 (5 %), 0.718 (1 %); p = 3: 0.967, 0.993.
    assert round(cochran_critical(10, 2, 0.05), 3) == 0.602
    assert cochran_critical(10, 2, 0.01) == pytest.approx(0.718, abs=6e-4)  # 0.71749: table rounds 0.7175 up
    assert round(cochran_critical(3, 2, 0.05), 3) == 0.967
    assert round(cochran_critical(3, 2, 0.01), 3) == 0.993
    res = cochran_test([0.1, 0.12, 0.09, 0.11, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1], replicates=2)
    assert res.index == 4 and res.outlier
    assert res.statistic == pytest.approx(0.25 / (0.25 + 0.01 * 6 + 0.0144 + 0.0081 + 0.0121))


def test_homogeneity_factors_match_iso_13528_table_b1() -> None:
    # ISO 13528:2015, Table B.1 (duplicates): g = 10: F1 = 1.88, F2 = 1.01; g = 20: F1 = 1.59, F2 = 0.57;
    # g = 7: F1 = 2.10, F2 = 1.43.
    rng = np.random.default_rng(1)
    for g, f1, f2 in ((10, 1.88, 1.01), (20, 1.59, 0.57), (7, 2.10, 1.43)):
        res = homogeneity_check(rng.normal(5, 0.01, (g, 2)), sigma_pt=0.1)
        assert (round(res.f1, 2), round(res.f2, 2)) == (f1, f2)


def test_homogeneity_statistics_direct() -> None:
    data = np.array([[10.1, 10.2], [10.0, 10.1], [10.3, 10.2], [9.9, 10.0], [10.2, 10.2]])
    res = homogeneity_check(data, sigma_pt=0.5)
    means = data.mean(axis=1)
    w = data[:, 0] - data[:, 1]
    s_w = math.sqrt((w**2).sum() / (2 * 5))  # ISO 13528:2015, B.3, eq. for duplicates
    s_x = means.std(ddof=1)
    assert res.s_w == pytest.approx(s_w)
    assert res.s_x == pytest.approx(s_x)
    assert res.s_s == pytest.approx(math.sqrt(max(0.0, s_x**2 - s_w**2 / 2)))
    assert res.homogeneous and res.criterion == pytest.approx(0.15)
    assert not homogeneity_check(data, sigma_pt=0.2).homogeneous
    with pytest.raises(InterlabError, match="2 items"):
        homogeneity_check([[1.0, 2.0]], sigma_pt=1.0)


def test_stability() -> None:
    res = stability_check([10.0, 10.1, 10.2], [10.3, 10.4, 10.5], sigma_pt=0.5)
    assert res.difference == pytest.approx(0.3)
    assert not res.stable  # 0.3 > 0.15
    exp = stability_check([10.0, 10.1, 10.2], [10.3, 10.4, 10.5], sigma_pt=0.5, expanded=True)
    u = 0.1 / math.sqrt(3)
    assert exp.expanded_criterion == pytest.approx(0.15 + 2 * math.hypot(u, u))
    assert exp.stable
