"""Conversion between NQI unit symbols (``kg``, ``mV``, ``°C``, ``m/s^2``) and D-SI unit strings.

NQI stores units as the symbols people type (read by :func:`nqi.uncertainty.parse_unit`); a DCC
needs the D-SI notation (``\\milli\\volt``, ``\\metre\\per\\second\\tothe{2}``, D-SI 2.x,
https://ptb.de/si). The conversion is a small symbol table plus SI-prefix logic; every result is
checked with :func:`nqi.dcc.check_unit`. An exact symbol wins over a prefix reading, so ``min`` is a
minute, ``mol`` a mole, ``Pa`` a pascal and ``cd`` a candela. ``pH`` is read as the dimensionless
``\\one`` (not picohenry): a pH value is the likelier meaning on a calibration certificate.
"""

from __future__ import annotations

import re

from nqi.dcc import check_unit

__all__ = ["UnitConversionError", "from_dsi", "to_dsi"]


class UnitConversionError(ValueError):
    """A unit that has no D-SI form (or a D-SI string NQI cannot turn back into a symbol)."""

    def __init__(self, unit: str, reason: str = "") -> None:
        self.unit = unit
        super().__init__(f"unit {unit!r} cannot be converted" + (f": {reason}" if reason else ""))


#: Symbols that take an SI prefix → D-SI unit name.
PREFIXABLE: dict[str, str] = {
    "m": "metre",
    "g": "gram",
    "s": "second",
    "A": "ampere",
    "K": "kelvin",
    "mol": "mole",
    "cd": "candela",
    "N": "newton",
    "Pa": "pascal",
    "J": "joule",
    "W": "watt",
    "V": "volt",
    "Ω": "ohm",
    "ohm": "ohm",
    "S": "siemens",
    "C": "coulomb",
    "F": "farad",
    "H": "henry",
    "T": "tesla",
    "Wb": "weber",
    "Hz": "hertz",
    "L": "litre",
    "l": "litre",
    "bar": "bar",
    "rad": "radian",
    "sr": "steradian",
    "lm": "lumen",
    "lx": "lux",
    "Bq": "becquerel",
    "Gy": "gray",
    "Sv": "sievert",
    "kat": "katal",
    "eV": "electronvolt",
    "Da": "dalton",
    "t": "tonne",
    "°C": "degreecelsius",
    "degC": "degreecelsius",
    "℃": "degreecelsius",
}
#: Symbols without a prefix → D-SI unit name (``kg`` is the SI base unit ``\kilogram``).
PLAIN: dict[str, str] = {
    "kg": "kilogram",
    "%": "percent",
    "ppm": "ppm",
    "°": "degree",
    "deg": "degree",
    "min": "minute",
    "h": "hour",
    "d": "day",
    "mmHg": "mmhg",
    "dB": "decibel",
    "pH": "one",
    "1": "one",
    "Å": "angstrom",
}
PREFIXES: dict[str, str] = {
    "Q": "quetta",
    "R": "ronna",
    "Y": "yotta",
    "Z": "zetta",
    "E": "exa",
    "P": "peta",
    "T": "tera",
    "G": "giga",
    "M": "mega",
    "k": "kilo",
    "h": "hecto",
    "da": "deca",
    "d": "deci",
    "c": "centi",
    "m": "milli",
    "µ": "micro",
    "μ": "micro",
    "u": "micro",
    "n": "nano",
    "p": "pico",
    "f": "femto",
    "a": "atto",
    "z": "zepto",
    "y": "yocto",
    "r": "ronto",
    "q": "quecto",
}
# Preferred symbol when writing a D-SI unit back as an NQI symbol.
_SYMBOL_OF = {name: symbol for symbol, name in reversed(list(PREFIXABLE.items()))}
_SYMBOL_OF.update({"ohm": "Ω", "degreecelsius": "°C", "litre": "L", "one": "1", "degree": "°"})
_SYMBOL_OF.update({name: symbol for symbol, name in PLAIN.items() if name not in _SYMBOL_OF})
_PREFIX_OF = {name: symbol for symbol, name in reversed(list(PREFIXES.items()))}
_PREFIX_OF["micro"] = "µ"

_TOKEN = re.compile(r"\s*(?:([*/·.])|(\()|(\))|([A-Za-z°℃%Ωµμ]+|1|Å)\s*(?:(?:\^|\*\*)?\s*([-−]?\d+))?)")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

Term = tuple[str, str, int]  # (D-SI prefix or "", D-SI unit, exponent)


