"""Monte Carlo (JCGM 101) against the published examples of JCGM 101 §9 and exact results.

Monte Carlo results are compared with a fixed seed and a tolerance made of the rounding of the
published digits plus about three standard errors of the Monte Carlo estimate for the number of
trials used (endpoint standard error ≈ sqrt(p(1-p)/M) / g(y), g the output density).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from nqi.uncertainty import (
    Input,
    Model,
    Rectangular,
    UncertaintyError,
    coverage_interval,
    gum,
    monte_carlo,
    numerical_tolerance,
    shortest_interval,
    validate,
)
from nqi.uncertainty.distributions import (
    Arcsine,
    CurvilinearTrapezoidal,
    Exponential,
    Gamma,
    Normal,
    StudentT,
    Trapezoidal,
    Triangular,
)

M = 1_000_000


def _additive(inputs: list[Input]) -> Model:
    return Model("Y = X1 + X2 + X3 + X4", inputs)


def test_additive_normal_9_2_2() -> None:
    m = _additive([Input.normal(f"X{i}", 0.0, 1.0) for i in range(1, 5)])
    g = gum(m)["Y"]
    assert round(g.uncertainty, 2) == 2.00  # JCGM 101 Table 2, GUF: u(y) = 2.00
    assert round(g.interval[1], 2) == 3.92  # Table 2, GUF: [-3.92, 3.92]
    mc = monte_carlo(m, M, seed=1)
    r = mc["Y"]
    assert abs(r.value) < 0.01  # Table 2, MCM: y = 0.00
    assert round(r.uncertainty, 2) == 2.00  # Table 2, MCM: u(y) = 2.00
    lo, hi = r.symmetric_interval
    assert abs(lo + 3.92) < 0.02 and abs(hi - 3.92) < 0.02  # Table 2, MCM: [-3.92, 3.92]
    assert validate(gum(m), mc).passed  # §9.2.2: the GUF is validated


def test_additive_rectangular_9_2_3() -> None:
    m = _additive([Input.rectangular(f"X{i}", 0.0, math.sqrt(3.0)) for i in range(1, 5)])
    g = gum(m)
    assert round(g["Y"].uncertainty, 2) == 2.00  # JCGM 101 Table 3, GUF: u(y) = 2.00, [-3.92, 3.92]
    mc = monte_carlo(m, M, seed=2)
    r = mc["Y"]
    assert round(r.uncertainty, 2) == 2.00  # Table 3, MCM: u(y) = 2.00
    lo, hi = r.symmetric_interval
    assert abs(lo + 3.88) < 0.02 and abs(hi - 3.88) < 0.02  # Table 3, MCM: [-3.88, 3.88]
    # §8 with ndig = 2: delta = 0.05 (u = 2.0), d = |3.92 - 3.88| ~ 0.04 -> validated;
    # with ndig = 3 (delta = 0.005) the GUF is not validated.
    assert validate(g, mc, ndig=2).passed
    assert not validate(g, mc, ndig=3).passed


def test_additive_dominant_rectangular_9_2_4() -> None:
    inputs = [Input.normal(f"X{i}", 0.0, 1.0) for i in range(1, 4)]
    inputs.append(Input.rectangular("X4", 0.0, 10.0 * math.sqrt(3.0)))
    m = _additive(inputs)
    g = gum(m)["Y"]
    assert round(g.uncertainty, 2) == 10.15  # JCGM 101 Table 4, GUF: u(y) = 10.15
    assert round(g.interval[1], 1) == 19.9  # Table 4, GUF: [-19.9, 19.9]
    r = monte_carlo(m, M, seed=3)["Y"]
    assert round(r.uncertainty, 2) == 10.15  # Table 4, MCM: u(y) = 10.15
    lo, hi = r.symmetric_interval
    assert abs(lo + 17.0) < 0.1 and abs(hi - 17.0) < 0.1  # Table 4, MCM: [-17.0, 17.0]


def _mass_model() -> Model:
    # JCGM 101:2008 §9.3.1 and Table 4: inputs of the mass calibration
    return Model(
        "dm = (m_Rc + dm_Rc)*(1 + (rho_a - rho_a0)*(1/rho_W - 1/rho_R)) - m_nom",
        [
            Input.normal("m_Rc", 100_000.000, 0.050),
            Input.normal("dm_Rc", 1.234, 0.020),
            Input("rho_a", Rectangular(1.10, 1.30)),
            Input("rho_W", Rectangular(7_000, 9_000)),
            Input("rho_R", Rectangular(7_950, 8_050)),
        ],
        constants={"rho_a0": 1.2, "m_nom": 100_000},
    )


def test_mass_calibration_9_3() -> None:
    m = _mass_model()
    mc = monte_carlo(m, M, seed=5)
    r = mc["dm"]
    # JCGM 101 Table 5, MCM (M = 10^6): dm = 1.2341 mg, u = 0.0754 mg, [1.0834, 1.3825] mg.
    # Standard error here: ~5e-5 on u, ~4e-4 on the endpoints. The output PDF is symmetric about
    # 1.2340 (product of a symmetric zero-mean factor), and a 4e7-trial run of this code gives
    # [1.0844, 1.3836], ~1e-3 from the published endpoints (one 10^6-trial run in the JCGM 101
    # table), hence the tolerance of 1.5e-3 on the endpoints.
    assert abs(r.value - 1.2341) <= 2e-4
    assert abs(r.uncertainty - 0.0754) <= 2e-4
    lo, hi = r.symmetric_interval
    assert abs(lo - 1.0834) <= 1.5e-3 and abs(hi - 1.3825) <= 1.5e-3
    # §9.3.2.5 / Table 5: the first-order GUF is not validated (d ≈ 0.045 mg >> delta = 0.0005 mg)
    v = validate(gum(m), mc, ndig=2)["dm"]
    assert v.delta == pytest.approx(0.0005)
    assert not v.passed and v.d_low > 0.04 and v.d_high > 0.04


def test_microwave_power_meter_9_4_uncorrelated_exact() -> None:
    """JCGM 101 §9.4: Y = X1² + X2², x1 = 0.010 V, x2 = 0, u = 0.005 V each.

    Exact: Y/u² follows a non-central chi-squared with 2 degrees of freedom and non-centrality
    (x1² + x2²)/u²; E(Y) = x1² + x2² + 2u² = 1.5e-4, V(Y) = 4x1²u² + 4u⁴ -> u(Y) = 1.1e-4 (the
    MCM values of §9.4), while the first-order GUF gives y = 1.0e-4, u = 1.0e-4.
    """
    u = 0.005
    m = Model("P = X1**2 + X2**2", [Input.normal("X1", 0.010, u), Input.normal("X2", 0.0, u)])
    g = gum(m)["P"]
    assert g.value == pytest.approx(1.0e-4) and g.uncertainty == pytest.approx(1.0e-4)
    g2 = gum(m, second_order=True)["P"]
    assert g2.uncertainty == pytest.approx(math.sqrt(4 * 0.01**2 * u**2 + 4 * u**4))  # exact for quadratics
    r = monte_carlo(m, M, seed=7)["P"]
    assert r.value == pytest.approx(1.5e-4, rel=3e-3)
    assert r.uncertainty == pytest.approx(math.sqrt(4 * 0.01**2 * u**2 + 4 * u**4), rel=3e-3)
    dist = stats.ncx2(2, 0.01**2 / u**2, scale=u**2)
    lo, hi = r.symmetric_interval
    assert lo == pytest.approx(dist.ppf(0.025), rel=0.01)
    assert hi == pytest.approx(dist.ppf(0.975), rel=0.01)


def test_microwave_power_meter_9_4_correlated() -> None:
    """Same with r(X1, X2) = 0.9 (JCGM 101 §9.4.3): V(Y) = 2 tr(Σ²) + 4 μᵀΣμ."""
    u, r12, x1 = 0.005, 0.9, 0.010
    m = Model(
        "P = X1**2 + X2**2",
        [Input.normal("X1", x1, u), Input.normal("X2", 0.0, u)],
        correlations={("X1", "X2"): r12},
    )
    sigma = u * u * np.array([[1.0, r12], [r12, 1.0]])
    var = 2 * np.trace(sigma @ sigma) + 4 * x1 * x1 * sigma[0, 0]
    res = monte_carlo(m, M, seed=8)["P"]
    assert res.value == pytest.approx(x1 * x1 + 2 * u * u, rel=3e-3)
    assert res.uncertainty == pytest.approx(math.sqrt(var), rel=5e-3)


@settings(max_examples=25, deadline=None)
@given(
    m=st.integers(100, 70_000),
    p=st.sampled_from([0.95, 0.99, 0.6827, 0.5]),
    seed=st.integers(0, 2**32 - 1),
)
def test_coverage_intervals_match_the_sorted_definition(m: int, p: float, seed: int) -> None:
    """JCGM 101 §7.7.2/§7.7.3 index rules, checked against a plain full sort."""
    y = np.random.default_rng(seed).standard_gamma(2.0, m)
    s = np.sort(y)
    pm = p * m
    q = round(pm) if abs(pm - round(pm)) < 1e-9 else math.floor(pm + 0.5)
    r = (m - q) // 2 if (m - q) % 2 == 0 else (m - q + 1) // 2
    assert coverage_interval(y, p) == (s[r - 1], s[r + q - 1])
    widths = s[q:] - s[: m - q]
    i = int(np.argmin(widths))
    assert shortest_interval(y, p) == (s[i], s[i + q])


def test_numerical_tolerance_7_9_2() -> None:
    assert numerical_tolerance(0.0539, 2) == pytest.approx(0.0005)  # JCGM 101 §7.9.2 style: c = 54, l = -3
    assert numerical_tolerance(2.0, 2) == pytest.approx(0.05)
    assert numerical_tolerance(0.0996, 2) == pytest.approx(0.005)  # rounds to c = 10, l = -2
    assert numerical_tolerance(32.0, 1) == pytest.approx(5.0)


def test_reproducible_seeds() -> None:
    m = _mass_model()
    a = monte_carlo(m, 50_000, seed=11)
    b = monte_carlo(m, 50_000, seed=11)
    c = monte_carlo(m, 50_000, seed=12)
    assert a.outputs == b.outputs
    assert a.samples is not None and b.samples is not None
    assert np.array_equal(a.samples, b.samples)
    assert a.outputs != c.outputs


def test_adaptive_procedure_7_9() -> None:
    m = _additive([Input.normal(f"X{i}", 0.0, 1.0) for i in range(1, 5)])
    res = monte_carlo(m, seed=21, adaptive=True, ndig=2)
    assert res.adaptive and res.converged
    assert res.trials % 10_000 == 0 and res.trials >= 20_000  # M = max(100/(1-p), 10^4) per batch
    delta = numerical_tolerance(2.0, 2)
    r = res["Y"]
    assert abs(r.uncertainty - 2.0) <= delta
    assert abs(r.symmetric_interval[1] - 1.959964 * 2.0) <= 2 * delta
    capped = monte_carlo(_mass_model(), seed=1, adaptive=True, ndig=4, max_trials=30_000)
    assert not capped.converged and capped.trials == 30_000


def test_multivariate_outputs_h2() -> None:
    from tests.uncertainty.test_unc_gum import _h2_model

    m = _h2_model()
    g = gum(m)
    mc = monte_carlo(m, 200_000, seed=4)
    np.testing.assert_allclose(mc.correlation, g.correlation, atol=0.01)
    for name in ("R", "X", "Z"):
        assert mc[name].uncertainty == pytest.approx(g[name].uncertainty, rel=0.02)


def test_hyperellipsoidal_coverage_region_linear_model() -> None:
    """JCGM 102 §6.5.2 / §7.7.2: for a linear model with Gaussian inputs, k_p² = χ²_3 quantile."""
    m = Model(
        ["Y1 = a + b", "Y2 = a - 2*b + c", "Y3 = c - a"],
        [Input.normal("a", 1.0, 0.1), Input.normal("b", 2.0, 0.3), Input.normal("c", 0.0, 0.2)],
    )
    g = gum(m)
    mc = monte_carlo(m, 400_000, seed=6)
    k = math.sqrt(stats.chi2.ppf(0.95, 3))
    assert g.coverage_region_factor(0.95) == pytest.approx(k)
    assert mc.coverage_region_factor() == pytest.approx(k, rel=0.01)
    np.testing.assert_allclose(mc.covariance, g.covariance, rtol=0.02, atol=1e-4)


def test_multivariate_t_inputs() -> None:
    m = Model(
        "y = a + b",
        [Input.t("a", 1.0, 0.1, 5), Input.t("b", 2.0, 0.2, 5)],
        correlations={("a", "b"): 0.5},
    )
    mc = monte_carlo(m, 400_000, seed=9)
    assert mc.samples is not None
    # marginal variance of a multivariate t: scale² ν/(ν-2)
    var = (0.1**2 + 0.2**2 + 2 * 0.5 * 0.1 * 0.2) * 5 / 3
    assert mc["y"].uncertainty == pytest.approx(math.sqrt(var), rel=0.02)


def test_correlated_non_gaussian_inputs_are_refused_by_monte_carlo() -> None:
    m = Model(
        "y = a + b",
        [Input.normal("a", 0, 1), Input.rectangular("b", 0, 1)],
        correlations={("a", "b"): 0.3},
    )
    gum(m)  # the GUM is fine
    with pytest.raises(UncertaintyError, match=r"'b'.*rectangular"):
        monte_carlo(m, 10_000, seed=1)


def test_monte_carlo_errors() -> None:
    m = Model("y = 1/a", [Input.rectangular("a", 0.0, 1.0)])
    with pytest.raises(UncertaintyError, match="too few"):
        monte_carlo(m, 100, seed=1)
    with pytest.raises(UncertaintyError, match=r"'y'.*non-finite"):
        monte_carlo(Model("y = log(a)", [Input.normal("a", 0.0, 1.0)]), 10_000, seed=1)


@pytest.mark.parametrize(
    "dist, mean, std",
    [
        (Normal(1.0, 2.0), 1.0, 2.0),
        (StudentT(0.0, 1.0, 6.0), 0.0, math.sqrt(6 / 4)),
        (Rectangular(-1.0, 3.0), 1.0, 4 / math.sqrt(12)),
        (Triangular(0.0, 2.0), 1.0, 2 / math.sqrt(24)),
        (Trapezoidal(0.0, 2.0, 0.5), 1.0, 2 * math.sqrt(1.25 / 24)),
        (CurvilinearTrapezoidal(0.0, 2.0, 0.3), 1.0, math.sqrt(4 / 12 + 0.09 / 9)),
        (Arcsine(0.0, 2.0), 1.0, 2 / math.sqrt(8)),
        (Exponential(2.0), 2.0, 2.0),
        (Gamma(3.0, 0.5), 1.5, math.sqrt(3) * 0.5),
    ],
)
def test_distribution_moments(dist: object, mean: float, std: float) -> None:
    """JCGM 101 §6.4: expectations and standard deviations of the sampled distributions."""
    from nqi.uncertainty import Distribution

    assert isinstance(dist, Distribution)
    assert dist.mean == pytest.approx(mean)
    assert dist.std == pytest.approx(std)
    x = dist.sample(np.random.default_rng(1), 400_000)
    assert x.mean() == pytest.approx(mean, abs=4 * std / math.sqrt(400_000))
    assert x.std() == pytest.approx(std, rel=0.01)


@settings(max_examples=15, deadline=None)
@given(
    coefs=st.lists(st.floats(-5, 5).filter(lambda c: abs(c) > 0.1), min_size=2, max_size=4),
    r=st.floats(-0.8, 0.8),
    seed=st.integers(0, 2**31),
)
def test_linear_models_gum_equals_monte_carlo(coefs: list[float], r: float, seed: int) -> None:
    """Property: for a linear model with Gaussian inputs the GUM is exact, so Monte Carlo agrees
    (u within 1 %, interval ends within 1 % of u) and the GUM result is validated."""
    names = [f"x{i}" for i in range(len(coefs))]
    expr = " + ".join(f"({c!r})*{n}" for c, n in zip(coefs, names, strict=True))
    m = Model(
        f"y = {expr}",
        [Input.normal(n, float(i), 0.5 + i) for i, n in enumerate(names)],
        correlations={("x0", "x1"): r},
    )
    g = gum(m)["y"]
    mc = monte_carlo(m, 200_000, seed=seed)
    res = mc["y"]
    assert res.uncertainty == pytest.approx(g.uncertainty, rel=0.01)
    lo, hi = res.symmetric_interval
    assert abs(lo - g.interval[0]) < 0.03 * g.uncertainty
    assert abs(hi - g.interval[1]) < 0.03 * g.uncertainty
    assert validate(gum(m), mc, ndig=1).passed
