"""Link adoption references to international documents.

A reference is matched by its canonical form (the exact edition, amendment included), else by its
dated base (the edition), else by its base (undated: the current edition). A reference that matches
several current editions, or nothing, is not linked: it goes to the review queue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from nqi.pubid import Identifier, PubidError, parse
from nqi.standards.models import InternationalDocument
from nqi.standards.stages import StageGroup

CURRENT = (StageGroup.PUBLISHED, StageGroup.REVIEW)


@dataclass(frozen=True)
class DocRow:
    id: int
    canonical: str
    base: str
    edition_ref: str
    stage_group: str
    year: int | None
    source: str = ""

    @property
    def is_edition(self) -> bool:
        return self.canonical == self.edition_ref

    @property
    def is_current(self) -> bool:
        return self.stage_group in CURRENT


@dataclass
class Match:
    document_id: int | None = None
    candidates: list[int] = field(default_factory=list)
    reason: str = ""  # "", "ambiguous" or "unknown"


class DocumentIndex:
    """The international documents of some bases, indexed for matching (one query)."""

    def __init__(self, bases: Iterable[str] | None = None) -> None:
        queryset = InternationalDocument.objects.exclude(stage_group=StageGroup.DEVELOPMENT)
        if bases is not None:
            bases = sorted(set(bases))
            rows: list[tuple] = []
            for start in range(0, len(bases), 500):
                rows.extend(queryset.filter(base__in=bases[start : start + 500]).values_list(*_FIELDS))
        else:
            rows = list(queryset.values_list(*_FIELDS))
        self.by_canonical: dict[str, DocRow] = {}
        self.by_edition: dict[str, list[DocRow]] = defaultdict(list)
        self.by_base: dict[str, list[DocRow]] = defaultdict(list)
        # ISO/IEC joint documents are in both catalogues: keep the lead publisher's record.
        rows.sort(key=lambda r: (r[1], not r[1].lower().startswith(r[6])))
        for row in rows:
            doc = DocRow(*row)
            if doc.canonical.casefold() in self.by_canonical:
                continue
            self.by_canonical[doc.canonical.casefold()] = doc
            if doc.is_edition:
                self.by_edition[doc.edition_ref.casefold()].append(doc)
                self.by_base[doc.base.casefold()].append(doc)

    def match(self, ident: Identifier, national_year: int | None = None) -> Match:
        exact = self.by_canonical.get(ident.canonical.casefold())
        if exact is not None:
            return Match(exact.id)
        if ident.year is not None:
            editions = self.by_edition.get(ident.dated_base.canonical.casefold(), [])
            if len(editions) == 1 and not ident.supplements:
                return Match(editions[0].id)
            if editions:
                return Match(None, [d.id for d in editions], "ambiguous")
            return Match(None, [], "unknown")
        editions = self.by_base.get(ident.base.canonical.casefold(), [])
        if not editions:
            return Match(None, [], "unknown")
        if national_year is not None:
            # The edition that was current when the national standard was approved.
            before = [d for d in editions if d.year is not None and d.year <= national_year]
            newest = max((d.year for d in before), default=None)
            chosen = [d for d in before if d.year == newest]
            if len(chosen) == 1:
                return Match(chosen[0].id)
        current = [d for d in editions if d.is_current]
        if len(current) == 1:
            return Match(current[0].id)
        return Match(None, [d.id for d in (current or editions)], "ambiguous")


_FIELDS = ("id", "canonical", "base", "edition_ref", "stage_group", "year", "source")


@dataclass
class Reference:
    identifier: Identifier
    degree: str
    text: str


def drop_undated_duplicates(refs: list[Reference]) -> list[Reference]:
    """``TCVN ISO 14001:2010`` with ``ISO 14001:2004`` in the adopts column: the dated reference wins."""
    dated = {r.identifier.base.canonical for r in refs if r.identifier.year is not None}
    return [r for r in refs if r.identifier.year is not None or r.identifier.base.canonical not in dated]


def parse_references(text: str) -> list[Reference]:
    """Read a reference column: ``ISO 18831:2016, IDT; IEC 60529:1989 MOD`` or ``(ISO 9001:2015, IDT)``.

    Raises ``ValueError`` with a readable message when a part cannot be read.
    """
    refs: list[Reference] = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip().strip("()").strip()
        if not part:
            continue
        degree = "IDT"
        head = part.rstrip()
        for candidate in ("IDT", "MOD", "NEQ"):
            if head.upper().endswith(candidate):
                degree = candidate
                head = head[: -len(candidate)].rstrip(" ,")
                break
        try:
            ident = parse(head)
        except PubidError as exc:
            raise ValueError(f"cannot read reference {part!r}: {exc.message}") from exc
        if not isinstance(ident, Identifier):
            raise ValueError(f"{part!r} is not an ISO or IEC reference")
        refs.append(Reference(ident, degree, part))
    return refs