def _symbol(symbol: str, original: str) -> tuple[str, str]:
    if symbol in PLAIN:
        return "", PLAIN[symbol]
    if symbol in PREFIXABLE:
        return "", PREFIXABLE[symbol]
    for length in (2, 1):
        prefix, rest = symbol[:length], symbol[length:]
        if prefix in PREFIXES and rest in PREFIXABLE:
            return PREFIXES[prefix], PREFIXABLE[rest]
        if prefix in PREFIXES and rest == "g":
            return PREFIXES[prefix], "gram"
    raise UnitConversionError(original, f"unknown symbol {symbol!r}")


def _terms(unit: str) -> list[Term]:
    """Parse ``unit`` into terms: products by space, ``·``, ``*`` or ``.``; ``/`` divides by the next
    factor or parenthesized group (``J/(kg K)``), as in :func:`nqi.uncertainty.parse_unit`."""
    text = unit.strip().translate(_SUPERSCRIPT)
    terms: list[Term] = []
    position = 0
    pending = 1  # sign of the next factor outside parentheses
    inner_pending = 1  # sign of the next factor inside parentheses
    group_sign: int | None = None  # sign of the open group, None outside parentheses
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise UnitConversionError(unit, f"unexpected text {text[position:]!r}")
        position = match.end()
        operator, opening, closing, symbol, exponent = match.groups()
        if operator == "/":
            if group_sign is None:
                pending = -1
            else:
                inner_pending = -1
        elif opening:
            if group_sign is not None:
                raise UnitConversionError(unit, "nested parentheses")
            group_sign, pending, inner_pending = pending, 1, 1
        elif closing:
            if group_sign is None:
                raise UnitConversionError(unit, "unbalanced parenthesis")
            group_sign = None
        elif symbol:
            prefix, name = _symbol(symbol, unit)
            power = int(exponent.replace("−", "-")) if exponent else 1
            if group_sign is None:
                sign, pending = pending, 1
            else:
                sign, inner_pending = group_sign * inner_pending, 1
            terms.append((prefix, name, sign * power))
    if group_sign is not None:
        raise UnitConversionError(unit, "unbalanced parenthesis")
    if pending == -1 or inner_pending == -1:
        raise UnitConversionError(unit, "nothing after '/'")
    if not terms:
        raise UnitConversionError(unit, "no unit")
    return terms


def to_dsi(unit: str) -> str:
    """The D-SI string of an NQI unit symbol: ``mV`` → ``\\milli\\volt``; an empty unit → ``\\one``."""
    if not unit.strip():
        return r"\one"
    terms = _terms(unit)
    if len(terms) > 1:  # "1/s" is a per-second, not one times per-second
        terms = [term for term in terms if term[1] != "one"] or terms[:1]
    parts = []
    for prefix, name, power in terms:
        part = ("\\per" if power < 0 else "") + (f"\\{prefix}" if prefix else "") + f"\\{name}"
        if abs(power) != 1:
            part += f"\\tothe{{{abs(power)}}}"
        parts.append(part)
    result = "".join(parts)
    problems = check_unit(result)
    if problems:
        raise UnitConversionError(unit, "; ".join(problems))
    return result


_DSI_TERM = re.compile(
    r"(\\per)?(?:\\(" + "|".join(sorted(_PREFIX_OF, key=len, reverse=True)) + r")(?=\\))?"
    r"\\([a-z]+)(?:\\tothe\{(-?\d+)\})?"
)


def from_dsi(unit: str) -> str:
    """An NQI unit symbol for a D-SI string: ``\\metre\\per\\second\\tothe{2}`` → ``m/s^2``."""
    if check_unit(unit):
        raise UnitConversionError(unit, "; ".join(check_unit(unit)))
    numerator: list[str] = []
    denominator: list[str] = []
    position = 0
    while position < len(unit):
        match = _DSI_TERM.match(unit, position)
        if match is None:
            raise UnitConversionError(unit, f"cannot read {unit[position:]!r}")
        position = match.end()
        per, prefix, name, power_text = match.groups()
        if name not in _SYMBOL_OF:
            raise UnitConversionError(unit, f"no NQI symbol for \\{name}")
        symbol = (_PREFIX_OF[prefix] if prefix else "") + _SYMBOL_OF[name]
        power = int(power_text) if power_text else 1
        if per:
            power = -power
        target = denominator if power < 0 else numerator
        target.append(symbol + (f"^{abs(power)}" if abs(power) != 1 else ""))
    text = " ".join(numerator) or "1"
    if denominator:
        text += "/" + (denominator[0] if len(denominator) == 1 else "(" + " ".join(denominator) + ")")
    if text == "1" and not denominator:
        return "1"
    return text
