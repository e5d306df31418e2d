"""Exceptions of :mod:`nqi.uncertainty`.

Every error is a :class:`UncertaintyError`, itself a :class:`ValueError`, and its message names the
input, output or symbol concerned so that it can be shown to a user as is.
"""

from __future__ import annotations


class UncertaintyError(ValueError):
    """Base class of every error raised by :mod:`nqi.uncertainty`."""


class ModelError(UncertaintyError):
    """A malformed measurement model: syntax error, forbidden construct, circular definition."""


class UnknownSymbolError(ModelError):
    """A model expression uses a name that is neither an input, a constant nor a defined quantity."""

    def __init__(self, symbol: str, where: str = "") -> None:
        self.symbol = symbol
        suffix = f" in {where}" if where else ""
        super().__init__(f"unknown symbol {symbol!r}{suffix}")


class InputError(UncertaintyError):
    """An invalid input quantity (negative uncertainty, bad distribution parameters, ...)."""


class CorrelationError(UncertaintyError):
    """An invalid correlation specification (|r| > 1, unknown input, not positive semi-definite)."""


class UnitError(UncertaintyError):
    """Units that are unknown or dimensionally inconsistent in the model."""


class EvaluationError(UncertaintyError):
    """The model could not be evaluated (non-finite result, division by zero, ...)."""
