"""Immutable data model of publication identifiers and their rendering.

Every field holds a *normalised* value (canonical spelling, upper-case codes, integers for
years), so the dataclass equality and hash compare meaning, not spelling: ``ISO/IEC
27001:2013/COR1:2014`` (IEC catalogue style) equals ``ISO/IEC 27001:2013/Cor 1:2014``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Literal

Style = Literal["canonical", "iso", "iec"]

# --------------------------------------------------------------------------------------
# Vocabulary shared by the parser and the renderer
# --------------------------------------------------------------------------------------

#: Draft stages, in the order of the harmonized stage codes.
STAGES: tuple[str, ...] = ("PWI", "NP", "AWI", "WD", "CD", "DIS", "FDIS", "PRF")
STAGE_CODES: dict[str, str] = {
    "PWI": "00.00",
    "NP": "10.00",
    "AWI": "20.00",
    "WD": "20.20",
    "CD": "30.00",
    "DIS": "40.00",
    "FDIS": "50.00",
    "PRF": "60.00",
}
#: Document types with their canonical spelling (``None`` = International Standard).
DOCTYPES: tuple[str, ...] = (
    "TS",
    "TR",
    "PAS",
    "Guide",
    "IWA",
    "ISP",
    "TTA",
    "R",
    "DATA",
    "SRD",
    "CA",
    "WT",
    "ACEE",
    "Directives",
    "White Paper",
    "Technology Report",
    "Trend Report",
    "Technology and Market Outlook Paper",
)
#: Types whose "number" is a free-text name (``IEC White Paper Smart Cities:2014``).
NAMED_DOCTYPES = frozenset(
    {"White Paper", "Technology Report", "Trend Report", "Technology and Market Outlook Paper"}
)
#: Types written after a slash by ISO when there is a single publisher (``ISO/TR 10013``).
_ISO_SLASH_TYPES = frozenset({"TS", "TR", "PAS", "R", "ISP", "TTA", "DATA", "SRD"})
#: ISO "D…" forms of a type at enquiry stage: ``ISO/DTS 123`` = stage DIS + type TS.
_D_FORMS = frozenset({"TS", "TR", "PAS", "Guide"})

SUPPLEMENT_KINDS: tuple[str, ...] = ("Amd", "Cor", "Add", "Suppl", "Ext", "ISH", "FRAG", "A")
_IEC_KIND = {
    "Amd": "AMD",
    "Cor": "COR",
    "Add": "ADD",
    "Suppl": "SUPPL",
    "Ext": "EXT",
    "ISH": "ISH",
    "FRAG": "FRAG",
}
#: ISO combined spellings of a staged supplement.
_SUPP_COMBINED_RENDER = {
    ("DIS", "Amd"): "DAM",
    ("FDIS", "Amd"): "FDAM",
    ("DIS", "Cor"): "DCOR",
    ("FDIS", "Cor"): "FDCOR",
    ("DIS", "Add"): "DAD",
}
#: Publication forms of the IEC webstore (consolidated, redline, extended…).
FORMS: tuple[str, ...] = ("CSV", "RLV", "EXV", "CMV", "SER", "DB", "PRV", "EXV-RLV", "EXV-CMV")
_IEC_LED = frozenset({"IEC", "CISPR"})


class Degree(StrEnum):
    """Degree of correspondence of an adoption (ISO/IEC Guide 21-1)."""

    IDT = "IDT"  #: identical
    MOD = "MOD"  #: modified
    NEQ = "NEQ"  #: not equivalent


_DIGITS = re.compile(r"\d+")


def natural(text: str) -> str:
    """Sortable form of *text*: every run of digits is zero-padded to 10 places."""
    return _DIGITS.sub(lambda m: m.group().zfill(10), text.upper())


# --------------------------------------------------------------------------------------
# International identifiers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supplement:
    """An amendment, corrigendum, addendum, supplement, extension, interpretation sheet,
    fragment or (national) A-amendment, possibly at a draft stage."""

    kind: str  #: one of :data:`SUPPLEMENT_KINDS`
    number: int | None = None
    year: int | None = None
    stage: str | None = None  #: draft stage (``CD``, ``DIS`` …) or ``None`` when published
    iteration: int | None = None  #: draft iteration (``CD Amd 1.2``)
    edition: int | None = None  #: IEC fragments carry an edition (``/FRAG1 ED1``)

    def render(self, style: Literal["iso", "iec"] = "iso") -> str:
        """Render this supplement without its leading ``/`` or ``+``."""
        num = "" if self.number is None else str(self.number)
        if self.kind == "A":
            head = "A" + num
        elif style == "iec":
            kind = _IEC_KIND[self.kind]
            combined = _SUPP_COMBINED_RENDER.get((self.stage, self.kind)) if self.stage else None
            if combined is not None:
                head = combined + num
            elif self.stage:
                head = f"{self.stage} {kind}{num}"
            else:
                head = kind + num
        else:
            combined = _SUPP_COMBINED_RENDER.get((self.stage, self.kind)) if self.stage else None
            kind = self.kind
            if combined is not None:
                head = combined + (" " + num if num else "")
            else:
                head = (self.stage + " " if self.stage else "") + kind + (" " + num if num else "")
        if self.iteration is not None:
            head += f".{self.iteration}"
        if self.year is not None:
            head += f":{self.year}"
        if self.edition is not None:
            head += f" ED{self.edition}"
        return head


@dataclass(frozen=True)
class Identifier:
    """An international publication identifier (ISO, IEC and their partners).

    Build one with :func:`nqi.pubid.parse`; all fields are normalised.
    """

    publisher: str  #: lead publisher: ``ISO``, ``IEC``, ``CISPR`` (``IWA`` is ISO + type IWA)
    number: str  #: document number (``9001``; a name for IEC white papers)
    copublishers: tuple[str, ...] = ()  #: ``("IEC", "IEEE")`` for ISO/IEC/IEEE
    parts: tuple[str, ...] = ()  #: ``("1", "2")`` for ``-1-2``
    doctype: str | None = None  #: ``None`` for an International Standard, else ``TS``, ``TR`` …
    stage: str | None = None  #: draft stage (``NP`` … ``PRF``), ``None`` when published
    iteration: int | None = None  #: draft iteration (``CD 14065.2``)
    year: int | None = None
    edition: int | None = None
    consolidated: tuple[Supplement, ...] = ()  #: IEC consolidated ``+AMD1:2020``
    form: str | None = None  #: IEC publication form: ``CSV``, ``RLV``, ``EXV`` …
    supplements: tuple[Supplement, ...] = ()  #: chain: each applies to what precedes it
    languages: tuple[str, ...] = ()  #: ISO 639-1 codes: ``("en", "fr")``
    all_parts: bool = False
    dual: Identifier | None = None  #: dual number: ``ISO 5537|IDF 26``
    committee: str | None = None  #: ``JTC 1/SC 27`` for committee documents (``… N 1234``)

    # ---------------------------------------------------------------- derived forms
    @property
    def publishers(self) -> tuple[str, ...]:
        return (self.publisher, *self.copublishers)

    @property
    def is_international(self) -> bool:
        return True

    @cached_property
    def canonical(self) -> str:
        """Canonical rendering, in the lead publisher's own style."""
        return render(self)

    def __str__(self) -> str:
        return self.canonical

    @property
    def urn(self) -> str:
        """URN: RFC 5141 for ISO-led documents, the IEC URN form for IEC-led ones."""
        return _iec_urn(self) if self.publisher in _IEC_LED else _iso_urn(self)

    @property
    def base(self) -> Identifier:
        """The document itself: no year, stage, edition, supplements, form or languages."""
        return Identifier(
            publisher=self.publisher,
            number=self.number,
            copublishers=self.copublishers,
            parts=self.parts,
            doctype=self.doctype,
            committee=self.committee,
        )

    @property
    def dated_base(self) -> Identifier:
        """The edition this identifier belongs to: the base document with its year (and
        draft stage), without supplements, consolidation, form or languages."""
        return replace(
            self,
            consolidated=(),
            form=None,
            supplements=(),
            languages=(),
            all_parts=False,
            dual=None,
            edition=None,
        )

    @property
    def is_supplement(self) -> bool:
        return bool(self.supplements)

    @property
    def is_draft(self) -> bool:
        return self.stage is not None or any(s.stage for s in self.supplements)

    @cached_property
    def sort_key(self) -> str:
        """Natural sort key (``ISO 2 < ISO 10 < ISO 10-2``); compare bytewise (``COLLATE "C"``)."""
        key = [
            "/".join(self.publishers),
            " ",
            natural(self.committee + " N ") if self.committee else "",
            natural(self.number),
        ]
        for part in self.parts:
            key.append("-" + natural(part))
        key.append(" " + (self.doctype or "").upper())
        key.append(f" {self.year or 0:04d}")
        key.append(" " + (str(STAGES.index(self.stage)) if self.stage else "9"))
        key.append(f"{self.iteration or 0:03d}")
        for sup in (*self.consolidated, *self.supplements):
            key.append(
                f" {sup.kind.upper()}{sup.number or 0:05d}:{sup.year or 0:04d}"
                + (str(STAGES.index(sup.stage)) if sup.stage else "9")
            )
        if self.form:
            key.append(" " + self.form)
        return "".join(key)

    def render(self, style: Style = "canonical") -> str:
        return render(self, style)


