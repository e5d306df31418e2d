"""GUM law of propagation against the published examples of JCGM 100:2008 Annex H and JCGM 101.

Each expected number cites its source. "to the published digits" means the computed value,
rounded as the document rounds, equals the published value.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nqi.uncertainty import (
    Budget,
    CorrelationError,
    Input,
    InputError,
    Model,
    ModelError,
    Rectangular,
    UncertaintyError,
    coverage_factor,
    gum,
    typea,
    welch_satterthwaite,
)
from nqi.uncertainty.budget import format_uncertainty


def _h1_model() -> Model:
    """JCGM 100:2008 H.1, linearised model (H.3) with the inputs of H.1.3 / Table H.1."""
    return Model(
        "l = l_s + d + d1 + d2 - l_s*(dalpha*theta + alpha_s*dtheta)",
        [
            Input.normal("l_s", 50_000_623, 25, dof=18, unit="nm"),  # H.1.3.1: u = 25 nm, nu = 18
            Input.normal("d", 215, 5.8, dof=24, unit="nm"),  # H.1.3.2: d = 215 nm, u = 5.8 nm, nu = 24
            Input.normal("d1", 0, 3.9, dof=5, unit="nm"),  # H.1.3.2: u(d1) = 3.9 nm, nu = 5
            Input.normal("d2", 0, 6.7, dof=8, unit="nm"),  # H.1.3.2: u(d2) = 6.7 nm, nu = 8
            Input(
                "alpha_s",
                Rectangular(11.5e-6 - 1.2e-6 * math.sqrt(3), 11.5e-6 + 1.2e-6 * math.sqrt(3)),
                unit="1/°C",
            ),  # H.1.3.3: 11.5e-6 /°C, u = 1.2e-6 /°C, rectangular
            Input.normal("theta", -0.1, 0.41, unit="°C"),  # H.1.3.4: theta = -0.1 °C, u = 0.41 °C
            Input.rectangular("dalpha", 0, 0.58e-6 * math.sqrt(3), dof=50, unit="1/°C"),  # H.1.3.5
            Input.normal("dtheta", 0, 0.029, dof=2, unit="°C"),  # H.1.3.6: u = 0.029 °C, nu = 2
        ],
        output_units={"l": "nm"},
        coverage_probability=0.99,
    )


def test_gum_h1_end_gauge() -> None:
    g = gum(_h1_model())
    r = g["l"]
    assert round(r.value) == 50_000_838  # H.1.5: l = 50.000 838 mm
    assert round(r.uncertainty) == 32  # H.1.4 / Table H.1: u_c(l) = 32 nm
    assert math.floor(r.dof) == 16  # H.1.6: nu_eff(l) = 16.7 -> 16 (GUM rounds with u_c = 32)
    assert round(r.coverage_factor, 2) == 2.92  # H.1.6: t_99(16) = 2.92
    # H.1.6: U_99 = 2.92 x 32 nm = 93 nm (computed from the rounded u_c); unrounded 92.6 nm
    assert abs(r.expanded_uncertainty - 93) < 1.0
    c = g.sensitivities("l")
    assert c["l_s"] == pytest.approx(1.0)  # Table H.1: c = 1
    assert c["dalpha"] == pytest.approx(-50_000_623 * -0.1)  # Table H.1: c = -l_s theta
    assert c["dtheta"] == pytest.approx(-50_000_623 * 11.5e-6)  # Table H.1: c = -l_s alpha_s
    b = g.budget("l")
    contrib = {row.quantity: row.contribution for row in b.rows}
    assert round(contrib["dalpha"], 1) == 2.9  # Table H.1: u_i(l) = 2.9 nm
    assert round(contrib["dtheta"], 1) == 16.7  # Table H.1: 16.6 nm (from c = 575 rounded); 575.007 x 0.029
    assert contrib["alpha_s"] == 0.0 and contrib["theta"] == 0.0  # Table H.1: 0


def test_gum_h1_second_order() -> None:
    g2 = gum(_h1_model(), second_order=True)
    assert round(g2["l"].uncertainty) == 34  # H.1.7: u_c(l) = 34 nm with the second-order terms


def _h2_data() -> tuple[list[float], list[float], list[float]]:
    # JCGM 100:2008 Table H.2: five sets of simultaneous observations
    v = [5.007, 4.994, 5.005, 4.990, 4.999]  # V
    i = [19.663e-3, 19.639e-3, 19.640e-3, 19.685e-3, 19.678e-3]  # A (table in mA)
    phi = [1.0456, 1.0438, 1.0468, 1.0428, 1.0433]  # rad
    return v, i, phi


def _h2_model() -> Model:
    v, i, phi = _h2_data()
    return Model(
        ["R = V/I*cos(phi)", "X = V/I*sin(phi)", "Z = V/I"],
        [
            Input.normal("V", typea.mean(v), typea.std_of_mean(v), typea.dof(v), unit="V"),
            Input.normal("I", typea.mean(i), typea.std_of_mean(i), typea.dof(i), unit="A"),
            Input.normal("phi", typea.mean(phi), typea.std_of_mean(phi), typea.dof(phi), unit="rad"),
        ],
        correlations={
            ("V", "I"): typea.correlation(v, i),
            ("V", "phi"): typea.correlation(v, phi),
            ("I", "phi"): typea.correlation(i, phi),
        },
        output_units={"R": "ohm", "X": "ohm", "Z": "Ω"},
    )


def test_h2_type_a_statistics() -> None:
    v, i, phi = _h2_data()
    assert round(typea.mean(v), 4) == 4.9990  # Table H.2: mean V = 4.9990 V
    assert round(typea.std_of_mean(v), 4) == 0.0032  # Table H.2: s(V) = 0.0032 V
    assert round(typea.mean(i) * 1e3, 4) == 19.6610  # Table H.2: 19.6610 mA
    assert round(typea.std_of_mean(i) * 1e3, 4) == 0.0095  # Table H.2: 0.0095 mA
    assert round(typea.mean(phi), 5) == 1.04446  # Table H.2: 1.04446 rad
    assert round(typea.std_of_mean(phi), 5) == 0.00075  # Table H.2: 0.00075 rad
    assert round(typea.correlation(v, i), 2) == -0.36  # Table H.2: r(V, I) = -0.36
    assert round(typea.correlation(v, phi), 2) == 0.86  # Table H.2: r(V, phi) = 0.86
    assert round(typea.correlation(i, phi), 2) == -0.65  # Table H.2: r(I, phi) = -0.65


def test_gum_h2_simultaneous_resistance_reactance_impedance() -> None:
    g = gum(_h2_model())
    assert round(g["R"].value, 3) == 127.732  # Table H.3/H.4: R = 127.732 ohm
    assert round(g["X"].value, 3) == 219.847  # X = 219.847 ohm
    assert round(g["Z"].value, 3) == 254.260  # Z = 254.260 ohm
    assert round(g["R"].uncertainty, 3) == 0.071  # u(R) = 0.071 ohm
    assert round(g["Z"].uncertainty, 3) == 0.236  # u(Z) = 0.236 ohm
    # u(X) = 0.295 ohm in Table H.3 (approach 1, statistics of the five computed X values);
    # the law of propagation (approach 2, H.2.4) gives 0.2956: equal within one unit of the last digit.
    assert abs(g["X"].uncertainty - 0.295) <= 0.001
    r = g.correlation
    assert round(r[0, 1], 3) == -0.588  # r(R, X) = -0.588
    assert round(r[0, 2], 3) == -0.485  # r(R, Z) = -0.485
    assert round(r[1, 2], 3) == 0.993  # r(X, Z) = 0.993


def _mass_model() -> Model:
    # JCGM 101:2008 §9.3.1, Table 4 (inputs); dm in mg, densities in kg/m3
    return Model(
        "dm = (m_Rc + dm_Rc)*(1 + (rho_a - rho_a0)*(1/rho_W - 1/rho_R)) - m_nom",
        [
            Input.normal("m_Rc", 100_000.000, 0.050, unit="mg"),
            Input.normal("dm_Rc", 1.234, 0.020, unit="mg"),
            Input("rho_a", Rectangular(1.10, 1.30), unit="kg/m3"),
            Input("rho_W", Rectangular(7_000, 9_000), unit="kg/m3"),
            Input("rho_R", Rectangular(7_950, 8_050), unit="kg/m3"),
        ],
        constants={"rho_a0": {"value": 1.2, "unit": "kg/m3"}, "m_nom": {"value": 100_000, "unit": "mg"}},
        output_units={"dm": "mg"},
    )


def test_gum_mass_calibration_first_and_second_order() -> None:
    g1 = gum(_mass_model())["dm"]
    assert round(g1.value, 4) == 1.2340  # JCGM 101 Table 5, GUF: dm = 1.2340 mg
    assert round(g1.uncertainty, 4) == 0.0539  # Table 5, GUF: u = 0.0539 mg
    # Table 5, GUF 95 % interval [1.1283, 1.3397] mg; y ± 1.96 u gives [1.12845, 1.33955]:
    # agreement within 2 units of the last published digit.
    lo, hi = g1.interval
    assert abs(lo - 1.1283) <= 2e-4 and abs(hi - 1.3397) <= 2e-4
    g2 = gum(_mass_model(), second_order=True)["dm"]
    assert round(g2.uncertainty, 4) == 0.0750  # Table 5, GUF with higher-order terms: 0.0750 mg
    lo2, hi2 = g2.interval
    assert abs(lo2 - 1.0870) <= 2e-4 and abs(hi2 - 1.3810) <= 2e-4  # Table 5: [1.0870, 1.3810]


def test_welch_satterthwaite_and_coverage_factor() -> None:
    # GUM G.4.1 eq. (G.2b) by hand: u_c^4 / sum u_i^4/nu_i
    u = np.array([3.0, 4.0])
    nu = np.array([4.0, math.inf])
    assert welch_satterthwaite(5.0, u, nu) == pytest.approx(625 / (81 / 4))
    assert welch_satterthwaite(5.0, u, np.array([math.inf, math.inf])) == math.inf
    assert coverage_factor(0.95) == pytest.approx(1.959964, abs=1e-6)  # normal quantile
    assert round(coverage_factor(0.95, 16.7), 2) == 2.12  # GUM Table G.2: t_95(16) = 2.12
    assert round(coverage_factor(0.9545, 10), 2) == 2.28  # GUM Table G.2: t_95.45(10) = 2.28
    assert coverage_factor(0.95, 16.7, rounding="none") < coverage_factor(0.95, 16.7)


def test_budget_shares_and_serialisation() -> None:
    g = gum(_h2_model())
    for name in ("R", "X", "Z"):
        b = g.budget(name)
        assert sum(r.share for r in b.rows) == pytest.approx(1.0)
    b = gum(_h1_model()).budget()
    d = b.to_dict()
    assert d["schema"] == "nqi.uncertainty.budget/1"
    assert [r["quantity"] for r in d["rows"]][:2] == ["l_s", "d"]
    assert set(d["rows"][0]) == {
        "quantity",
        "unit",
        "estimate",
        "standard_uncertainty",
        "distribution",
        "dof",
        "sensitivity",
        "contribution",
        "share",
    }
    assert d["rows"][4]["dof"] is None  # infinite dof -> null (JSON has no infinity)
    assert all(type(r["estimate"]) is float for r in d["rows"])
    text = b.to_json()
    json.loads(text)  # strict JSON
    again = Budget.from_json(text)
    assert again == b
    csv_text = b.to_csv()
    assert csv_text.splitlines()[0].startswith("quantity,unit,estimate")
    header, rows = b.table()
    assert len(header) == 8 and rows[0][0] == "l_s"


def test_format_uncertainty_gum_7_2_6() -> None:
    assert format_uncertainty(100.021_47, 0.000_35) == ("100.02147", "0.00035")  # GUM 7.2.2 example
    assert format_uncertainty(50_000_838.4, 31.7) == ("50000838", "32")


def test_model_round_trip_through_dict() -> None:
    m = _h2_model()
    m2 = Model.from_dict(json.loads(json.dumps(m.to_dict())))
    g1, g2 = gum(m), gum(m2)
    for a, b in zip(g1.outputs, g2.outputs, strict=True):
        assert a == b


def test_errors_name_the_input() -> None:
    with pytest.raises(InputError, match=r"'x'.*negative standard uncertainty"):
        Input.normal("x", 1.0, -0.1)
    with pytest.raises(InputError, match="'w'"):
        Input.from_dict({"name": "w", "distribution": "rectangular", "low": 2, "high": 1})
    with pytest.raises(InputError, match=r"'w'.*unknown distribution"):
        Input.from_dict({"name": "w", "distribution": "cauchy", "value": 1})
    with pytest.raises(CorrelationError, match=r"not positive semi-definite.*a, b, c"):
        Model(
            "y = a + b + c",
            [Input.normal(n, 0, 1) for n in "abc"],
            correlations=[("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", -0.9)],
        )
    with pytest.raises(CorrelationError, match="unknown input 'q'"):
        Model("y = a", [Input.normal("a", 0, 1)], correlations={("a", "q"): 0.5})
    with pytest.raises(CorrelationError, match=r"outside \[-1, 1\]"):
        Model("y = a+b", [Input.normal("a", 0, 1), Input.normal("b", 0, 1)], correlations={("a", "b"): 1.5})
    with pytest.raises(ModelError, match="defined more than once"):
        Model("y = a", [Input.normal("a", 0, 1), Input.normal("a", 0, 1)])
    with pytest.raises(UncertaintyError, match=r"output 'y' cannot be evaluated.*division by zero"):
        gum(Model("y = 1/a", [Input.normal("a", 0.0, 1.0)]))
    with pytest.raises(ModelError, match="uncorrelated"):
        gum(_h2_model(), second_order=True)


def test_second_order_requires_expressions() -> None:
    m = Model(function=lambda a: a * a, inputs=[Input.normal("a", 1.0, 0.1)])
    with pytest.raises(ModelError):
        gum(m, second_order=True)
    assert gum(m)["y"].uncertainty == pytest.approx(0.2, rel=1e-9)


def test_ea_4_02_s2_weight_calibration() -> None:
    """EA-4/02 M:2013 supplement 1, example S2 (10 kg weight), read from the example file."""
    from pathlib import Path

    from nqi.uncertainty import load_model

    mf = load_model(Path(__file__).resolve().parents[2] / "examples/uncertainty/ea402_s2_weight.toml")
    g = gum(mf.model, k=mf.gum["k"])["m_X"]
    rows = {r.quantity: r for r in gum(mf.model).budget().rows}
    assert round(rows["m_S"].standard_uncertainty * 1e3, 1) == 22.5  # S2 budget: u(m_S) = 22.5 mg
    assert round(rows["dm_D"].standard_uncertainty * 1e3, 2) == 8.66  # S2: drift 8.66 mg
    assert round(rows["dm"].standard_uncertainty * 1e3, 1) == 14.4  # S2: 25 mg / sqrt(3) = 14.4 mg
    assert round(rows["dm_C"].standard_uncertainty * 1e3, 2) == 5.77  # S2: 5.77 mg
    assert round(g.value, 3) == 10_000.025  # S2: m_X = 10 000.025 g
    assert round(g.uncertainty * 1e3, 1) == 29.3  # S2: u(m_X) = 29.3 mg
    assert round(g.expanded_uncertainty * 1e3) == 59  # S2: U = 59 mg (k = 2)


def test_input_forms_from_dict() -> None:
    """Every TOML form of the inputs gives the intended estimate and standard uncertainty."""
    cases = [
        (
            {"distribution": "normal", "value": 1.0, "expanded_uncertainty": 0.2, "coverage_factor": 2},
            1.0,
            0.1,
        ),
        ({"distribution": "rectangular", "low": 0.0, "high": 2.0}, 1.0, 1 / math.sqrt(3)),
        ({"distribution": "rectangular", "value": 1.0, "half_width": 1.0}, 1.0, 1 / math.sqrt(3)),
        ({"distribution": "uniform", "value": 1.0, "uncertainty": 0.3}, 1.0, 0.3),
        ({"distribution": "triangular", "value": 1.0, "uncertainty": 0.3}, 1.0, 0.3),
        ({"distribution": "arcsine", "value": 1.0, "uncertainty": 0.3}, 1.0, 0.3),
        ({"distribution": "U-shaped", "value": 1.0, "half_width": 1.0}, 1.0, 1 / math.sqrt(2)),
        ({"distribution": "trapezoidal", "value": 1.0, "uncertainty": 0.3, "beta": 0.4}, 1.0, 0.3),
        (
            {"distribution": "curvilinear_trapezoidal", "low": 0.0, "high": 2.0, "d": 0.3},
            1.0,
            math.sqrt(1 / 3 + 0.01),
        ),
        ({"distribution": "t", "value": 5.0, "uncertainty": 0.2, "dof": 4}, 5.0, 0.2),
        ({"distribution": "exponential", "value": 2.0}, 2.0, 2.0),
        ({"distribution": "gamma", "value": 4.0, "uncertainty": 1.0}, 4.0, 1.0),
        ({"distribution": "gamma", "shape": 4.0, "scale": 0.5}, 2.0, 1.0),
    ]
    for spec, x, u in cases:
        inp = Input.from_dict({"name": "q", **spec})
        assert inp.estimate == pytest.approx(x), spec
        assert inp.uncertainty == pytest.approx(u), spec
    assert (
        Input.from_dict({"name": "q", "distribution": "t", "value": 1, "uncertainty": 1, "dof": 4}).dof == 4
    )
    for bad in (
        {"distribution": "t", "value": 1, "uncertainty": 1},
        {"distribution": "trapezoidal", "low": 0, "high": 1, "beta": 2},
        {"distribution": "curvilinear_trapezoidal", "low": 0, "high": 1, "d": 0.9},
        {"distribution": "exponential", "value": -1},
        {"distribution": "normal", "value": "abc", "uncertainty": 1},
        {"distribution": "normal", "value": 1, "uncertainty": float("nan")},
        {"distribution": "rectangular", "value": 1, "half_width": -1},
        {"value": 1, "uncertainty": 1, "dof": 0},
    ):
        with pytest.raises(InputError, match="'q'"):
            Input.from_dict({"name": "q", **bad})
