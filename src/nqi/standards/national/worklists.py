"""Outdated adoptions and adoption candidates: what a national standards body should work on next."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from nqi.organizations.models import Country, Organization
from nqi.standards.models import CommitteeMembership, InternationalDocument
from nqi.standards.national.analysis import CURRENT, current_editions, top_committee
from nqi.standards.national.models import Adoption, NationalStandard, NationalStatus
from nqi.standards.stages import StageGroup

REASONS = {
    "withdrawn": _("Source withdrawn (95.99)"),
    "new_edition": _("Replaced by a newer edition"),
    "supplement": _("A newer amendment or corrigendum is not adopted"),
    "revision": _("Source confirmed for revision (90.92)"),
    "stability": _("IEC stability date passed"),
}
_DOC_FIELDS = (
    "id",
    "canonical",
    "base",
    "edition_ref",
    "stage_group",
    "stage",
    "year",
    "source",
    "stable_until",
    "supplement_type",
    "publication_date",
)


@dataclass
class Outdated:
    adoption_id: int
    standard_id: int
    designation: str
    document_id: int
    document: str
    reason: str
    suggestion_id: int | None = None
    suggestion: str = ""

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason])

    def as_dict(self) -> dict:
        return {**self.__dict__, "reason_label": self.reason_label}


def _documents_of(bases: set[str]) -> list[tuple]:
    queryset = InternationalDocument.objects.exclude(stage_group=StageGroup.DEVELOPMENT)
    if len(bases) > 3000:
        return list(queryset.values_list(*_DOC_FIELDS))
    ordered = sorted(bases)
    rows: list[tuple] = []
    for start in range(0, len(ordered), 500):
        rows.extend(queryset.filter(base__in=ordered[start : start + 500]).values_list(*_DOC_FIELDS))
    return rows


def outdated_adoptions(country: Country, today: dt.date | None = None) -> list[Outdated]:
    """Adoptions by national standards in force whose source has moved on, each with its reason."""
    today = today or dt.date.today()
    adoptions = list(
        Adoption.objects.filter(standard__country=country, standard__status=NationalStatus.IN_FORCE)
        .values_list("id", "standard_id", "standard__designation", "document_id", "document__base")
        .order_by("standard__sort_key", "id")
    )
    docs = {row[0]: row for row in _documents_of({a[4] for a in adoptions})}
    latest: dict[str, tuple] = {}  # base → newest current edition
    supplements: dict[str, list[tuple]] = defaultdict(list)  # edition → current supplements
    for row in docs.values():
        canonical, base, edition_ref, group, year = row[1], row[2], row[3], row[4], row[6]
        if group not in CURRENT:
            continue
        if canonical == edition_ref:
            if base not in latest or (year or 0) > (latest[base][6] or 0):
                latest[base] = row
        elif row[9]:
            supplements[edition_ref].append(row)
    adopted_by_standard: dict[int, set[int]] = defaultdict(set)
    for _aid, std_id, _d, doc_id, _b in adoptions:
        adopted_by_standard[std_id].add(doc_id)
    out: list[Outdated] = []
    for adoption_id, std_id, designation, doc_id, base in adoptions:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        item = Outdated(adoption_id, std_id, designation, doc_id, doc[1], "")
        newest = latest.get(base)
        newer = newest if newest and newest[0] != doc_id and (newest[6] or 0) > (doc[6] or 0) else None
        if doc[4] == StageGroup.WITHDRAWN and newer is None:
            item.reason = "withdrawn"
        elif newer is not None and doc[3] != newer[3]:
            item.reason = "new_edition"
            item.suggestion_id, item.suggestion = newer[0], newer[1]
        elif doc[4] == StageGroup.WITHDRAWN:
            item.reason = "withdrawn"
        else:
            missing = [
                s
                for s in supplements.get(doc[3], [])
                if s[0] not in adopted_by_standard[std_id] and not doc[1].startswith(s[1])
            ]
            if missing and doc[1] == doc[3]:
                newest_supplement = max(missing, key=lambda s: (s[10] or dt.date.min, s[1]))
                item.reason = "supplement"
                item.suggestion_id, item.suggestion = newest_supplement[0], newest_supplement[1]
            elif doc[5] == 9092:
                item.reason = "revision"
            elif doc[7] == "iec" and doc[8] is not None and doc[8] < today:
                item.reason = "stability"
        if item.reason:
            out.append(item)
    return out


def outdated_counts(items: list[Outdated]) -> dict[str, int]:
    counts = Counter(item.reason for item in items)
    return {key: counts.get(key, 0) for key in REASONS}


@dataclass
class Candidate:
    document_id: int
    document: str
    title: str
    ics_field: str
    committee: str
    year: int | None
    score: float
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def member_committees(country: Country) -> dict[str, str]:
    """Top committee reference → "P" or "O" for the country's ISO/IEC member body."""
    member_ids = [
        m
        for m in Organization.objects.filter(country=country, iso_member_id__isnull=False).values_list(
            "iso_member_id", flat=True
        )
    ]
    status: dict[str, str] = {}
    for ref, st in CommitteeMembership.objects.filter(member_id__in=member_ids).values_list(
        "committee__reference", "status"
    ):
        key = top_committee(ref)
        if status.get(key) != "P":
            status[key] = st
    return status


def adoption_candidates(
    country: Country, limit: int | None = 200, today: dt.date | None = None
) -> list[Candidate]:
    """International documents in force, not adopted in any edition, most relevant first.

    Relevance: the weight of the document's ICS field in the national catalogue (2 points at most),
    the country's P- (1.5) or O-membership (0.5) of the committee, and recent publication (0.5 at most).
    """
    year_now = (today or dt.date.today()).year
    adopted_bases = set(
        Adoption.objects.filter(standard__country=country).values_list("document__base", flat=True)
    )
    fields = Counter(
        NationalStandard.objects.filter(country=country, status=NationalStatus.IN_FORCE)
        .exclude(ics_field="")
        .values_list("ics_field", flat=True)
    )
    heaviest = max(fields.values(), default=0)
    memberships = member_committees(country)
    texts = {
        "ics": str(_("ICS field %(field)s has %(n)d national standards")),
        "P": str(_("P-member of %(committee)s")),
        "O": str(_("O-member of %(committee)s")),
        "year": str(_("published in %(year)d")),
    }
    out: list[Candidate] = []
    for doc_id, canonical, base, title, ics_field, committee_ref, year in current_editions().values_list(
        "id", "canonical", "base", "title_en", "ics_field", "committee_ref", "year"
    ):
        if base in adopted_bases:
            continue
        reasons, score = [], 0.0
        weight = fields.get(ics_field)
        if weight:
            score += 2 * weight / heaviest
            reasons.append(texts["ics"] % {"field": ics_field, "n": weight})
        top = top_committee(committee_ref) if committee_ref else ""
        member = memberships.get(top)
        if member:
            score += 1.5 if member == "P" else 0.5
            reasons.append(texts[member] % {"committee": top})
        if year and year_now - year < 10:
            score += 0.5 * (10 - (year_now - year)) / 10
            reasons.append(texts["year"] % {"year": year})
        out.append(
            Candidate(doc_id, canonical, title, ics_field, committee_ref, year, round(score, 3), reasons)
        )
    out.sort(key=lambda c: (-c.score, -(c.year or 0), c.document))
    return out[:limit] if limit else out