# --------------------------------------------------------------------------------------
# National identifiers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Adoption:
    """An international (or regional) document adopted by a national standard."""

    identifier: Identifier | NationalIdentifier
    degree: Degree | None = None  #: written, or implied by the national convention
    form: Literal["embedded", "slash", "paren"] = "paren"  #: how it is attached
    stated: bool = field(default=False, compare=False)  #: degree written in the input


@dataclass(frozen=True)
class Scheme:
    """A national (or regional) designation scheme."""

    prefix: str  #: canonical prefix: ``TCVN``, ``O‘z DSt``, ``СТ РК``, ``ГОСТ Р``, ``BS EN`` …
    country: str | None  #: ISO 3166-1 alpha-2, or a region code (``EU`` for CEN/CENELEC)
    body: str  #: the standards body
    year_sep: str = ":"  #: ``:`` or ``-``
    embed_degree: Degree | None = Degree.IDT  #: degree implied by ``TCVN ISO 9001``
    slash_degree: Degree | None = None  #: degree implied by ``ГОСТ Р 1-2020/ISO 2:2016``
    paren_degree: Degree | None = None  #: degree implied by ``ГОСТ 1-2025 (ISO 2:2021)``
    state_degree: bool = False  #: canonical form always writes the degree (Uzbekistan)
    cyrillic_embed: bool = False  #: embedded ISO/IEC written ИСО/МЭК (ГОСТ Р)
    short_years: bool = False  #: years before 2000 written with two digits (ГОСТ)
    reads_short_years: bool = False  #: two-digit years (``-95``) are read as 19xx
    known: bool = True


