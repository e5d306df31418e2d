"""Harmonization analysis: rate, coverage and trend of a national catalogue against ISO and IEC.

- harmonization rate: the share of national standards in force that adopt an international one;
- coverage: the share of international documents in force (current editions) the country has adopted;
- trend: the rate at the end of each year, from the catalogue's approval and withdrawal dates.

Each function reads a few flat value lists and counts in Python, so a 30,000-standard catalogue
against the whole ISO + IEC catalogue takes a second or two on SQLite.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import F

from nqi.organizations.models import Country
from nqi.standards.models import InternationalDocument
from nqi.standards.national.models import Adoption, NationalStandard, NationalStatus
from nqi.standards.stages import StageGroup

CURRENT = (StageGroup.PUBLISHED, StageGroup.REVIEW)
DEGREE_ORDER = {"IDT": 0, "MOD": 1, "NEQ": 2}
_TC_RE = re.compile(r"^((?:ISO/IEC|ISO|IEC)/?\s?(?:JTC|TC|PC|SyC|CIS|CISPR)?\s?[\w.]+)")


@dataclass
class Share:
    key: str
    total: int
    part: int

    @property
    def rate(self) -> float:
        return self.part / self.total if self.total else 0.0

    @property
    def percent(self) -> float:
        return round(100 * self.rate, 1)

    def as_dict(self) -> dict:
        return {"key": self.key, "total": self.total, "part": self.part, "rate": round(self.rate, 4)}


@lru_cache(maxsize=8192)
def top_committee(ref: str) -> str:
    """``ISO/TC 176/SC 2`` → ``ISO/TC 176``; ``ISO/IEC JTC 1/SC 27`` → ``ISO/IEC JTC 1``."""
    parts = ref.split("/")
    if len(parts) >= 3 and parts[0] == "ISO" and parts[1] == "IEC":
        return "/".join(parts[:3])
    if ref.startswith("IEC") or ref.startswith("CISPR"):
        return ref.split("/SC")[0].split("/")[0] if "/SC" in ref else ref
    return "/".join(parts[:2]) if len(parts) >= 2 else ref


def _shares(totals: Counter, parts: Counter) -> list[Share]:
    return sorted((Share(k, n, parts.get(k, 0)) for k, n in totals.items()), key=lambda s: (-s.total, s.key))


def best_degrees(country: Country, in_force_only: bool = True) -> dict[int, str]:
    """standard id → its closest degree of correspondence (IDT before MOD before NEQ)."""
    queryset = Adoption.objects.filter(standard__country=country)
    if in_force_only:
        queryset = queryset.filter(standard__status=NationalStatus.IN_FORCE)
    best: dict[int, str] = {}
    for std_id, degree in queryset.values_list("standard_id", "degree"):
        if std_id not in best or DEGREE_ORDER[degree] < DEGREE_ORDER[best[std_id]]:
            best[std_id] = degree
    return best


def harmonization_rate(country: Country) -> dict:
    rows = list(
        NationalStandard.objects.filter(country=country, status=NationalStatus.IN_FORCE).values_list(
            "id", "ics_field", "technical_committee", "year", "approval_date"
        )
    )
    best = best_degrees(country)
    totals: dict[str, Counter] = defaultdict(Counter)
    parts: dict[str, Counter] = defaultdict(Counter)
    degrees: Counter = Counter()
    for std_id, ics_field, tc, year, approved in rows:
        harmonized = std_id in best
        degrees[best.get(std_id, "none")] += 1
        when = approved.year if approved else year
        for facet, key in (("ics", ics_field or "—"), ("tc", tc or "—"), ("year", str(when or "—"))):
            totals[facet][key] += 1
            if harmonized:
                parts[facet][key] += 1
    overall = Share("all", len(rows), len(best))
    return {
        "overall": overall,
        "by_ics": _shares(totals["ics"], parts["ics"]),
        "by_tc": _shares(totals["tc"], parts["tc"]),
        "by_year": sorted(_shares(totals["year"], parts["year"]), key=lambda s: s.key),
        "by_degree": {key: degrees.get(key, 0) for key in ("IDT", "MOD", "NEQ", "none")},
    }


def current_editions():
    """International documents in force: current editions (no drafts, supplements or consolidations)."""
    return InternationalDocument.objects.filter(stage_group__in=CURRENT, canonical=F("edition_ref")).exclude(
        source="iec",
        canonical__startswith="ISO",  # joint ISO/IEC documents: counted once, as ISO's
    )


def coverage(country: Country) -> dict:
    adopted_ids = set(
        Adoption.objects.filter(standard__country=country).values_list("document_id", flat=True)
    )
    adopted_bases = set(
        Adoption.objects.filter(standard__country=country).values_list("document__base", flat=True)
    )
    totals: dict[str, Counter] = defaultdict(Counter)
    parts: dict[str, Counter] = defaultdict(Counter)
    any_edition = covered = total = 0
    for doc_id, base, ics_field, committee_ref, source in current_editions().values_list(
        "id", "base", "ics_field", "committee_ref", "source"
    ):
        total += 1
        hit = doc_id in adopted_ids
        covered += hit
        any_edition += base in adopted_bases
        for facet, key in (
            ("ics", ics_field or "—"),
            ("committee", top_committee(committee_ref) if committee_ref else "—"),
            ("source", source),
        ):
            totals[facet][key] += 1
            parts[facet][key] += hit
    return {
        "overall": Share("all", total, covered),
        "any_edition": Share("any", total, any_edition),
        "by_ics": _shares(totals["ics"], parts["ics"]),
        "by_committee": _shares(totals["committee"], parts["committee"]),
        "by_source": _shares(totals["source"], parts["source"]),
    }


def trend(country: Country, first_year: int | None = None, last_year: int | None = None) -> list[Share]:
    """The harmonization rate at the end of each year (standards in force then, and adopting)."""
    harmonized = set(Adoption.objects.filter(standard__country=country).values_list("standard_id", flat=True))
    spans = []
    for std_id, status, year, approved, withdrawn in (
        NationalStandard.objects.filter(country=country)
        .exclude(status=NationalStatus.DRAFT)
        .values_list("id", "status", "year", "approval_date", "withdrawal_date")
    ):
        start = approved.year if approved else year
        if start is None:
            continue
        if withdrawn is not None:
            end = withdrawn.year
        elif status == NationalStatus.IN_FORCE:
            end = None
        else:
            continue  # no longer in force, but we do not know since when
        spans.append((start, end, std_id in harmonized))
    if not spans:
        return []
    last_year = last_year or dt.date.today().year
    first_year = first_year or max(min(s for s, _e, _h in spans), last_year - 40)
    births: Counter = Counter()
    deaths: Counter = Counter()
    for start, end, hit in spans:
        births[(max(start, first_year), hit)] += 1
        if end is not None and end <= last_year:
            deaths[(max(end, first_year), hit)] += 1
    out, alive, alive_h = [], 0, 0
    for year in range(first_year, last_year + 1):
        for hit in (False, True):
            delta = births[(year, hit)] - deaths[(year, hit)]
            alive += delta
            alive_h += delta if hit else 0
        out.append(Share(str(year), alive, alive_h))
    return out
