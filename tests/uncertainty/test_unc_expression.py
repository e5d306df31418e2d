"""The safe expression language: whitelist, errors, compilation, symbolic differentiation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nqi.uncertainty import Input, Model, ModelError, UncertaintyError, UnknownSymbolError
from nqi.uncertainty import expression as ex


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "x.real",
        "x[0]",
        "lambda: 1",
        "[x, y]",
        "x if y else 1",
        "x < y",
        "x and y",
        "open('f')",
        "eval('1')",
        "f(x)",
        "sqrt(x=1)",
        "'abc'",
        "1j",
        "True",
        "x ^ 2",
        "x // 2",
        "x % 2",
        "_sign(x)",
        "sqrt(x, y)",
        "(yield)",
        "",
        "1 +",
    ],
)
def test_forbidden_or_malformed_expressions_raise_model_error(text: str) -> None:
    with pytest.raises(ModelError):
        ex.parse_expression(text)


def test_power_hint_for_caret() -> None:
    with pytest.raises(ModelError, match=r"use \*\*"):
        ex.parse_expression("x ^ 2")


def test_unknown_symbol_is_named() -> None:
    with pytest.raises(UnknownSymbolError, match="'zz'") as info:
        Model("y = a * zz", [Input.normal("a", 1.0, 0.1)])
    assert info.value.symbol == "zz"
    assert isinstance(info.value, UncertaintyError) and isinstance(info.value, ValueError)


def test_equations_intermediates_and_constants() -> None:
    m = Model(
        ["q = a * b", "y = q + c0", "z = q ** 2"],
        [Input.normal("a", 2.0, 0.1), Input.normal("b", 3.0, 0.2)],
        outputs=["y", "z"],
        constants={"c0": 1.5},
    )
    assert m.output_names == ["y", "z"]
    np.testing.assert_allclose(m.value_at(), [7.5, 36.0])
    np.testing.assert_allclose(m.jacobian(), [[3.0, 2.0], [2 * 6 * 3.0, 2 * 6 * 2.0]])


@pytest.mark.parametrize(
    "bad, match",
    [
        ("y = a; y = 2*a", "more than once"),
        ("a = 2", "redefines an input"),
        ("y = a; 3 = a", "syntax error"),
        ("y = a; z, w = a, a", "single name"),
    ],
)
def test_malformed_equations(bad: str, match: str) -> None:
    with pytest.raises(ModelError, match=match):
        Model(bad, [Input.normal("a", 1.0, 0.1)])


def test_vectorised_and_scalar_evaluation_agree() -> None:
    tree = ex.parse_expression("atan2(y, x) + sqrt(abs(x)) * exp(-y) / (1 + x**2) - log10(2 + sin(x)**2)")
    f = ex.compile_node(tree)
    xs = np.linspace(-2, 2, 7)
    ys = np.linspace(0.5, 1.5, 7)
    vec = f({"x": xs, "y": ys})
    scal = [f({"x": float(a), "y": float(b)}) for a, b in zip(xs, ys, strict=True)]
    np.testing.assert_allclose(vec, scal, rtol=0, atol=1e-15)


def test_to_text_round_trips() -> None:
    for text in ["-a**2", "(a - b) / (c * (d + 1))", "a - (b - c)", "2**-a", "-(a + b)", "a / b / c"]:
        tree = ex.parse_expression(text)
        env = {"a": 1.3, "b": 0.7, "c": 2.1, "d": -0.4}
        again = ex.parse_expression(ex.to_text(tree))
        assert ex.compile_node(again)(env) == pytest.approx(ex.compile_node(tree)(env), rel=1e-15)


# Analytic derivatives for accuracy tests (written by hand, independent of the differentiator).
CASES = [
    ("x**3", lambda x: 3 * x**2),
    ("sqrt(x)", lambda x: 0.5 / math.sqrt(x)),
    ("exp(2*x)", lambda x: 2 * math.exp(2 * x)),
    ("log(x)", lambda x: 1 / x),
    ("log10(x)", lambda x: 1 / (x * math.log(10))),
    ("sin(x)*cos(x)", lambda x: math.cos(2 * x)),
    ("tan(x)", lambda x: 1 / math.cos(x) ** 2),
    ("asin(x/2)", lambda x: 0.5 / math.sqrt(1 - x * x / 4)),
    ("acos(x/2)", lambda x: -0.5 / math.sqrt(1 - x * x / 4)),
    ("atan(x)", lambda x: 1 / (1 + x * x)),
    ("atan2(x, 2)", lambda x: 2 / (4 + x * x)),
    ("sinh(x) + cosh(x)", lambda x: math.cosh(x) + math.sinh(x)),
    ("tanh(x)", lambda x: 1 - math.tanh(x) ** 2),
    ("abs(x - 2)", lambda x: -1.0),
    ("x**x", lambda x: x**x * (math.log(x) + 1)),
    ("2**x", lambda x: 2**x * math.log(2)),
    ("1/(1 + x**2)", lambda x: -2 * x / (1 + x * x) ** 2),
    ("min(x, 1) + max(x, 1)", lambda x: 1.0),
    ("-x / (pi * e)", lambda x: -1 / (math.pi * math.e)),
]


@pytest.mark.parametrize("text, deriv", CASES)
def test_symbolic_derivative_is_exact(text: str, deriv: object) -> None:
    d = ex.compile_node(ex.diff(ex.parse_expression(text), "x"))
    for x in (0.3, 0.77, 1.4):
        assert float(d({"x": x})) == pytest.approx(deriv(x), rel=1e-13, abs=1e-15)  # type: ignore[operator]


def test_second_and_third_derivatives() -> None:
    tree = ex.parse_expression("x**4 * y")
    d2 = ex.diff(ex.diff(tree, "x"), "x")
    d3 = ex.diff(d2, "y")
    assert float(ex.compile_node(d2)({"x": 2.0, "y": 3.0})) == pytest.approx(12 * 4 * 3)
    assert float(ex.compile_node(d3)({"x": 2.0, "y": 3.0})) == pytest.approx(12 * 4)


def test_callable_model_sensitivities_by_central_differences() -> None:
    """Central differences with Richardson extrapolation: relative error < 1e-9 here."""

    def f(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.exp(a) * np.sin(b) / (1 + a * a)

    inputs = [Input.normal("a", 0.7, 0.05), Input.normal("b", 1.1, 0.02)]
    numeric = Model(function=f, inputs=inputs).jacobian()
    symbolic = Model("exp(a) * sin(b) / (1 + a*a)", inputs).jacobian()
    np.testing.assert_allclose(numeric, symbolic, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(0.2, 3.0),
    b=st.floats(0.2, 3.0),
    op=st.sampled_from(["a*b", "a/b", "a**b", "sqrt(a*b)", "exp(a-b)", "log(a+b)", "atan2(a, b)"]),
)
def test_symbolic_derivative_matches_complex_step(a: float, b: float, op: str) -> None:
    """Property: d/da by symbolic differentiation equals the complex-step derivative."""
    tree = ex.parse_expression(op)
    d = float(ex.compile_node(ex.diff(tree, "a"))({"a": a, "b": b}))
    if op == "atan2(a, b)":  # numpy's arctan2 has no complex version
        expected = b / (a * a + b * b)
    else:
        h = 1e-30
        val = ex.compile_node(tree)({"a": complex(a, h), "b": complex(b, 0.0)})
        expected = complex(val).imag / h
    assert d == pytest.approx(expected, rel=1e-12, abs=1e-300)
