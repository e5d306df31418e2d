"""Syntax check of D-SI unit strings (``\\milli\\metre``, ``\\metre\\second\\tothe{-1}``).

Grammar (whitespace is not allowed)::

    unit-string := term+
    term        := ["\\per"] [prefix] unit ["\\tothe{" exponent "}"]
    exponent    := ["-"] digits ["." digits]

``prefix`` is an SI prefix (``\\milli``, ``\\kilo``, …) or a binary prefix (``\\kibi``, …);
only units marked prefixable accept one (``\\milli\\gram`` yes, ``\\milli\\kilogram`` and
``\\kilo\\percent`` no).
"""

from __future__ import annotations

import re

__all__ = ["PREFIXES", "UNITS", "check_unit", "is_valid_unit"]

PREFIXES: frozenset[str] = frozenset(
    [
        "quecto",
        "ronto",
        "yocto",
        "zepto",
        "atto",
        "femto",
        "pico",
        "nano",
        "micro",
        "milli",
        "centi",
        "deci",
        "deca",
        "hecto",
        "kilo",
        "mega",
        "giga",
        "tera",
        "peta",
        "exa",
        "zetta",
        "yotta",
        "ronna",
        "quetta",
        "kibi",
        "mebi",
        "gibi",
        "tebi",
        "pebi",
        "exbi",
        "zebi",
        "yobi",
    ]
)

#: Units that take a prefix: SI base and derived units and accepted units used with prefixes.
_PREFIXABLE = frozenset(
    [
        "metre",
        "second",
        "ampere",
        "kelvin",
        "mole",
        "candela",
        "gram",
        "radian",
        "steradian",
        "hertz",
        "newton",
        "pascal",
        "joule",
        "watt",
        "coulomb",
        "volt",
        "farad",
        "ohm",
        "siemens",
        "weber",
        "tesla",
        "henry",
        "degreecelsius",
        "lumen",
        "lux",
        "becquerel",
        "sievert",
        "gray",
        "katal",
        "litre",
        "tonne",
        "electronvolt",
        "dalton",
        "bel",
        "neper",
        "bar",
        "bit",
        "byte",
    ]
)
#: Units that do not take a prefix.
_UNPREFIXABLE = frozenset(
    [
        "kilogram",
        "one",
        "percent",
        "ppm",
        "day",
        "hour",
        "minute",
        "degree",
        "arcminute",
        "arcsecond",
        "hectare",
        "decibel",
        "astronomicalunit",
        "angstrom",
        "mmhg",
    ]
)
UNITS: frozenset[str] = _PREFIXABLE | _UNPREFIXABLE

_TOKEN = re.compile(r"\\([A-Za-z]+)(?:\{([^{}]*)\})?")
_EXPONENT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def check_unit(unit: str) -> list[str]:
    """Return the syntax problems of the D-SI unit string ``unit`` (empty list if valid)."""
    if not unit:
        return ["empty unit string"]
    problems: list[str] = []
    position = 0
    # States: "start" (a term may begin), "per" (after \per), "prefix" (after a prefix),
    # "unit" (after a unit: a power, \per, a prefix or a unit may follow).
    state = "start"
    pending_prefix = ""
    while position < len(unit):
        match = _TOKEN.match(unit, position)
        if match is None:
            problems.append(f"unexpected text {unit[position:]!r} at position {position + 1}")
            return problems
        name, argument = match.group(1), match.group(2)
        position = match.end()
        if argument is not None and name != "tothe":
            problems.append(f"\\{name} takes no argument")
        if name == "tothe":
            if state != "unit":
                problems.append("\\tothe must follow a unit")
            elif argument is None or not _EXPONENT.fullmatch(argument):
                problems.append(f"\\tothe needs a numeric exponent in braces, got {argument!r}")
            state = "power"
        elif name == "per":
            if state in {"per", "prefix"}:
                problems.append("\\per cannot follow " + ("a prefix" if state == "prefix" else "\\per"))
            state = "per"
        elif name in PREFIXES:
            if state == "prefix":
                problems.append(f"two prefixes in a row (\\{pending_prefix}\\{name})")
            pending_prefix = name
            state = "prefix"
        elif name in UNITS:
            if state == "prefix" and name not in _PREFIXABLE:
                problems.append(f"\\{name} does not take a prefix (\\{pending_prefix})")
            state = "unit"
        else:
            problems.append(f"unknown unit token \\{name}")
            state = "unit"
    if state in {"per", "prefix"}:
        problems.append("unit string ends with " + ("\\per" if state == "per" else "a prefix"))
    if state == "start":
        problems.append("no unit")
    return problems


def is_valid_unit(unit: str) -> bool:
    """Whether ``unit`` is a syntactically valid D-SI unit string."""
    return not check_unit(unit)
