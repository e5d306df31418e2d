"""A safe expression language for measurement models.

Text is parsed with :mod:`ast` and every node is checked against a whitelist: numbers, names,
``+ - * / **``, unary ``-``/``+``, parentheses and calls of the functions in :data:`FUNCTIONS`
(plus the constants ``pi`` and ``e``). Nothing is ever passed to ``eval``/``exec``: the checked
Python AST is converted into a small immutable expression tree (:class:`Node`), which is then

* *compiled* into a closure over numpy ufuncs — the same closure evaluates a scalar (GUM) or a
  whole vector of Monte Carlo trials at once;
* *differentiated symbolically* (:func:`diff`), exactly, with algebraic simplification; the
  derivatives are themselves trees, so second and third derivatives (GUM second-order terms) come
  for free.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ModelError, UnknownSymbolError

__all__ = [
    "FUNCTIONS",
    "Bin",
    "Call",
    "Const",
    "Neg",
    "Node",
    "Sym",
    "compile_node",
    "diff",
    "parse_equation",
    "parse_expression",
    "substitute",
    "symbols",
    "to_text",
]


# --------------------------------------------------------------------------------------------
# Tree
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """Base class of expression-tree nodes."""


@dataclass(frozen=True)
class Const(Node):
    value: float


@dataclass(frozen=True)
class Sym(Node):
    name: str


@dataclass(frozen=True)
class Bin(Node):
    op: str  # one of + - * / **
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg(Node):
    arg: Node


@dataclass(frozen=True)
class Call(Node):
    fn: str
    args: tuple[Node, ...]


def _sign(x: Any) -> Any:
    return np.sign(x)


def _le(a: Any, b: Any) -> Any:
    return np.where(np.asarray(a) <= np.asarray(b), 1.0, 0.0)


# name -> (number of arguments, numpy implementation). Names starting with "_" are internal
# (used by derivatives) and cannot be written in a model.
FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "sqrt": (1, np.sqrt),
    "exp": (1, np.exp),
    "log": (1, np.log),
    "ln": (1, np.log),
    "log10": (1, np.log10),
    "sin": (1, np.sin),
    "cos": (1, np.cos),
    "tan": (1, np.tan),
    "asin": (1, np.arcsin),
    "acos": (1, np.arccos),
    "atan": (1, np.arctan),
    "atan2": (2, np.arctan2),
    "sinh": (1, np.sinh),
    "cosh": (1, np.cosh),
    "tanh": (1, np.tanh),
    "abs": (1, np.abs),
    "min": (2, np.minimum),
    "max": (2, np.maximum),
    "_sign": (1, _sign),
    "_le": (2, _le),
}

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _describe(node: ast.AST) -> str:
    return type(node).__name__


def _convert(node: ast.AST, text: str) -> Node:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ModelError(f"only real numbers are allowed as literals, got {node.value!r} in {text!r}")
        return Const(float(node.value))
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return Const(CONSTANTS[node.id])
        if node.id.startswith("_") or node.id in FUNCTIONS:
            raise ModelError(f"{node.id!r} cannot be used as a quantity name in {text!r}")
        return Sym(node.id)
    if isinstance(node, ast.BinOp):
        op = _BINOPS.get(type(node.op))
        if op is None:
            hint = " (use ** for powers)" if isinstance(node.op, ast.BitXor) else ""
            raise ModelError(f"operator {type(node.op).__name__} is not allowed{hint} in {text!r}")
        return Bin(op, _convert(node.left, text), _convert(node.right, text))
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub):
            return Neg(_convert(node.operand, text))
        if isinstance(node.op, ast.UAdd):
            return _convert(node.operand, text)
        raise ModelError(f"unary operator {type(node.op).__name__} is not allowed in {text!r}")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ModelError(f"only calls of plain function names are allowed in {text!r}")
        name = node.func.id
        if name.startswith("_") or name not in FUNCTIONS:
            allowed = ", ".join(sorted(n for n in FUNCTIONS if not n.startswith("_")))
            raise ModelError(f"unknown function {name!r} in {text!r} (allowed: {allowed})")
        if node.keywords:
            raise ModelError(f"keyword arguments are not allowed in call of {name!r} in {text!r}")
        arity = FUNCTIONS[name][0]
        if len(node.args) != arity or any(isinstance(a, ast.Starred) for a in node.args):
            raise ModelError(f"function {name!r} takes {arity} argument(s) in {text!r}")
        return Call(name, tuple(_convert(a, text) for a in node.args))
    raise ModelError(f"construct {_describe(node)} is not allowed in model expression {text!r}")


def parse_expression(text: str) -> Node:
    """Parse one expression (no assignment) into a checked tree."""
    if not isinstance(text, str) or not text.strip():
        raise ModelError("empty model expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ModelError(f"syntax error in model expression {text!r}: {exc.msg}") from None
    return _convert(tree.body, text)


def parse_equation(text: str) -> tuple[str, Node]:
    """Parse ``name = expression`` into ``(name, tree)``."""
    if not isinstance(text, str) or "=" not in text:
        raise ModelError(f"an equation must have the form 'name = expression', got {text!r}")
    try:
        module = ast.parse(text.strip(), mode="exec")
    except SyntaxError as exc:
        raise ModelError(f"syntax error in model equation {text!r}: {exc.msg}") from None
    if len(module.body) != 1 or not isinstance(module.body[0], ast.Assign):
        raise ModelError(f"an equation must have the form 'name = expression', got {text!r}")
    assign = module.body[0]
    if len(assign.targets) != 1 or not isinstance(assign.targets[0], ast.Name):
        raise ModelError(f"the left-hand side must be a single name in {text!r}")
    name = assign.targets[0].id
    if name in CONSTANTS or name in FUNCTIONS or name.startswith("_"):
        raise ModelError(f"{name!r} cannot be used as a quantity name in {text!r}")
    return name, _convert(assign.value, text)


# --------------------------------------------------------------------------------------------
# Inspection and rewriting
# --------------------------------------------------------------------------------------------


def symbols(node: Node) -> set[str]:
    """Names of the free symbols of a tree."""
    if isinstance(node, Sym):
        return {node.name}
    if isinstance(node, Bin):
        return symbols(node.left) | symbols(node.right)
    if isinstance(node, Neg):
        return symbols(node.arg)
    if isinstance(node, Call):
        out: set[str] = set()
        for a in node.args:
            out |= symbols(a)
        return out
    return set()


def substitute(node: Node, mapping: Mapping[str, Node]) -> Node:
    """Replace symbols by trees."""
    if isinstance(node, Sym):
        return mapping.get(node.name, node)
    if isinstance(node, Bin):
        return _bin(node.op, substitute(node.left, mapping), substitute(node.right, mapping))
    if isinstance(node, Neg):
        return neg(substitute(node.arg, mapping))
    if isinstance(node, Call):
        return Call(node.fn, tuple(substitute(a, mapping) for a in node.args))
    return node


def check_symbols(node: Node, known: Iterable[str], where: str) -> None:
    """Raise :class:`UnknownSymbolError` naming the first unknown symbol (alphabetically)."""
    unknown = sorted(symbols(node) - set(known))
    if unknown:
        raise UnknownSymbolError(unknown[0], where)


_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}


def to_text(node: Node, parent: int = 0) -> str:
    """Readable text of a tree (round-trips through :func:`parse_expression`)."""
    if isinstance(node, Const):
        v = node.value
        s = repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
        return f"({s})" if v < 0 else s
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Neg):
        s = "-" + to_text(node.arg, 3)
        return f"({s})" if parent >= 3 else s
    if isinstance(node, Call):
        return f"{node.fn}({', '.join(to_text(a) for a in node.args)})"
    assert isinstance(node, Bin)
    p = _PREC[node.op]
    if node.op == "**":
        s = f"{to_text(node.left, p + 1)}**{to_text(node.right, p)}"
    else:
        s = f"{to_text(node.left, p)} {node.op} {to_text(node.right, p + 1)}"
    return f"({s})" if p < parent else s


# --------------------------------------------------------------------------------------------
# Simplifying constructors
# --------------------------------------------------------------------------------------------

ZERO = Const(0.0)
ONE = Const(1.0)


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Const) and node.value == value


def add(a: Node, b: Node) -> Node:
    if isinstance(a, Const) and isinstance(b, Const):
        return Const(a.value + b.value)
    if _is(a, 0.0):
        return b
    if _is(b, 0.0):
        return a
    if isinstance(b, Neg):
        return sub(a, b.arg)
    return Bin("+", a, b)


def sub(a: Node, b: Node) -> Node:
    if isinstance(a, Const) and isinstance(b, Const):
        return Const(a.value - b.value)
    if _is(b, 0.0):
        return a
    if _is(a, 0.0):
        return neg(b)
    if isinstance(b, Neg):
        return add(a, b.arg)
    return Bin("-", a, b)


def neg(a: Node) -> Node:
    if isinstance(a, Const):
        return Const(-a.value)
    if isinstance(a, Neg):
        return a.arg
    return Neg(a)


def mul(a: Node, b: Node) -> Node:
    if isinstance(a, Const) and isinstance(b, Const):
        return Const(a.value * b.value)
    if _is(a, 0.0) or _is(b, 0.0):
        return ZERO
    if _is(a, 1.0):
        return b
    if _is(b, 1.0):
        return a
    if _is(a, -1.0):
        return neg(b)
    if _is(b, -1.0):
        return neg(a)
    if isinstance(a, Neg):
        return neg(mul(a.arg, b))
    if isinstance(b, Neg):
        return neg(mul(a, b.arg))
    return Bin("*", a, b)


def div(a: Node, b: Node) -> Node:
    if isinstance(a, Const) and isinstance(b, Const) and b.value != 0.0:
        return Const(a.value / b.value)
    if _is(a, 0.0):
        return ZERO
    if _is(b, 1.0):
        return a
    if isinstance(a, Neg):
        return neg(div(a.arg, b))
    return Bin("/", a, b)


def power(a: Node, b: Node) -> Node:
    if isinstance(a, Const) and isinstance(b, Const):
        try:
            return Const(float(a.value**b.value))
        except (OverflowError, ZeroDivisionError):
            return Bin("**", a, b)
    if _is(b, 0.0):
        return ONE
    if _is(b, 1.0):
        return a
    return Bin("**", a, b)


def _bin(op: str, a: Node, b: Node) -> Node:
    return {"+": add, "-": sub, "*": mul, "/": div, "**": power}[op](a, b)


def call(fn: str, *args: Node) -> Node:
    if all(isinstance(a, Const) for a in args) and not fn.startswith("_"):
        with np.errstate(all="ignore"):
            v = float(FUNCTIONS[fn][1](*(a.value for a in args if isinstance(a, Const))))
        if math.isfinite(v):
            return Const(v)
    return Call(fn, tuple(args))


# --------------------------------------------------------------------------------------------
# Symbolic differentiation
# --------------------------------------------------------------------------------------------


def diff(node: Node, var: str) -> Node:
    """Exact symbolic derivative ``d node / d var`` (simplified)."""
    if isinstance(node, Const):
        return ZERO
    if isinstance(node, Sym):
        return ONE if node.name == var else ZERO
    if isinstance(node, Neg):
        return neg(diff(node.arg, var))
    if isinstance(node, Bin):
        u, v = node.left, node.right
        du, dv = diff(u, var), diff(v, var)
        if node.op == "+":
            return add(du, dv)
        if node.op == "-":
            return sub(du, dv)
        if node.op == "*":
            return add(mul(du, v), mul(u, dv))
        if node.op == "/":
            return sub(div(du, v), div(mul(u, dv), power(v, Const(2.0))))
        # power
        if _is(dv, 0.0):
            if _is(du, 0.0):
                return ZERO
            return mul(mul(v, power(u, sub(v, ONE))), du)
        # general u**v = exp(v log u)
        return mul(node, add(mul(dv, call("log", u)), div(mul(v, du), u)))
    assert isinstance(node, Call)
    args = node.args
    fn = node.fn
    if fn in ("min", "max"):
        a, b = args
        da, db = diff(a, var), diff(b, var)
        if _is(da, 0.0) and _is(db, 0.0):
            return ZERO
        pick = call("_le", a, b) if fn == "min" else call("_le", b, a)
        return add(mul(pick, da), mul(sub(ONE, pick), db))
    if fn == "atan2":
        y, x = args
        dy, dx = diff(y, var), diff(x, var)
        if _is(dy, 0.0) and _is(dx, 0.0):
            return ZERO
        den = add(power(x, Const(2.0)), power(y, Const(2.0)))
        return div(sub(mul(x, dy), mul(y, dx)), den)
    if fn in ("_sign", "_le"):
        return ZERO
    (u,) = args
    du = diff(u, var)
    if _is(du, 0.0):
        return ZERO
    two = Const(2.0)
    outer: Node
    if fn == "sqrt":
        outer = div(ONE, mul(two, node))
    elif fn == "exp":
        outer = node
    elif fn in ("log", "ln"):
        outer = div(ONE, u)
    elif fn == "log10":
        outer = div(ONE, mul(u, Const(math.log(10.0))))
    elif fn == "sin":
        outer = call("cos", u)
    elif fn == "cos":
        outer = neg(call("sin", u))
    elif fn == "tan":
        outer = div(ONE, power(call("cos", u), two))
    elif fn == "asin":
        outer = div(ONE, call("sqrt", sub(ONE, power(u, two))))
    elif fn == "acos":
        outer = neg(div(ONE, call("sqrt", sub(ONE, power(u, two)))))
    elif fn == "atan":
        outer = div(ONE, add(ONE, power(u, two)))
    elif fn == "sinh":
        outer = call("cosh", u)
    elif fn == "cosh":
        outer = call("sinh", u)
    elif fn == "tanh":
        outer = sub(ONE, power(node, two))
    elif fn == "abs":
        outer = call("_sign", u)
    else:  # pragma: no cover - every whitelisted function is handled above
        raise ModelError(f"no derivative rule for function {fn!r}")
    return mul(outer, du)


# --------------------------------------------------------------------------------------------
# Compilation to numpy closures
# --------------------------------------------------------------------------------------------

Evaluator = Callable[[Mapping[str, Any]], Any]

_NUMPY_BIN: dict[str, Callable[[Any, Any], Any]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
}


def _pow(a: Any, b: Any) -> Any:
    if isinstance(b, float) and b == 2.0:
        return np.multiply(a, a)
    if isinstance(b, float) and b == 0.5:
        return np.sqrt(a)
    return np.power(a, b)


def compile_node(node: Node) -> Evaluator:
    """Compile a tree into ``f(env) -> value``; ``env`` maps symbols to floats or numpy arrays.

    The closure uses numpy ufuncs only, so one call evaluates all Monte Carlo trials at once.
    """
    if isinstance(node, Const):
        value = node.value
        return lambda env: value
    if isinstance(node, Sym):
        name = node.name
        return lambda env: env[name]
    if isinstance(node, Neg):
        inner = compile_node(node.arg)
        return lambda env: np.negative(inner(env))
    if isinstance(node, Bin):
        left = compile_node(node.left)
        right = compile_node(node.right)
        func = _pow if node.op == "**" else _NUMPY_BIN[node.op]
        return lambda env: func(left(env), right(env))
    assert isinstance(node, Call)
    impl = FUNCTIONS[node.fn][1]
    parts = [compile_node(a) for a in node.args]
    if len(parts) == 1:
        only = parts[0]
        return lambda env: impl(only(env))
    first, second = parts
    return lambda env: impl(first(env), second(env))


# --------------------------------------------------------------------------------------------
# Compilation to scalar closures (GUM: one point, plain floats, math module)
# --------------------------------------------------------------------------------------------

ScalarEvaluator = Callable[[Mapping[str, float]], float]


def _m_sign(x: float) -> float:
    return 0.0 if x == 0 else math.copysign(1.0, x)


def _m_le(a: float, b: float) -> float:
    return 1.0 if a <= b else 0.0


_MATH: dict[str, Callable[..., float]] = {
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "ln": math.log,
    "log10": math.log10,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "atan2": math.atan2,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "abs": abs,
    "min": min,
    "max": max,
    "_sign": _m_sign,
    "_le": _m_le,
}

_MATH_BIN: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": math.pow,
}


def compile_scalar(node: Node) -> ScalarEvaluator:
    """Compile a tree into ``f(env) -> float`` on plain floats (``math`` functions).

    Raises ``ValueError`` (domain), ``ZeroDivisionError`` or ``OverflowError`` like ``math``.
    """
    if isinstance(node, Const):
        value = node.value
        return lambda env: value
    if isinstance(node, Sym):
        name = node.name
        return lambda env: env[name]
    if isinstance(node, Neg):
        inner = compile_scalar(node.arg)
        return lambda env: -inner(env)
    if isinstance(node, Bin):
        left = compile_scalar(node.left)
        right = compile_scalar(node.right)
        func = _MATH_BIN[node.op]
        return lambda env: func(left(env), right(env))
    assert isinstance(node, Call)
    impl = _MATH[node.fn]
    parts = [compile_scalar(a) for a in node.args]
    if len(parts) == 1:
        only = parts[0]
        return lambda env: impl(only(env))
    first, second = parts
    return lambda env: impl(first(env), second(env))
