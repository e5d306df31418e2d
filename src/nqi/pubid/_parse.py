"""Parser: a fast regular-expression path for catalogue forms, and a tokenising
recursive-descent parser for everything else (messy, Cyrillic, national)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import NoReturn

from . import _lexicon as lx
from .errors import PubidError
from .model import (
    Adoption,
    AnyIdentifier,
    Degree,
    Identifier,
    NationalIdentifier,
    Scheme,
    Supplement,
)

# ------------------------------------------------------------------------------ tokens

NUM, WORD, PUNCT = 0, 1, 2
Token = tuple[int, str, int, int, bool]  # kind, upper-case text, start, end, space before
_TOKEN_RE = re.compile(r"\s*(?:(\d+)|([^\W\d_]+)|(\S))")


def normalise(text: str) -> str:
    """1:1 character normalisation (positions are kept)."""
    return text.translate(lx.TRANSLATE)


def tokenize(text: str, start: int = 0) -> list[Token]:
    """Split into NUM, WORD (upper-cased) and PUNCT tokens, with spans and "space before"."""
    toks: list[Token] = []
    append = toks.append
    for m in _TOKEN_RE.finditer(text, start):
        group = m.lastindex or 3
        s, e = m.span(group)
        piece = text[s:e]
        append((group - 1, piece.upper() if group == 2 else piece, s, e, s != m.start()))
    return toks


class _State:
    __slots__ = ("i", "lenient", "n", "short_years", "text", "toks")

    def __init__(self, text: str, toks: list[Token], lenient: bool) -> None:
        self.text = text
        self.toks = toks
        self.i = 0
        self.n = len(toks)
        self.lenient = lenient
        self.short_years = False

    # -- helpers
    def tok(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < self.n else None

    def up(self, k: int = 0) -> str:
        j = self.i + k
        return self.toks[j][1] if j < self.n else ""

    def kind(self, k: int = 0) -> int:
        j = self.i + k
        return self.toks[j][0] if j < self.n else -1

    def adjacent(self, k: int = 0) -> bool:
        """Token at offset *k* exists and follows the previous one without space."""
        j = self.i + k
        return j < self.n and not self.toks[j][4]

    def pos(self) -> int:
        return self.toks[self.i][2] if self.i < self.n else len(self.text)

    def at_end(self) -> bool:
        return self.i >= self.n

    def fail(self, message: str, pos: int | None = None) -> NoReturn:
        raise PubidError(message, self.text, self.pos() if pos is None else pos)

    def describe(self) -> str:
        t = self.tok()
        return "end of text" if t is None else repr(self.text[t[2] : t[3]])


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


def _year2(digits: str) -> int:
    if len(digits) == 2:
        return 1900 + int(digits)
    return int(digits)


def _alnum(st: _State) -> str:
    """Read a NUM or WORD and the adjacent NUM/WORD tokens glued to it (``E01``, ``1Q``)."""
    t = st.toks[st.i]
    out = t[1]
    st.i += 1
    while st.i < st.n and st.toks[st.i][0] != PUNCT and not st.toks[st.i][4]:
        out += st.toks[st.i][1]
        st.i += 1
    return out


# ------------------------------------------------------------------------ supplements


def _supplement(st: _State, *, allow_a: bool = False) -> Supplement | None:
    """Parse ``Amd 1:2024``, ``AMD1:2020``, ``CD Amd 2.3``, ``DAM 1``, ``Cor.1``, ``A11:2021``."""
    save = st.i
    stage: str | None = None
    kind: str | None = None
    up = st.up()
    if st.kind() != WORD:
        return None
    if up in lx.STAGE_WORDS and st.kind(1) == WORD and st.up(1) in lx.SUPP_KINDS:
        stage = lx.STAGE_WORDS[up]
        st.i += 1
        up = st.up()
    if up in lx.SUPP_COMBINED:
        stage, kind = lx.SUPP_COMBINED[up]
    elif up in lx.SUPP_KINDS:
        kind = lx.SUPP_KINDS[up]
    elif allow_a and up == "A" and st.kind(1) == NUM and st.adjacent(1):
        kind = "A"
    else:
        st.i = save
        return None
    st.i += 1
    if st.up() == "." and st.kind(1) == NUM:
        st.i += 1
    if st.up() == "№":
        st.i += 1
    number: int | None = None
    iteration: int | None = None
    year: int | None = None
    edition: int | None = None
    if st.kind() == NUM and not (st.up() and _is_year(st.up()) and st.up(-1) == ":"):
        number = int(st.up())
        st.i += 1
        if st.up() == "." and st.kind(1) == NUM and st.adjacent(1) and stage is not None:
            iteration = int(st.up(1))
            st.i += 2
    if (st.up() == ":" and st.kind(1) == NUM and len(st.up(1)) == 4) or (
        st.up() == "-" and st.kind(1) == NUM and _is_year(st.up(1)) and number is not None
    ):
        year = int(st.up(1))
        st.i += 2
    elif st.lenient and st.kind() == NUM and _is_year(st.up()) and number is not None:
        year = int(st.up())
        st.i += 1
    elif st.up() == ":" and st.i + 1 == st.n:
        st.i += 1  # dangling colon at the very end (seen in the IEC catalogue)
    if st.up() in ("ED", "EDITION") and st.kind(1) == NUM:
        edition = int(st.up(1))
        st.i += 2
    return Supplement(kind=kind, number=number, year=year, stage=stage, iteration=iteration, edition=edition)


# ---------------------------------------------------------------------- international


def _languages(st: _State) -> tuple[tuple[str, ...], bool] | None:
    """``(en)``, ``(E/F/R)``, ``(en,fr)``, ``(all parts)`` → (languages, all_parts)."""
    if st.up() != "(":
        return None
    save = st.i
    st.i += 1
    if st.up() == "ALL" and st.up(1) == "PARTS" and st.up(2) == ")":
        st.i += 3
        return (), True
    langs: list[str] = []
    while st.kind() == WORD and st.up() in lx.LANGS:
        code = lx.LANGS[st.up()]
        if code not in langs:
            langs.append(code)
        st.i += 1
        if st.up() in ("/", ",", "-", ";"):
            st.i += 1
            continue
        break
    if langs and st.up() == ")":
        st.i += 1
        return tuple(langs), False
    st.i = save
    return None


def _part_year_ahead(st: _State) -> bool:
    """At ``-`` NUM: is this the trailing ``-YYYY``/``-YY`` year of a hyphen-year scheme?

    Two-digit years are read only where the scheme used them (ГОСТ, GB: ``-95`` = 1995,
    from 40 on), so ``СТ РК ISO 1-10`` keeps its part 10.
    """
    digits = st.up(1)
    if len(digits) == 4:
        if not _is_year(digits):
            return False
    elif not (len(digits) == 2 and st.short_years and int(digits) >= 40):
        return False
    nxt = st.tok(2)
    if nxt is None:
        return True
    return nxt[1] in ("/", "(", "+", ")", ",", ";") or (nxt[0] == WORD and nxt[4])


def parse_international(
    st: _State,
    *,
    stop_year: str | None = None,
    any_publisher: bool = False,
) -> Identifier:
    """Parse an international identifier at the current token.

    ``stop_year`` (``":"`` or ``"-"``) makes it stop before the year, which then belongs to
    an embedding national designation (``TCVN ISO 9001:2015``, ``ГОСТ Р ИСО 9001-2015``).
    """
    start = st.pos()
    doctype: str | None = None
    stage: str | None = None
    if st.up() == "РУКОВОДСТВО":
        doctype = "Guide"
        st.i += 1
    up = st.up()
    if st.kind() != WORD:
        st.fail(f"expected a publisher such as ISO or IEC, found {st.describe()}")
    cyrillic = False
    if up in lx.PRIMARY:
        publisher = lx.PRIMARY[up]
        cyrillic = up != publisher
        st.i += 1
    elif up == "IWA":
        publisher = "ISO"
        doctype = "IWA"
        st.i += 1
    elif up.startswith("FPR") and up[3:] in lx.PRIMARY:
        publisher = lx.PRIMARY[up[3:]]
        stage = "PRF"
        st.i += 1
    elif any_publisher:
        publisher = _alnum(st)
    else:
        st.fail(f"expected a publisher such as ISO or IEC, found {st.describe()}")
    copubs: list[str] = []
    # co-publishers, stages and types, separated by "/" or spaces
    while True:
        slash = st.up() == "/"
        k = 1 if slash else 0
        if st.kind(k) != WORD:
            break
        w = st.up(k)
        if slash and w in lx.COMMITTEE_WORDS and st.kind(k + 1) == NUM:
            st.i += 1
            break
        if slash and w in lx.COPUBLISHERS and not (w == "ISO" and st.kind(k + 1) == NUM and False):
            copubs.append(lx.COPUBLISHERS[w])
            st.i += k + 1
            continue
        if slash and w == "HL" and st.kind(k + 1) == NUM and st.adjacent(k + 1):
            copubs.append("HL" + st.up(k + 1))
            st.i += k + 2
            continue
        if w in lx.STAGE_TYPE_WORDS:
            stage, doctype = lx.STAGE_TYPE_WORDS[w]
            st.i += k + 1
            continue
        if w in lx.STAGE_WORDS and stage is None:
            stage = lx.STAGE_WORDS[w]
            st.i += k + 1
            continue
        if w in lx.TYPES and (doctype is None or (doctype == "Guide" and lx.TYPES[w] == "Guide")):
            doctype = lx.TYPES[w]
            st.i += k + 1
            continue
        if not slash:
            named = _named_type(st)
            if named is not None:
                doctype = named
                return _named_document(st, publisher, copubs, doctype, start)
        break
    if st.up() in lx.COMMITTEE_WORDS and st.kind(1) == NUM:
        return _committee_document(st, publisher, copubs)
    if st.up() in ("/", "-") and st.kind(1) == NUM:
        st.i += 1  # "ISO/ 9001", "ISO-45001"
    if doctype == "Directives":
        return _directives(st, publisher, copubs)
    # ------------------------------------------------------------------ number
    if st.kind() == NUM or (
        # names used as numbers by a few catalogue entries: ISO/IEC VIM, IEC GIORGI, IEC HANDB1
        st.kind() == WORD
        and st.up() not in lx.SUPP_KINDS
        and st.text[st.toks[st.i][2] : st.toks[st.i][3]].isupper()
    ):
        number = _alnum(st)
    else:
        st.fail(f"expected a document number, found {st.describe()}")
    parts: list[str] = []
    iteration: int | None = None
    year: int | None = None
    while True:
        u = st.up()
        if u == "-" and st.kind(1) in (NUM, WORD) and st.adjacent(1):
            if st.kind(1) == NUM and (
                (stop_year == "-" and _part_year_ahead(st))
                or (
                    (doctype == "R" or st.lenient or cyrillic)
                    and _is_year(st.up(1))
                    and _part_year_ahead(st)
                    and stop_year is None
                )
            ):
                if stop_year == "-":
                    break
                year = int(st.up(1))
                st.i += 2
                break
            if st.kind(1) == WORD and st.up(1) in lx.FORMS:
                break
            st.i += 1
            parts.append(_alnum(st))
            continue
        if u == "-" and st.up(1) == "/" and st.kind(2) == NUM:
            st.i += 2  # "IEC 60285-/1"
            parts.append(_alnum(st))
            continue
        if u == "/" and st.kind(1) == NUM and st.adjacent(1):
            digits = st.up(1)
            if len(digits) <= 3:
                st.i += 2
                parts.append(str(int(digits)))
                continue
            if st.lenient and _is_year(digits) and stop_year is None:
                year = int(digits)
                st.i += 2
            break
        if u == "/" and st.kind(1) == WORD and st.up(1) in lx.ROMAN and st.adjacent(1):
            parts.append(str(lx.ROMAN[st.up(1)]))
            st.i += 2
            continue
        if u == "." and st.kind(1) == NUM and st.adjacent(1) and st.adjacent(0):
            iteration = int(st.up(1))
            st.i += 2
            continue
        break
    # ------------------------------------------------------------------ year
    if year is None and stop_year is None:
        if st.up() == ":" and st.kind(1) == NUM:
            digits = st.up(1)
            if len(digits) != 4:
                st.fail(f"expected a four-digit year, found {digits!r}", st.toks[st.i + 1][2])
            year = int(digits)
            st.i += 2
        elif st.lenient and st.kind() == NUM and _is_year(st.up()):
            year = int(st.up())
            st.i += 1
        elif st.lenient and st.up() in (",", "-") and st.kind(1) == NUM and _is_year(st.up(1)):
            year = int(st.up(1))
            st.i += 2
    if stop_year is not None:
        return Identifier(
            publisher=publisher,
            number=number,
            copublishers=tuple(copubs),
            parts=tuple(parts),
            doctype=doctype,
            stage=stage,
            iteration=iteration,
        )
    edition = _edition(st)
    consolidated: list[Supplement] = []
    while st.up() == "+":
        st.i += 1
        sup = _supplement(st)
        if sup is None:
            st.fail(f"expected an amendment after '+', found {st.describe()}")
        consolidated.append(sup)
    form = _form(st)
    supplements: list[Supplement] = []
    while True:
        if st.up() == "/":
            st.i += 1
            sup = _supplement(st)
            if sup is None:
                st.i -= 1
                break
            supplements.append(sup)
            continue
        if st.kind() == WORD:
            sup = _supplement(st)
            if sup is None:
                break
            supplements.append(sup)
            continue
        break
    if form is None:
        form = _form(st)
    if edition is None:
        edition = _edition(st)
    languages: tuple[str, ...] = ()
    all_parts = False
    while st.up() == "(":
        got = _languages(st)
        if got is None:
            break
        if got[1]:
            all_parts = True
        else:
            languages = got[0]
    dual: Identifier | None = None
    if st.up() == "|" and st.kind(1) == WORD:
        st.i += 1
        dual = parse_international(st, any_publisher=True)
    return Identifier(
        publisher=publisher,
        number=number,
        copublishers=tuple(copubs),
        parts=tuple(parts),
        doctype=doctype,
        stage=stage,
        iteration=iteration,
        year=year,
        edition=edition,
        consolidated=tuple(consolidated),
        form=form,
        supplements=tuple(supplements),
        languages=languages,
        all_parts=all_parts,
        dual=dual,
    )


def _committee_document(st: _State, publisher: str, copubs: list[str]) -> Identifier:
    """``ISO/IEC JTC 1/SC 27 N 1234``, ``ISO/TC 176/SC 2 N 1500``: committee documents."""
    levels: list[str] = []
    while True:
        word = st.up()
        levels.append(f"{word} {int(st.up(1))}")
        st.i += 2
        if st.up() == "/" and st.up(1) in lx.COMMITTEE_WORDS and st.kind(2) == NUM:
            st.i += 1
            continue
        break
    committee = "/".join(levels)
    if st.up() != "N" or st.kind(1) != NUM:
        st.fail(f"{committee!r} is a committee, not a document: expected 'N' and a document number")
    number = str(int(st.up(1)))
    st.i += 2
    year = None
    if st.up() == ":" and st.kind(1) == NUM and len(st.up(1)) == 4:
        year = int(st.up(1))
        st.i += 2
    return Identifier(publisher, number, tuple(copubs), year=year, committee=committee)


def _directives(st: _State, publisher: str, copubs: list[str]) -> Identifier:
    """``ISO/IEC Directives, Part 1:2024``, ``ISO/IEC Directives, JTC 1 Supplement``."""
    if st.up() == ",":
        st.i += 1
    if st.up() == "PART" and st.kind(1) == NUM:
        st.i += 1
        number = st.up()
        st.i += 1
        year = None
        if st.up() == ":" and st.kind(1) == NUM and len(st.up(1)) == 4:
            year = int(st.up(1))
            st.i += 2
        return Identifier(publisher, number, tuple(copubs), doctype="Directives", year=year)
    if st.at_end() or st.kind() == PUNCT:
        st.fail(f"expected 'Part' or a supplement name after 'Directives', found {st.describe()}")
    return _named_document(st, publisher, copubs, "Directives", st.pos())


def _edition(st: _State) -> int | None:
    u = st.up()
    if u in ("ED", "EDITION") and st.kind(1) == NUM:
        st.i += 2
        return int(st.up(-1))
    if u == "ED" and st.up(1) == "." and st.kind(2) == NUM:
        st.i += 3
        return int(st.up(-1))
    return None


def _form(st: _State) -> str | None:
    if st.kind() == WORD and st.up() in lx.FORMS:
        form = st.up()
        st.i += 1
        if st.up() == "-" and st.kind(1) == WORD and st.up(1) in lx.FORMS and st.adjacent(1):
            form += "-" + st.up(1)
            st.i += 2
        return form
    return None


def _named_type(st: _State) -> str | None:
    for words, name in lx.NAMED_TYPES.items():
        if all(st.up(j) == w for j, w in enumerate(words)):
            st.i += len(words)
            return name
    return None


def _named_document(st: _State, publisher: str, copubs: list[str], doctype: str, start: int) -> Identifier:
    """``IEC White Paper Smart Cities:2014``: the name runs up to the first ``:YYYY``."""
    if st.at_end():
        st.fail("expected the name of the document")
    first = st.toks[st.i][2]
    colon = None
    last = min(st.n, st.i + 16)  # names are short; do not run through free text
    for j in range(st.i + 1, last):
        if st.toks[j][1] == ":" and j + 1 < st.n and len(st.toks[j + 1][1]) == 4 and st.toks[j + 1][0] == NUM:
            colon = j
            break
    if colon is None:
        name_end = st.toks[last - 1][3]
        year = None
        st.i = last
    else:
        name_end = st.toks[colon - 1][3]
        year = int(st.toks[colon + 1][1])
        st.i = colon + 2
    name = " ".join(st.text[first:name_end].split())
    return Identifier(
        publisher=publisher, number=name, copublishers=tuple(copubs), doctype=doctype, year=year
    )


# --------------------------------------------------------------------------- national

_EN_ADOPTER_ALT = "|".join(
    re.escape(k) for k in sorted(lx.EN_ADOPTERS, key=len, reverse=True) if k not in ("OENORM",)
)
_OTHER_ALT = "|".join(
    re.escape(k).replace("/", r"\s*/\s*")
    for k in sorted(lx.OTHER_SCHEMES, key=len, reverse=True)
    if k != "NBR"
)
_NOT_LETTER = r"(?![^\W\d_])"
NATIONAL_PREFIX_RE = re.compile(
    rf"""(?:
      (?P<uz>O\s*'?\s*Z\s*DST|Ў\s*З\s*ДСТ|УЗ\s*ДСТ)
    | (?P<kz>(?:СТ|ST|CT)\s*(?:РК|RK|PK))
    | (?P<ru>(?:ГОСТ|GOST)\s*(?:Р|R))
    | (?P<ks>KS)\s*(?P<ksdiv>[A-Z])
    | (?P<jis>JIS)\s*(?P<jisdiv>[A-Z])
    | (?P<gb>GB)(?:\s*/\s*(?P<gbt>[TZ]))?
    | (?P<adopter>{_EN_ADOPTER_ALT}|OENORM)(?:\s*[-/]\s*|\s+)(?P<adst>PR|FPR)?EN
    | (?P<enst>PR|FPR)?(?P<en>EN)
    | (?:ABNT\s+)?(?P<nbr>NBR)
    | (?P<other>{_OTHER_ALT})
    ){_NOT_LETTER}""",
    re.X | re.I,
)
_STAGE_OF = {"PR": "DIS", "FPR": "FDIS"}
#: Prefixes that are ordinary words: only accepted by ``find_all`` before an embedded identifier.
WEAK_PREFIXES = frozenset({"MS", "AS", "UNIT", "TIS", "PNS", "SLS", "NZS", "NTC", "BS", "DIN", "EN"})


def match_scheme(text: str, pos: int) -> tuple[Scheme, str | None, int, str] | None:
    """Match a national prefix at *pos*: (scheme, stage, end, matched key)."""
    m = NATIONAL_PREFIX_RE.match(text, pos)
    if m is None:
        return None
    g = m.group
    stage: str | None = None
    if g("uz"):
        return lx.UZ, None, m.end(), "uz"
    if g("kz"):
        return lx.KZ, None, m.end(), "kz"
    if g("ru"):
        return lx.RU, None, m.end(), "ru"
    if g("ks"):
        return lx.ks(g("ksdiv").upper()), None, m.end(), "ks"
    if g("jis"):
        return lx.jis(g("jisdiv").upper()), None, m.end(), "jis"
    if g("gb"):
        t = (g("gbt") or "").upper()
        return (lx.CN_T if t == "T" else lx.CN_Z if t == "Z" else lx.CN), None, m.end(), "gb"
    if g("adopter"):
        word = g("adopter").upper()
        if g("adst"):
            stage = _STAGE_OF[g("adst").upper()]
        return lx.en_adopter(word), stage, m.end(), "adopter"
    if g("en"):
        if g("enst"):
            stage = _STAGE_OF[g("enst").upper()]
        return lx.EN, stage, m.end(), "EN"
    if g("nbr"):
        return lx.OTHER_SCHEMES["NBR"], None, m.end(), "nbr"
    key = re.sub(r"\s+", "", g("other").upper())
    return lx.OTHER_SCHEMES[key], None, m.end(), key


def _national_number(st: _State, scheme: Scheme) -> tuple[str, int | None]:
    """Read ``7391-1``, ``2.105``, ``51317.4.5`` and the year that follows."""
    if st.kind() not in (NUM, WORD):
        st.fail(f"expected a standard number, found {st.describe()}")
    number = _alnum(st)
    year: int | None = None
    while True:
        u = st.up()
        if u == "." and st.kind(1) in (NUM, WORD) and st.adjacent(1) and st.adjacent(0):
            st.i += 1
            number += "." + _alnum(st)
            continue
        if u == "-" and st.kind(1) in (NUM, WORD):
            if st.kind(1) == NUM and _part_year_ahead(st):
                digits = st.up(1)
                if scheme.year_sep == "-" or (_is_year(digits) and not st.toks[st.i][4]):
                    year = _year2(digits)
                    st.i += 2
                    break
            st.i += 1
            number += "-" + _alnum(st)
            continue
        break
    if year is None:
        year = _national_year(st, scheme)
    return number, year


def _national_year(st: _State, scheme: Scheme) -> int | None:
    if (
        st.up() == ":"
        and st.kind(1) == NUM
        and (len(st.up(1)) == 4 or (len(st.up(1)) == 2 and st.short_years))
    ):
        st.i += 2
        return _year2(st.up(-1))
    if (
        st.up() == "-"
        and st.kind(1) == NUM
        and _part_year_ahead(st)
        and (scheme.year_sep == "-" or _is_year(st.up(1)))
    ):
        st.i += 2
        return _year2(st.up(-1))
    if st.lenient and st.kind() == NUM and _is_year(st.up()):
        st.i += 1
        return int(st.up(-1))
    return None


def _adopted(st: _State) -> AnyIdentifier | None:
    """An adopted document inside a national designation (international or EN)."""
    if st.kind() != WORD:
        return None
    up = st.up()
    if up in lx.PRIMARY or up in ("IWA", "РУКОВОДСТВО") or (up.startswith("FPR") and up[3:] in lx.PRIMARY):
        return parse_international(st)
    m = match_scheme(st.text, st.pos())
    if m is not None:
        return parse_national(st, m)
    return None


def parse_national(st: _State, matched: tuple[Scheme, str | None, int, str] | None) -> NationalIdentifier:
    """Parse a national designation at the current token."""
    unparsed: list[str] = []
    if matched is None:
        scheme, stage = _unknown_prefix(st, unparsed)
    else:
        scheme, stage, end, _key = matched
        while st.i < st.n and st.toks[st.i][2] < end:
            st.i += 1
    outer_short = st.short_years
    st.short_years = scheme.reads_short_years
    try:
        return _national_body(st, scheme, stage, unparsed)
    finally:
        st.short_years = outer_short


def _national_body(st: _State, scheme: Scheme, stage: str | None, unparsed: list[str]) -> NationalIdentifier:
    embedded: Identifier | None = None
    number = ""
    year: int | None = None
    up = st.up()
    if st.kind() == WORD and (up in lx.PRIMARY or up in ("IWA", "РУКОВОДСТВО")):
        sep = scheme.year_sep
        embedded = parse_international(st, stop_year=sep)
        year = _national_year(st, scheme)
        if year is None and sep == ":":
            # "СТ РК ISO 9001-2016"-like input for a colon scheme (older hyphen spelling)
            year = None
    else:
        number, year = _national_number(st, scheme)
    if not scheme.known:
        sep = st.toks[st.i - 2][1] if year is not None and st.i >= 2 else ":"
        scheme = replace(scheme, year_sep=sep if sep in (":", "-") else ":")
    consolidated: list[Supplement] = []
    supplements: list[Supplement] = []
    adoptions: list[Adoption] = []
    if embedded is not None and scheme.embed_degree is not None:
        adoptions.append(Adoption(embedded, scheme.embed_degree, "embedded"))
    elif embedded is not None:
        adoptions.append(Adoption(embedded, None, "embedded"))
    while True:
        if st.up() == "+":
            st.i += 1
            sup = _supplement(st, allow_a=True)
            if sup is None:
                st.fail(f"expected an amendment after '+', found {st.describe()}")
            consolidated.append(sup)
            continue
        if st.up() == "/":
            st.i += 1
            sup = _supplement(st, allow_a=True)
            if sup is not None:
                supplements.append(sup)
                continue
            adopted = _adopted(st)
            if adopted is None:
                st.i -= 1
                break
            adoptions.append(Adoption(adopted, scheme.slash_degree, "slash"))
            continue
        break
    if st.up() == "(":
        save = st.i
        items = _paren_adoptions(st, scheme, embedded is not None)
        if items is None:
            st.i = save
        else:
            adoptions = [a for a in adoptions if a.form != "embedded" or not items] + items
            if embedded is not None:
                adoptions = items
    if not scheme.known and not st.at_end():
        rest = st.text[st.pos() :].strip()
        unparsed.append(rest)
        st.i = st.n
    return NationalIdentifier(
        scheme=scheme,
        number=number,
        embedded=embedded,
        year=year,
        consolidated=tuple(consolidated),
        supplements=tuple(supplements),
        adoptions=tuple(adoptions),
        stage=stage,
        unparsed=tuple(unparsed),
    )


def _paren_adoptions(st: _State, scheme: Scheme, embedded: bool) -> list[Adoption] | None:
    """``(ISO 18831:2016, IDT)``, ``(ISO 23767:2021)``, ``(ISO 1:2000, ISO 2:2001, MOD)``."""
    st.i += 1
    implied = scheme.embed_degree if embedded else scheme.paren_degree
    items: list[tuple[AnyIdentifier, Degree | None]] = []
    while True:
        try:
            ident = _adopted(st)
        except PubidError:
            return None
        if ident is None:
            return None
        degree: Degree | None = None
        if st.up() in (",", ";", "-") and st.kind(1) == WORD and st.up(1) in lx.DEGREES:
            degree = lx.DEGREES[st.up(1)]
            st.i += 2
        elif st.kind() == WORD and st.up() in lx.DEGREES:
            degree = lx.DEGREES[st.up()]
            st.i += 1
        items.append((ident, degree))
        if st.up() in (",", ";"):
            st.i += 1
            continue
        if st.up() == ")":
            st.i += 1
            break
        return None
    out: list[Adoption] = []
    for ident, degree in items:
        out.append(
            Adoption(ident, degree if degree is not None else implied, "paren", stated=degree is not None)
        )
    return out


def _unknown_prefix(st: _State, unparsed: list[str]) -> tuple[Scheme, str | None]:
    """Words (and ``/``/``-`` joined words) before the number or the embedded identifier."""
    words: list[str] = []
    start = st.pos()
    end = start
    while st.kind() == WORD and st.up() not in lx.PRIMARY and st.up() != "IWA":
        end = st.toks[st.i][3]
        words.append(st.up())
        st.i += 1
        if (
            st.up() in ("/", "-", ".")
            and st.kind(1) == WORD
            and st.up(1) not in lx.PRIMARY
            and st.adjacent(1)
        ):
            st.i += 1
            continue
        if st.up() == "." and st.adjacent(0):
            end = st.toks[st.i][3]
            st.i += 1
    if not words:
        st.fail(f"expected a standard designation, found {st.describe()}")
    prefix = st.text[start:end]
    if not (st.kind() == NUM or (st.kind() == WORD and st.up() in lx.PRIMARY)):
        st.fail(f"expected a standard number after {prefix!r}, found {st.describe()}")
    unparsed.append(prefix)
    return lx.unknown_scheme(prefix, ":"), None


# ------------------------------------------------------------------------- dispatcher


def starts_international(st: _State) -> bool:
    up = st.up()
    if st.kind() != WORD:
        return False
    if up in lx.PRIMARY or up == "IWA" or (up.startswith("FPR") and up[3:] in lx.PRIMARY):
        return True
    return up == "РУКОВОДСТВО" and st.kind(1) == WORD and st.up(1) in lx.PRIMARY


def parse_at(st: _State) -> AnyIdentifier:
    if starts_international(st):
        return parse_international(st)
    matched = match_scheme(st.text, st.pos()) if st.i < st.n else None
    return parse_national(st, matched)


def parse_slow(text: str, lenient: bool = False) -> AnyIdentifier:
    norm = normalise(text)
    toks = tokenize(norm)
    st = _State(norm, toks, lenient)
    st.text = norm
    if not toks:
        raise PubidError("empty identifier", text, 0)
    try:
        ident = parse_at(st)
    except PubidError as exc:
        raise PubidError(exc.message, text, exc.position) from None
    if not st.at_end():
        if lenient:
            return ident
        raise PubidError(f"unexpected {st.describe()} after the identifier", text, st.pos())
    return ident


# -------------------------------------------------------------------------- fast path

_FAST_RE = re.compile(
    r"(ISO|IEC|CISPR|ISO/IEC|ISO/IEC/IEEE|IEC/IEEE|ISO/ASTM|ISO/IEEE|ISO/SAE|ISO/CIE|ISO/HL7|IEC/ISO)"
    r"(?:/(TS|TR|PAS|R|ISP|TTA|DATA|DIS|FDIS|CD|DTS|DTR)| (TS|TR|PAS|Guide|ISP|SRD|DIS|FDIS|CD))?"
    r" ([1-9]\d*)((?:-\d+)*)(?::(\d{4}))?((?:\+AMD\d+:\d{4})*)(?: (CSV|RLV|CMV|EXV|SER))?"
    r"((?:/(?:Amd |Cor |AMD|COR|ISH)\d+:\d{4})*)"
)
_FAST_SUPP_RE = re.compile(r"/(Amd |Cor |AMD|COR|ISH)(\d+):(\d{4})")
_FAST_CONS_RE = re.compile(r"\+AMD(\d+):(\d{4})")
_FAST_KIND = {"Amd ": "Amd", "Cor ": "Cor", "AMD": "Amd", "COR": "Cor", "ISH": "ISH"}
_FAST_WORD: dict[str, tuple[str | None, str | None]] = {
    "TS": (None, "TS"),
    "TR": (None, "TR"),
    "PAS": (None, "PAS"),
    "R": (None, "R"),
    "ISP": (None, "ISP"),
    "TTA": (None, "TTA"),
    "DATA": (None, "DATA"),
    "Guide": (None, "Guide"),
    "SRD": (None, "SRD"),
    "DIS": ("DIS", None),
    "FDIS": ("FDIS", None),
    "CD": ("CD", None),
    "DTS": ("DIS", "TS"),
    "DTR": ("DIS", "TR"),
}
_FAST_PUBS: dict[str, tuple[str, tuple[str, ...]]] = {}
for _p in ("ISO", "IEC", "CISPR", "ISO/IEC", "ISO/IEC/IEEE", "IEC/IEEE", "ISO/ASTM", "ISO/IEEE", "ISO/SAE"):
    _FAST_PUBS[_p] = (_p.split("/")[0], tuple(_p.split("/")[1:]))
for _p in ("ISO/CIE", "ISO/HL7", "IEC/ISO"):
    _FAST_PUBS[_p] = (_p.split("/")[0], tuple(_p.split("/")[1:]))
_NO_PARTS: tuple[str, ...] = ()


def parse_fast(text: str) -> Identifier | None:
    """Catalogue forms (``ISO 9001:2015``, ``IEC 60034-1:2022/AMD1:2024``) without tokenising."""
    m = _FAST_RE.fullmatch(text)
    if m is None:
        return None
    pub, w1, w2, number, parts, year, cons, form, supp = m.groups()
    publisher, copubs = _FAST_PUBS[pub]
    stage: str | None = None
    doctype: str | None = None
    word = w1 or w2
    if word is not None:
        if w1 is not None and copubs and word not in ("DIS", "FDIS", "CD"):
            return None  # "ISO/IEC/TR": let the full parser decide
        stage, doctype = _FAST_WORD[word]
    supplements: tuple[Supplement, ...] = ()
    if supp:
        supplements = tuple(
            Supplement(_FAST_KIND[k], int(n), int(y)) for k, n, y in _FAST_SUPP_RE.findall(supp)
        )
    consolidated: tuple[Supplement, ...] = ()
    if cons:
        consolidated = tuple(Supplement("Amd", int(n), int(y)) for n, y in _FAST_CONS_RE.findall(cons))
    return Identifier(
        publisher,
        number,
        copubs,
        tuple(parts[1:].split("-")) if parts else _NO_PARTS,
        doctype,
        stage,
        None,
        int(year) if year else None,
        None,
        consolidated,
        form,
        supplements,
    )
