"""Field validators shared by the metrology models."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nqi.uncertainty import parse_unit


def validate_unit(value: str) -> None:
    """A unit symbol NQI can convert (``kg``, ``mV``, ``°C``, ``m/s^2``, ``%`` …)."""
    if not value:
        return
    try:
        parse_unit(value)
    except Exception:
        raise ValidationError(
            _("Unknown unit “%(unit)s”: use SI symbols such as kg, mV, °C, kPa or m/s^2.") % {"unit": value},
            code="unit",
        ) from None


def si_factor(unit: str) -> float:
    """How many coherent SI units one ``unit`` is (``g`` → 0.001); 1 for an empty unit."""
    return parse_unit(unit).scale if unit else 1.0


def same_dimension(a: str, b: str) -> bool:
    try:
        return parse_unit(a or "1").compatible(parse_unit(b or "1"))
    except Exception:
        return False
