"""nqi.pubid — read publication identifiers, international and national."""

from __future__ import annotations

from .api import Found, ParseResult, find_all, parse, parse_many, parse_query
from .errors import PubidError
from .model import (
    Adoption,
    AnyIdentifier,
    Degree,
    Identifier,
    NationalIdentifier,
    Scheme,
    Supplement,
    render,
)

__all__ = [
    "Adoption",
    "AnyIdentifier",
    "Degree",
    "Found",
    "Identifier",
    "NationalIdentifier",
    "ParseResult",
    "PubidError",
    "Scheme",
    "Supplement",
    "find_all",
    "parse",
    "parse_many",
    "parse_query",
    "render",
]