@dataclass(frozen=True)
class NationalIdentifier:
    """A national (or regional) designation, with the documents it adopts."""

    scheme: Scheme
    number: str = ""  #: national number (``7391-1``); empty when an identifier is embedded
    embedded: Identifier | None = None  #: ``ISO 9001`` in ``TCVN ISO 9001:2015`` (no year)
    year: int | None = None
    consolidated: tuple[Supplement, ...] = ()  #: ``+A11:2021``
    supplements: tuple[Supplement, ...] = ()  #: ``/A1:2020``
    adoptions: tuple[Adoption, ...] = ()
    stage: str | None = None  #: ``pr``/``Fpr`` drafts of EN: ``DIS`` / ``FDIS``
    unparsed: tuple[str, ...] = ()  #: parts of the input that were not understood

    @property
    def is_international(self) -> bool:
        return False

    @property
    def prefix(self) -> str:
        return self.scheme.prefix

    @property
    def country(self) -> str | None:
        return self.scheme.country

    @cached_property
    def canonical(self) -> str:
        return render(self)

    def __str__(self) -> str:
        return self.canonical

    @property
    def urn(self) -> None:
        """National designations have no standard URN."""
        return None

    @property
    def base(self) -> NationalIdentifier:
        return NationalIdentifier(scheme=self.scheme, number=self.number, embedded=self.embedded)

    @property
    def dated_base(self) -> NationalIdentifier:
        return NationalIdentifier(
            scheme=self.scheme, number=self.number, embedded=self.embedded, year=self.year, stage=self.stage
        )

    @property
    def international(self) -> tuple[Identifier, ...]:
        """The international identifiers adopted (through any regional layer)."""
        out: list[Identifier] = []
        for adoption in self.adoptions:
            ident = adoption.identifier
            if isinstance(ident, Identifier):
                out.append(ident)
            else:
                out.extend(ident.international)
        return tuple(out)

    @cached_property
    def sort_key(self) -> str:
        body = self.embedded.base.canonical if self.embedded else self.number
        key = f"{self.scheme.prefix} {natural(body)} {self.year or 0:04d}"
        for sup in (*self.consolidated, *self.supplements):
            key += f" {sup.kind.upper()}{sup.number or 0:05d}:{sup.year or 0:04d}"
        return key

    def render(self, style: Style = "canonical") -> str:
        return render(self, style)


