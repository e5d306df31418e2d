"""Public entry points."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import _parse
from .errors import PubidError
from .model import NAMED_DOCTYPES, AnyIdentifier, Identifier


def parse(text: str, *, lenient: bool = False) -> AnyIdentifier:
    """Parse one identifier; raise :class:`PubidError` if it cannot be read entirely.

    ``lenient=True`` accepts user input such as ``iso 9001 2015`` (year after a space or
    hyphen) and ignores trailing text.
    """
    if not lenient:
        fast = _parse.parse_fast(text)
        if fast is not None:
            return fast
    return _parse.parse_slow(text, lenient)


def parse_query(text: str) -> AnyIdentifier:
    """Lenient parse for search boxes (``iso 9001 2015``, ``ИСО 9001``)."""
    return parse(text, lenient=True)


@dataclass(frozen=True)
class ParseResult:
    """One line of :func:`parse_many`: the identifier or the error."""

    line: int  #: 1-based line number
    text: str
    identifier: AnyIdentifier | None
    error: PubidError | None

    @property
    def ok(self) -> bool:
        return self.identifier is not None


def parse_many(lines: Iterable[str], *, lenient: bool = False) -> list[ParseResult]:
    out: list[ParseResult] = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        try:
            out.append(ParseResult(number, text, parse(text, lenient=lenient), None))
        except PubidError as exc:
            out.append(ParseResult(number, text, None, exc))
    return out


@dataclass(frozen=True)
class Found:
    """An identifier found in free text: ``text[start:end]`` is what was read."""

    identifier: AnyIdentifier
    start: int
    end: int
    text: str


def find_all(text: str) -> list[Found]:
    """Extract the identifiers in free text (titles, letters, catalogue lines).

    Candidates start at an upper-case publisher (``ISO``, ``IEC``, ``CISPR``, ``IWA``,
    ``ИСО``, ``МЭК``) or a known national prefix; the longest identifier is read from each.
    Prefixes that are ordinary words (``EN``, ``BS``, ``MS``, ``AS`` …) only count when a
    number or an embedded international identifier follows.
    """
    norm = _parse.normalise(text)
    toks = _parse.tokenize(norm)
    st = _parse._State(norm, toks, False)
    out: list[Found] = []
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        if (
            tok[0] != _parse.WORD
            or not norm[tok[2]].isupper()
            or (i > 0 and not toks[i][4] and toks[i - 1][0] != _parse.PUNCT)
        ):
            i += 1
            continue
        st.i = i
        ident: AnyIdentifier | None = None
        try:
            if _parse.starts_international(st):
                ident = _parse.parse_international(st)
            else:
                matched = _parse.match_scheme(norm, tok[2])
                if matched is not None:
                    ident = _parse.parse_national(st, matched)
                    if matched[3] in _parse.WEAK_PREFIXES and ident.embedded is None and not ident.year:
                        ident = None
        except PubidError:
            ident = None
        if (
            isinstance(ident, Identifier)
            and ident.doctype not in NAMED_DOCTYPES
            and not any(c.isdigit() for c in ident.number)
        ):
            ident = None  # "ISO MEMBERS": catalogue names as numbers are not searched in prose
        if ident is None or st.i <= i:
            i += 1
            continue
        start, end = tok[2], toks[st.i - 1][3]
        out.append(Found(ident, start, end, text[start:end]))
        i = st.i
    return out
