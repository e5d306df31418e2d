"""Folding of text for search: see :func:`fold`."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Apostrophe-like marks used in Uzbek Latin (o‘, g‘, tutuq belgisi ʼ) and in typed text.
# They are removed, not turned into spaces, so "O‘zbekiston", "O'zbekiston" and "Ozbekiston" agree.
_APOSTROPHES = "'`´‘’‛ʹʻʼʽˈ′"

# Letters that Unicode does not decompose into a base letter plus a combining mark.
_SPECIAL = str.maketrans(
    {
        "đ": "d",
        "ð": "d",
        "ø": "o",
        "ł": "l",
        "ı": "i",
        "ё": "е",  # Cyrillic yo → ye, as in ordinary Russian typing
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        **{mark: None for mark in _APOSTROPHES},
    }
)

# Cyrillic letters whose decomposition would lose a distinction the languages rely on.
_KEEP_COMPOSED = {"й", "ї"}

_NON_WORD = re.compile(r"[^\w]+|_+")


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    lowered = text.casefold().translate(_SPECIAL)
    decomposed = []
    for char in lowered:
        if char in _KEEP_COMPOSED or ord(char) < 128:
            decomposed.append(char)
            continue
        for part in unicodedata.normalize("NFD", char):
            if not unicodedata.combining(part):
                decomposed.append(part)
    folded = "".join(decomposed).translate(_SPECIAL)
    return " ".join(_NON_WORD.sub(" ", folded).split())


def fold(text: str | None) -> str:
    """Return ``text`` folded for search (see the module docstring); ``None`` gives ``""``."""
    if not text:
        return ""
    if len(text) <= 256:
        return _fold_cached(text)
    return _fold(text)


def tokens(text: str | None) -> list[str]:
    """The folded words of ``text``, in order, duplicates kept."""
    return fold(text).split()


def search_terms(query: str | None, max_terms: int = 12) -> list[str]:
    """The distinct folded words of a user query, in order, at most ``max_terms`` of them.

    Each term is later matched as a prefix, so "stand" finds "standards". Terms are letters and
    digits only, which makes them safe to embed in FTS5 and tsquery syntax.
    """
    seen: dict[str, None] = {}
    for word in tokens(query):
        seen.setdefault(word, None)
        if len(seen) >= max_terms:
            break
    return list(seen)


_DIGIT_RUN = re.compile(r"\d+")


def natural_key(text: str) -> str:
    """A string that sorts naturally: every run of digits zero-padded (ISO 2 < ISO 10 < ISO 10-2)."""
    return _DIGIT_RUN.sub(lambda match: match.group().zfill(10), text.upper())
