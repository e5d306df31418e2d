"""Exceptions and validation problems of :mod:`nqi.dcc`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DccError", "Problem"]


class DccError(ValueError):
    """A DCC document cannot be read or written.

    ``line`` is the 1-based line of the offending element when it is known, ``element`` the
    name of the element concerned (``dcc:uniqueIdentifier``), or ``None``.
    """

    def __init__(self, message: str, *, line: int | None = None, element: str | None = None) -> None:
        self.message = message
        self.line = line
        self.element = element
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{message}")


@dataclass(frozen=True)
class Problem:
    """One finding of :func:`nqi.dcc.validate`.

    ``line`` is 1-based (``None`` if unknown), ``path`` an XPath-like location with the
    ``dcc:``/``si:`` prefixes, ``source`` ``"nqi"`` for the built-in checks or ``"xsd"`` for
    schema validation.
    """

    line: int | None
    path: str
    message: str
    source: str = "nqi"

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "line ?"
        return f"{where}: {self.path}: {self.message}"
