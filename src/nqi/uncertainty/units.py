"""Units carried with quantities and a dimensional check of model expressions.

A unit string such as ``"nm"``, ``"kg/m^3"``, ``"kg m-3"``... is parsed into a scale factor and
the exponents of the seven SI base units. :func:`check_model_units` then walks each model
expression: terms that are added or subtracted must have the same dimension *and* scale (adding
``mm`` to ``nm`` without a conversion factor is an error), arguments of ``exp``, ``log``, ``sin``…
must be dimensionless with scale 1 (so an angle must be in ``rad``), exponents must be
dimensionless, and an output's declared unit must match what its expression yields.

Numeric literals adapt to their context (``x - 100000`` is fine when ``x`` is in mg), and inputs or
constants without a unit are not checked: the check applies where the user gives units.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from . import expression as ex
from .errors import UnitError

__all__ = ["Unit", "check_model_units", "parse_unit"]

_BASE = ("m", "kg", "s", "A", "K", "mol", "cd")


@dataclass(frozen=True)
class Unit:
    scale: float
    dims: tuple[float, ...]  # exponents of m, kg, s, A, K, mol, cd

    def __mul__(self, other: Unit) -> Unit:
        return Unit(
            self.scale * other.scale, tuple(a + b for a, b in zip(self.dims, other.dims, strict=True))
        )

    def __truediv__(self, other: Unit) -> Unit:
        return Unit(
            self.scale / other.scale, tuple(a - b for a, b in zip(self.dims, other.dims, strict=True))
        )

    def __pow__(self, n: float) -> Unit:
        return Unit(self.scale**n, tuple(a * n for a in self.dims))

    @property
    def dimensionless(self) -> bool:
        return all(abs(d) < 1e-12 for d in self.dims)

    def same(self, other: Unit) -> bool:
        return all(abs(a - b) < 1e-12 for a, b in zip(self.dims, other.dims, strict=True)) and math.isclose(
            self.scale, other.scale, rel_tol=1e-9
        )

    def compatible(self, other: Unit) -> bool:
        return all(abs(a - b) < 1e-12 for a, b in zip(self.dims, other.dims, strict=True))

    def describe(self) -> str:
        parts = [f"{b}^{d:g}" if d != 1 else b for b, d in zip(_BASE, self.dims, strict=True) if d]
        body = "·".join(parts) or "1"
        return body if self.scale == 1 else f"{self.scale:g} {body}"


def _u(scale: float, **dims: float) -> Unit:
    return Unit(scale, tuple(float(dims.get(b, 0.0)) for b in _BASE))


ONE = _u(1.0)

# symbols accepting SI prefixes
_PREFIXABLE: dict[str, Unit] = {
    "m": _u(1, m=1),
    "g": _u(1e-3, kg=1),
    "s": _u(1, s=1),
    "A": _u(1, A=1),
    "K": _u(1, K=1),
    "mol": _u(1, mol=1),
    "cd": _u(1, cd=1),
    "N": _u(1, kg=1, m=1, s=-2),
    "Pa": _u(1, kg=1, m=-1, s=-2),
    "J": _u(1, kg=1, m=2, s=-2),
    "W": _u(1, kg=1, m=2, s=-3),
    "V": _u(1, kg=1, m=2, s=-3, A=-1),
    "Ω": _u(1, kg=1, m=2, s=-3, A=-2),
    "ohm": _u(1, kg=1, m=2, s=-3, A=-2),
    "S": _u(1, kg=-1, m=-2, s=3, A=2),
    "C": _u(1, A=1, s=1),
    "F": _u(1, kg=-1, m=-2, s=4, A=2),
    "H": _u(1, kg=1, m=2, s=-2, A=-2),
    "T": _u(1, kg=1, s=-2, A=-1),
    "Wb": _u(1, kg=1, m=2, s=-2, A=-1),
    "Hz": _u(1, s=-1),
    "L": _u(1e-3, m=3),
    "l": _u(1e-3, m=3),
    "bar": _u(1e5, kg=1, m=-1, s=-2),
    "rad": ONE,
    "sr": ONE,
    "lm": _u(1, cd=1),
    "lx": _u(1, cd=1, m=-2),
    "Bq": _u(1, s=-1),
    "Gy": _u(1, m=2, s=-2),
    "Sv": _u(1, m=2, s=-2),
    "kat": _u(1, mol=1, s=-1),
}
_PLAIN: dict[str, Unit] = {
    "1": ONE,
    "%": _u(0.01),
    "ppm": _u(1e-6),
    "ppb": _u(1e-9),
    "°C": _u(1, K=1),  # temperature differences and temperatures relative to a reference
    "degC": _u(1, K=1),
    "℃": _u(1, K=1),
    "deg": _u(math.pi / 180),
    "°": _u(math.pi / 180),
    "min": _u(60, s=1),
    "h": _u(3600, s=1),
    "d": _u(86400, s=1),
    "t": _u(1e3, kg=1),
    "eV": _u(1.602176634e-19, kg=1, m=2, s=-2),
    "Da": _u(1.66053906660e-27, kg=1),
    "u": _u(1.66053906660e-27, kg=1),
    "mmHg": _u(133.322387415, kg=1, m=-1, s=-2),
    "dB": ONE,
}
_PREFIXES = {
    "Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6, "k": 1e3, "h": 1e2,
    "da": 1e1, "d": 1e-1, "c": 1e-2, "m": 1e-3, "µ": 1e-6, "μ": 1e-6, "u": 1e-6, "n": 1e-9, "p": 1e-12,
    "f": 1e-15, "a": 1e-18, "z": 1e-21, "y": 1e-24,
}  # fmt: skip

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_TOKEN = re.compile(r"\s*(?:(\()|(\))|([*/·.])|([A-Za-z°℃%Ωµμ]+|1)(?:\s*(?:\^|\*\*)?\s*(-?\d+(?:\.\d+)?))?)")


def _symbol(sym: str) -> Unit:
    if sym in _PLAIN:
        return _PLAIN[sym]
    if sym in _PREFIXABLE:
        return _PREFIXABLE[sym]
    for plen in (2, 1):
        pre, rest = sym[:plen], sym[plen:]
        if pre in _PREFIXES and rest in _PREFIXABLE:
            base = _PREFIXABLE[rest]
            return Unit(base.scale * _PREFIXES[pre], base.dims)
    raise KeyError(sym)


def parse_unit(text: str) -> Unit:
    """Parse a unit string (``"kg/m^3"``, ``"kg m-3"``, ``"W/(m·K)"``, ``"µV"``, ``"1"`` ...)."""
    src = text.strip().translate(_SUPERSCRIPT)
    if src in ("", "1", "-"):
        return ONE
    pos = 0

    def expr() -> Unit:
        nonlocal pos
        result = factor()
        while True:
            m = re.compile(r"\s*([*/·.])").match(src, pos)
            op = "*"
            if m:
                op = m.group(1)
                pos = m.end()
            elif pos >= len(src) or re.compile(r"\s*\)").match(src, pos):
                return result
            f = factor()
            result = result / f if op == "/" else result * f

    def factor() -> Unit:
        nonlocal pos
        m = _TOKEN.match(src, pos)
        if not m or m.group(2) or m.group(3):
            raise ValueError
        pos = m.end()
        if m.group(1):
            inner = expr()
            close = re.compile(r"\s*\)").match(src, pos)
            if not close:
                raise ValueError
            pos = close.end()
            e = re.compile(r"\s*(?:\^|\*\*)?\s*(-?\d+(?:\.\d+)?)").match(src, pos)
            if e:
                pos = e.end()
                return inner ** float(e.group(1))
            return inner
        unit = _symbol(m.group(4))
        return unit ** float(m.group(5)) if m.group(5) else unit

    try:
        out = expr()
        if pos != len(src.rstrip()):
            raise ValueError
    except (ValueError, KeyError):
        raise UnitError(f"cannot parse unit {text!r}") from None
    return out


# --------------------------------------------------------------------------------------------
# Dimensional check
# --------------------------------------------------------------------------------------------

_TRANSCENDENTAL = {
    "exp",
    "log",
    "ln",
    "log10",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
}


def _infer(node: ex.Node, units: dict[str, Unit | None], where: str) -> Unit | None:
    """Unit of a tree; ``None`` means 'any' (a literal, or a quantity without a unit)."""
    if isinstance(node, ex.Const):
        return None
    if isinstance(node, ex.Sym):
        return units.get(node.name)
    if isinstance(node, ex.Neg):
        return _infer(node.arg, units, where)
    if isinstance(node, ex.Bin):
        a = _infer(node.left, units, where)
        b = _infer(node.right, units, where)
        if node.op in "+-":
            if a is None:
                return b
            if b is None:
                return a
            if not a.same(b):
                raise UnitError(
                    f"{where}: cannot {'add' if node.op == '+' else 'subtract'} "
                    f"'{ex.to_text(node.left)}' [{a.describe()}] and '{ex.to_text(node.right)}' "
                    f"[{b.describe()}]"
                )
            return a
        if node.op == "*":
            if a is None and b is None:
                return None
            return (a or ONE) * (b or ONE)
        if node.op == "/":
            if a is None and b is None:
                return None
            return (a or ONE) / (b or ONE)
        # power
        if b is not None and not b.same(ONE):
            raise UnitError(f"{where}: exponent '{ex.to_text(node.right)}' must be dimensionless")
        if a is None or a.same(ONE):
            return a
        if not isinstance(node.right, ex.Const):
            raise UnitError(
                f"{where}: '{ex.to_text(node.left)}' [{a.describe()}] has a unit, "
                "so its exponent must be a number"
            )
        return a**node.right.value
    assert isinstance(node, ex.Call)
    args = [_infer(a, units, where) for a in node.args]
    if node.fn in _TRANSCENDENTAL:
        (a,) = args
        if a is not None and not a.same(ONE):
            raise UnitError(
                f"{where}: the argument of {node.fn}() '{ex.to_text(node.args[0])}' must be dimensionless "
                f"(angles in rad), got [{a.describe()}]"
            )
        return ONE
    if node.fn == "sqrt":
        return None if args[0] is None else args[0] ** 0.5
    if node.fn in ("min", "max", "atan2"):
        a, b = args
        if a is not None and b is not None and not a.same(b):
            raise UnitError(f"{where}: both arguments of {node.fn}() must have the same unit")
        return ONE if node.fn == "atan2" else (a or b)
    return args[0]  # abs and internal helpers


def check_model_units(model: object) -> None:
    """Check the expressions of a :class:`~nqi.uncertainty.model.Model` (no-op without units)."""
    from .model import Model

    assert isinstance(model, Model)
    comp = model._compiled
    if comp is None:
        return
    given = any(i.unit for i in model.inputs) or model.constant_units or model.output_units
    if not given:
        return
    units: dict[str, Unit | None] = {}
    for inp in model.inputs:
        if inp.unit:
            try:
                units[inp.name] = parse_unit(inp.unit)
            except UnitError:
                raise UnitError(f"input {inp.name!r}: cannot parse unit {inp.unit!r}") from None
        else:
            units[inp.name] = None
    for cname, cunit in model.constant_units.items():
        try:
            units[cname] = parse_unit(cunit)
        except UnitError:
            raise UnitError(f"constant {cname!r}: cannot parse unit {cunit!r}") from None
    for name, tree in comp.raw.items():
        got = _infer(tree, units, f"equation for {name!r}")
        declared = model.output_units.get(name)
        if declared is None:
            continue
        try:
            want = parse_unit(declared)
        except UnitError:
            raise UnitError(f"output {name!r}: cannot parse unit {declared!r}") from None
        if got is not None and not got.same(want):
            raise UnitError(
                f"output {name!r} is declared in {declared!r} [{want.describe()}] but its expression "
                f"gives [{got.describe()}]"
            )
