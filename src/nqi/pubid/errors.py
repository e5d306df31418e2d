"""Errors raised by the parser."""

from __future__ import annotations


class PubidError(ValueError):
    """An identifier could not be read.

    ``position`` is the 0-based character offset in ``text`` where reading failed.
    """

    def __init__(self, message: str, text: str, position: int) -> None:
        self.message = message
        self.text = text
        self.position = position
        super().__init__(f"{message} (at column {position + 1} of {text!r})")

    def pointer(self) -> str:
        """The text with a caret under the failing position (for terminals)."""
        return f"{self.text}\n{' ' * self.position}^"