AnyIdentifier = Identifier | NationalIdentifier


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------

_CYR_PUB = {"ISO": "ИСО", "IEC": "МЭК"}
_CYR_TYPE = {"TR": "ТО", "TS": "ТС", "PAS": "ПАС"}


def _head(ident: Identifier, style: Literal["iso", "iec"], cyrillic: bool = False) -> str:
    """Publisher, stage and type: ``ISO/CD TR``, ``ISO/IEC DIS``, ``IEC TS``, ``IWA``."""
    pubs = ident.publishers
    if cyrillic:
        pubs = tuple(_CYR_PUB.get(p, p) for p in pubs)
    pub = "/".join(pubs)
    doctype = ident.doctype
    stage = ident.stage
    if doctype == "IWA" and not ident.copublishers:
        return ("ISO/" + stage + " IWA") if stage else "IWA"
    if cyrillic and doctype in _CYR_TYPE:
        doctype = _CYR_TYPE[doctype]
    if style == "iec":
        words = [w for w in (stage, doctype) if w]
        return pub + (" " + " ".join(words) if words else "")
    single = not ident.copublishers
    if stage == "DIS" and doctype in _D_FORMS:
        # ISO enquiry drafts of TS/TR/PAS/Guide are DTS/DTR/DPAS/DGuide
        word = "D" + doctype
        return pub + ("/" if single else " ") + word
    if single:
        if stage and doctype:
            return f"{pub}/{stage} {doctype}"
        if stage:
            return f"{pub}/{stage}"
        if doctype in _ISO_SLASH_TYPES or (cyrillic and doctype in _CYR_TYPE.values()):
            return f"{pub}/{doctype}"
        if doctype:
            return f"{pub} {doctype}"
        return pub
    words = [w for w in (stage, doctype) if w]
    return pub + (" " + " ".join(words) if words else "")


def _number(ident: Identifier) -> str:
    text = ident.number
    for part in ident.parts:
        text += "-" + part
    if ident.iteration is not None:
        text += f".{ident.iteration}"
    return text


def render_international(ident: Identifier, style: Style = "canonical", *, undated_core: bool = False) -> str:
    st: Literal["iso", "iec"] = (
        ("iec" if ident.publisher in _IEC_LED else "iso") if style == "canonical" else style
    )
    if ident.committee is not None:
        sep = " " if ident.copublishers else "/"
        out = "/".join(ident.publishers) + sep + ident.committee + " N " + ident.number
        return out if undated_core or ident.year is None else f"{out}:{ident.year}"
    if ident.doctype == "Directives":
        num = ident.number
        out = _head(ident, "iso") + (", Part " + num if num[:1].isdigit() else ", " + num)
    else:
        out = _head(ident, st) + " " + _number(ident)
    if undated_core:
        return out
    if ident.year is not None:
        out += f":{ident.year}"
    if ident.edition is not None:
        out += f" ED{ident.edition}"
    for sup in ident.consolidated:
        out += "+" + sup.render(st)
    if ident.form:
        out += " " + ident.form
    for sup in ident.supplements:
        out += "/" + sup.render(st)
    if ident.languages:
        out += "(" + ",".join(ident.languages) + ")"
    if ident.all_parts:
        out += " (all parts)"
    if ident.dual is not None:
        out += "|" + render_international(ident.dual, style)
    return out


def _national_year(scheme: Scheme, year: int) -> str:
    if scheme.short_years and year < 2000:
        return f"{year % 100:02d}"
    return str(year)


