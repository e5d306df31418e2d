"""Least-squares calibration lines (GUM H.3, York 2004) and unit checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nqi.uncertainty import Input, InputError, Model, UnitError, fit_line, gum, parse_unit, typea

# JCGM 100:2008 Table H.6: thermometer readings t_k (°C) and observed corrections b_k (°C)
T_K = [21.521, 22.012, 22.512, 23.003, 23.507, 23.999, 24.513, 25.002, 25.503, 26.010, 26.511]
B_K = [-0.171, -0.169, -0.166, -0.159, -0.164, -0.165, -0.156, -0.157, -0.159, -0.161, -0.160]


def test_gum_h3_thermometer_calibration() -> None:
    line = fit_line(np.array(T_K) - 20.0, B_K)  # t0 = 20 °C (H.3.1)
    assert line.method == "OLS" and line.dof == 9
    assert round(line.intercept, 4) == -0.1712  # H.3.3: y1 = -0.1712 °C
    assert round(line.slope, 5) == 0.00218  # H.3.3: y2 = 0.00218
    assert round(line.u_intercept, 4) == 0.0029  # H.3.3: s(y1) = 0.0029 °C
    assert round(line.u_slope, 5) == 0.00067  # H.3.3: s(y2) = 0.00067
    assert round(line.correlation, 3) == -0.930  # H.3.3: r(y1, y2) = -0.930
    assert round(line.residual_std, 4) == 0.0035  # H.3.3: s = 0.0035 °C
    b, u = line.predict(30.0 - 20.0)
    assert round(b, 4) == -0.1494  # H.3.4: b(30 °C) = -0.1494 °C
    assert round(u, 4) == 0.0041  # H.3.4: u[b(30 °C)] = 0.0041 °C
    x, ux = line.inverse(b, 0.0)
    assert x == pytest.approx(10.0) and ux == pytest.approx(u / line.slope)


def test_york_fit_pearson_data() -> None:
    """Pearson's data with York's weights: York et al., Am. J. Phys. 72 (2004) 367, section V:
    a = 5.4799, b = -0.48053, sigma_a = 0.2950, sigma_b = 0.0580 (also Cantrell 2008, Table 1)."""
    x = [0.0, 0.9, 1.8, 2.6, 3.3, 4.4, 5.2, 6.1, 6.5, 7.4]
    y = [5.9, 5.4, 4.4, 4.6, 3.5, 3.7, 2.8, 2.8, 2.4, 1.5]
    wx = np.array([1000, 1000, 500, 800, 200, 80, 60, 20, 1.8, 1.0])
    wy = np.array([1, 1.8, 4, 8, 20, 20, 70, 70, 100, 500.0])
    line = fit_line(x, y, u_y=1 / np.sqrt(wy), u_x=1 / np.sqrt(wx))
    assert round(line.intercept, 4) == 5.4799
    assert round(line.slope, 5) == -0.48053
    assert round(line.u_intercept, 4) == 0.2950
    assert round(line.u_slope, 4) == 0.0580


def test_wls_exact_line_and_errors() -> None:
    x = [0.0, 1.0, 2.0, 3.0]
    y = [1.0, 3.0, 5.0, 7.0]
    line = fit_line(x, y, u_y=[0.1, 0.1, 0.2, 0.2])
    assert line.intercept == pytest.approx(1.0) and line.slope == pytest.approx(2.0)
    assert line.chi2 == pytest.approx(0.0, abs=1e-20)
    with pytest.raises(InputError):
        fit_line([1, 1, 1], [1, 2, 3])
    with pytest.raises(InputError):
        fit_line([1, 2], [1, 2])
    with pytest.raises(InputError):
        fit_line(x, y, u_y=[0.1, -0.1, 0.1, 0.1])


def test_type_a_helpers() -> None:
    obs = [10.1, 10.3, 9.9, 10.2, 10.0]
    assert typea.mean(obs) == pytest.approx(10.1)
    assert typea.std(obs) == pytest.approx(math.sqrt(0.1 / 4))
    assert typea.std_of_mean(obs) == pytest.approx(math.sqrt(0.1 / 4 / 5))
    assert typea.dof(obs) == 4
    var, nu = typea.pooled_variance([[1.0, 2.0, 3.0], [2.0, 4.0]])
    assert (var, nu) == (pytest.approx((2.0 + 2.0) / 3), 3)
    inp = Input.type_a("q", obs, unit="mm")
    assert (
        inp.distribution.kind == "t"
        and inp.dof == 4
        and inp.uncertainty == pytest.approx(typea.std_of_mean(obs))
    )


@pytest.mark.parametrize(
    "text, scale, dims",
    [
        ("nm", 1e-9, (1, 0, 0, 0, 0, 0, 0)),
        ("kg/m^3", 1.0, (-3, 1, 0, 0, 0, 0, 0)),
        ("kg m-3", 1.0, (-3, 1, 0, 0, 0, 0, 0)),
        ("kg/m3", 1.0, (-3, 1, 0, 0, 0, 0, 0)),
        ("W/(m·K)", 1.0, (1, 1, -3, 0, -1, 0, 0)),
        ("mg", 1e-6, (0, 1, 0, 0, 0, 0, 0)),
        ("µV", 1e-6, (2, 1, -3, -1, 0, 0, 0)),
        ("Ω", 1.0, (2, 1, -3, -2, 0, 0, 0)),
        ("1/°C", 1.0, (0, 0, 0, 0, -1, 0, 0)),
        ("%", 0.01, (0, 0, 0, 0, 0, 0, 0)),
        ("m²", 1.0, (2, 0, 0, 0, 0, 0, 0)),
        ("1", 1.0, (0, 0, 0, 0, 0, 0, 0)),
    ],
)
def test_parse_unit(text: str, scale: float, dims: tuple[int, ...]) -> None:
    u = parse_unit(text)
    assert u.scale == pytest.approx(scale) and u.dims == tuple(float(d) for d in dims)


def test_unit_errors_name_what_is_wrong() -> None:
    with pytest.raises(UnitError, match=r"input 'a'.*furlong"):
        Model("y = a", [Input.normal("a", 1, 0.1, unit="furlong")])
    with pytest.raises(UnitError, match=r"cannot add 'a' .* and 'b'"):
        Model("y = a + b", [Input.normal("a", 1, 0.1, unit="nm"), Input.normal("b", 1, 0.1, unit="mm")])
    with pytest.raises(UnitError, match="cannot add"):
        Model("y = a + b", [Input.normal("a", 1, 0.1, unit="V"), Input.normal("b", 1, 0.1, unit="A")])
    with pytest.raises(UnitError, match=r"sin\(\).*dimensionless"):
        Model("y = sin(a)", [Input.normal("a", 1, 0.1, unit="deg")])
    with pytest.raises(UnitError, match="output 'y' is declared in 'W'"):
        Model(
            "y = v * i",
            [Input.normal("v", 1, 0.1, unit="V"), Input.normal("i", 1, 0.1, unit="mA")],
            output_units={"y": "W"},
        )
    with pytest.raises(UnitError, match="exponent must be a number"):
        Model("y = a ** b", [Input.normal("a", 1, 0.1, unit="m"), Input.normal("b", 2, 0.1)])


def test_units_are_carried_and_consistent_models_pass() -> None:
    m = Model(
        "P = V**2 / R",
        [Input.normal("V", 10.0, 0.01, unit="V"), Input.rectangular("R", 100.0, 0.05, unit="Ω")],
        output_units={"P": "W"},
    )
    g = gum(m)
    assert g["P"].unit == "W"
    b = g.budget("P")
    assert [r.unit for r in b.rows] == ["V", "Ω"] and b.unit == "W"
    # a literal adapts to its context; inputs without a unit are not checked
    Model("y = x - 100000", [Input.normal("x", 1e5, 1, unit="mg")], output_units={"y": "mg"})
    Model("y = x + z", [Input.normal("x", 1, 1, unit="mg"), Input.normal("z", 1, 1)])
