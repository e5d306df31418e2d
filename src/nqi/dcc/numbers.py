"""Number formatting for DCC documents.

The rule (see ``docs/dcc.md``): every number is held as a :class:`decimal.Decimal` and written
in plain fixed-point notation with exactly the digits the Decimal carries — never with an
exponent, never rounded. ``Decimal("1.000")`` is written ``1.000``, ``Decimal("1E-7")`` as
``0.0000001`` and ``Decimal("1.2E+3")`` as ``1200``. Floats are converted by :func:`dec`, either
with the shortest repr that round-trips (``0.1`` → ``0.1``) or rounded to a given number of
significant digits.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

__all__ = ["dec", "format_decimal", "parse_decimal"]


def dec(value: Decimal | float | int | str, digits: int | None = None) -> Decimal:
    """Return ``value`` as a finite :class:`Decimal`.

    ``digits`` rounds to that many significant digits (half-even), keeping trailing zeros:
    ``dec(0.0499999, 3)`` is ``Decimal("0.0500")``. Without ``digits`` a float is taken by its
    shortest round-trip representation and a Decimal, int or string is kept as given.
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        result = Decimal(repr(value))
    elif isinstance(value, str):
        result = parse_decimal(value)
    else:
        result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if digits is not None:
        if digits < 1:
            raise ValueError("digits must be at least 1")
        if result.is_zero():
            return Decimal(0).quantize(Decimal(1).scaleb(-(digits - 1)))
        exponent = result.adjusted() - digits + 1
        result = result.quantize(Decimal(1).scaleb(exponent))
    return result


def format_decimal(value: Decimal) -> str:
    """Plain fixed-point text of ``value`` (``xs:decimal`` lexical form, valid ``xs:double``)."""
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    text = format(value, "f")
    return text


def parse_decimal(text: str) -> Decimal:
    """Read an ``xs:decimal`` or finite ``xs:double`` literal; ``ValueError`` otherwise."""
    token = text.strip()
    try:
        result = Decimal(token)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not result.is_finite() or not token or token[0] not in "+-.0123456789":
        raise ValueError(f"not a finite number: {text!r}")
    return result