def render_national(ident: NationalIdentifier) -> str:
    scheme = ident.scheme
    prefix = scheme.prefix
    if ident.stage == "DIS":
        prefix = "pr" + prefix
    elif ident.stage == "FDIS":
        prefix = "Fpr" + prefix
    out = prefix + " "
    if ident.embedded is not None:
        emb = ident.embedded
        if scheme.cyrillic_embed:
            out += _head(emb, "iso", cyrillic=True) + " " + _number(emb)
        else:
            out += render_international(emb, "iso", undated_core=True)
    else:
        out += ident.number
    if ident.year is not None:
        out += scheme.year_sep + _national_year(scheme, ident.year)
    for sup in ident.consolidated:
        out += "+" + sup.render("iso")
    for sup in ident.supplements:
        out += "/" + sup.render("iso")
    paren: list[str] = []
    for adoption in ident.adoptions:
        if adoption.form == "embedded":
            continue
        text = render(adoption.identifier)
        if adoption.form == "slash":
            implied = scheme.slash_degree
            if adoption.degree is not None and adoption.degree != implied:
                paren.append(f"{text}, {adoption.degree.value}")
                continue
            out += "/" + text
            continue
        implied = scheme.embed_degree if ident.embedded is not None else scheme.paren_degree
        if adoption.degree is not None and (scheme.state_degree or adoption.degree != implied):
            text += ", " + adoption.degree.value
        paren.append(text)
    if paren:
        out += " (" + ", ".join(paren) + ")"
    if not scheme.known and len(ident.unparsed) > 1:
        out += " " + " ".join(ident.unparsed[1:])
    return out


def render(ident: AnyIdentifier, style: Style = "canonical") -> str:
    """Render an identifier.

    ``style="canonical"`` uses the lead publisher's own style (ISO style for ISO-led
    documents, IEC webstore style for IEC and CISPR); ``"iso"`` and ``"iec"`` force one.
    National designations are always rendered in their scheme's own convention.
    """
    if isinstance(ident, Identifier):
        return render_international(ident, style)
    return render_national(ident)


# --------------------------------------------------------------------------------------
# URNs
# --------------------------------------------------------------------------------------


_URN_UNSAFE = re.compile(r"[^a-z0-9.\-]+")


def _iso_urn(ident: Identifier) -> str:
    """RFC 5141: ``urn:iso:std:iso:9999:-1:stage-40.00:ed-1:en,fr:amd:1``.

    RFC 5141 identifies editions, not years, so the year is not part of the URN; the
    edition appears when it is known.
    """
    originator = "-".join(p.lower() for p in ident.publishers)
    if ident.committee is not None:
        return f"urn:iso:doc:{originator}:{_URN_UNSAFE.sub('-', ident.committee.lower())}:n:{ident.number}"
    segs = ["urn:iso:std:" + originator]
    if ident.doctype and ident.doctype != "IWA":
        segs.append(ident.doctype.lower().replace(" ", "-"))
    elif ident.doctype == "IWA" and not ident.copublishers:
        segs[0] = "urn:iso:std:iso"
        segs.append("iwa")
    segs.append(_URN_UNSAFE.sub("-", ident.number.lower()))
    if ident.parts:
        segs.append("-" + "-".join(p.lower() for p in ident.parts))
    if ident.stage:
        segs.append("stage-" + STAGE_CODES[ident.stage])
    if ident.edition is not None:
        segs.append(f"ed-{ident.edition}")
    if ident.languages:
        segs.append(",".join(ident.languages))
    for sup in (*ident.consolidated, *ident.supplements):
        segs.append(sup.kind.lower())
        segs.append(str(sup.number) if sup.number is not None else "")
        if sup.stage:
            segs.append("stage-" + STAGE_CODES[sup.stage])
    return ":".join(segs)


def _iec_urn(ident: Identifier) -> str:
    """IEC URN form: ``urn:iec:std:{publisher}:{number}:{date}:{type}:{deliverable}:{language}``
    with adjuncts appended as ``:{plus}:{kind}:{number}:{date}``."""
    publisher = "-".join(p.lower() for p in ident.publishers)
    number = _URN_UNSAFE.sub("-", "-".join((ident.number, *ident.parts)).lower())
    doctype = (ident.doctype or "").lower().replace(" ", "-")
    if ident.stage:
        doctype = (ident.stage.lower() + "-" + doctype).rstrip("-")
    form = (ident.form or "").lower()
    langs = "-".join(ident.languages)
    urn = f"urn:iec:std:{publisher}:{number}:{ident.year or ''}:{doctype}:{form}:{langs}"
    for sup in ident.consolidated:
        urn += f":plus:{sup.kind.lower()}:{sup.number or ''}:{sup.year or ''}"
    for sup in ident.supplements:
        kind = sup.kind.lower() if sup.stage is None else f"{sup.stage.lower()}-{sup.kind.lower()}"
        urn += f"::{kind}:{sup.number or ''}:{sup.year or ''}"
    return urn
