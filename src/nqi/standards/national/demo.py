"""Deterministic demo catalogues for Viet Nam, Uzbekistan and Kazakhstan, built from the ISO/IEC catalogue.

The rows follow each country's designation convention and the proportions the national bodies report
publicly (see ``data/demo_parameters.json``). Everything is seeded: the same international catalogue
gives the same demo catalogue. Demo rows are flagged ``is_demo`` and labelled in the UI.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from nqi.core.search import index_objects, kind_of
from nqi.organizations.models import Country
from nqi.standards.models import IcsCode, InternationalDocument
from nqi.standards.national.analysis import top_committee
from nqi.standards.national.models import (
    Adoption,
    AdoptionMethod,
    NationalStandard,
    NationalStatus,
    ReviewItem,
)
from nqi.standards.stages import StageGroup

DATA = Path(__file__).parent / "data"
PARAMETERS = json.loads((DATA / "demo_parameters.json").read_text(encoding="utf-8"))
LAST_YEAR = 2025


@dataclass
class DemoRow:
    designation: str
    sort_key: str
    year: int
    title: str
    title_en: str
    status: str
    approval: dt.date
    withdrawal: dt.date | None
    ics: list[str]
    tc: str
    document_id: int | None
    degree: str
    method: str
    adopts: str


def _designation(code: str, doc: tuple | None, number: int, year: int, degree: str, embedded: bool) -> str:
    sep = "-" if code == "KZ" else ":"
    prefix = {"VN": "TCVN", "UZ": "O‘z DSt", "KZ": "СТ РК"}[code]
    if doc is None:
        return f"{prefix} {number}{sep}{year}"
    canonical = doc[1]
    undated = canonical.rsplit(":", 1)[0] if ":" in canonical else canonical
    if embedded:
        if code == "KZ" and year != doc[5]:
            return f"{prefix} {undated}{sep}{year} ({canonical}, {degree})"
        return f"{prefix} {undated}{sep}{year}"
    return f"{prefix} {number}{sep}{year} ({canonical}, {degree})"


def _tc(code: str, doc: tuple | None, ics: str, rng: random.Random) -> str:
    if doc is not None and doc[4]:
        number = top_committee(doc[4]).split()[-1]
    else:
        number = str(int(ics or "0") + rng.randint(1, 20))
    return {"VN": f"TCVN/TC {number}", "UZ": f"TC {number}", "KZ": f"ТК {number}"}[code]


def generate(
    code: str, documents: list[tuple], ics_titles: dict[str, str], scale: float = 1.0
) -> list[DemoRow]:
    """The demo rows of one country. ``documents``: (id, canonical, title, ics_codes, committee, year, current)."""
    params = PARAMETERS[code]
    rng = random.Random(params["seed"])
    total = int(params["standards"] * scale)
    harmonized = int(total * params["harmonized_share"])
    sources = params.get("sources", ["iso", "iec"])
    pool = [d for d in documents if d[7] in sources and d[5] and d[5] >= params["first_year"] - 5]
    current = [d for d in pool if d[6]]
    old = [d for d in pool if not d[6]]
    chosen_current = rng.sample(current, min(len(current), int(harmonized * params["current_share"])))
    chosen_old = rng.sample(old, min(len(old), harmonized - len(chosen_current)))
    rows: list[DemoRow] = []
    used: set[str] = set()
    number = params["first_number"]
    for doc in chosen_current + chosen_old:
        year = min(LAST_YEAR, doc[5] + rng.choice((0, 0, 1, 1, 2, 3)))
        degree = rng.choices(("IDT", "MOD", "NEQ"), weights=params["degrees"])[0]
        embedded = degree == "IDT" and rng.random() < params["embedded_share"]
        if embedded and code != "KZ":
            year = doc[5]  # TCVN ISO 9001:2015, O‘z DSt ISO 9001:2015: the edition's year
        number += rng.randint(1, 3)
        designation = _designation(code, doc, number, year, degree, embedded)
        if designation in used:
            continue
        used.add(designation)
        row = _row(code, rng, designation, year, doc, doc[2], doc[3], degree)
        if row is not None:
            rows.append(row)
    # Purely national standards: half in the country's own fields, half spread like its adoptions.
    adopted_fields = [r.ics[0][:2] for r in rows if r.ics]
    while len(rows) < total:
        number += rng.randint(1, 3)
        year = rng.randint(params["first_year"], LAST_YEAR)
        field = (
            rng.choice(params["national_fields"])
            if rng.random() < 0.5 or not adopted_fields
            else rng.choice(adopted_fields)
        )
        designation = _designation(code, None, number, year, "", False)
        title = f"{ics_titles.get(field, field)} — {rng.choice(PARAMETERS['title_parts'])} ({number})"
        rows.append(_row(code, rng, designation, year, None, title, [field], ""))
    rows.sort(key=lambda r: (r.year, r.designation))
    return rows


def _row(code, rng, designation, year, doc, title_en, ics, degree) -> DemoRow | None:
    from nqi.pubid import PubidError, parse

    try:
        ident = parse(designation)
    except PubidError:
        return None

    approval = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    status, withdrawal = NationalStatus.IN_FORCE, None
    roll = rng.random()
    if roll < 0.06:
        status, withdrawal = (
            NationalStatus.WITHDRAWN,
            dt.date(min(LAST_YEAR, year + rng.randint(3, 12)), 6, 30),
        )
    elif roll < 0.12:
        status, withdrawal = (
            NationalStatus.REPLACED,
            dt.date(min(LAST_YEAR, year + rng.randint(3, 12)), 12, 31),
        )
    elif roll < 0.14 and year >= LAST_YEAR - 1:
        status = NationalStatus.DRAFT
    label = {"VN": "[demo] ", "UZ": "[demo] ", "KZ": "[демо] "}[code]
    return DemoRow(
        designation=ident.canonical,
        sort_key=ident.sort_key,
        year=year,
        title=label + title_en,
        title_en=title_en,
        status=status,
        approval=approval,
        withdrawal=withdrawal,
        ics=list(ics or [])[:4],
        tc=_tc(code, doc, (ics or [""])[0][:2], rng),
        document_id=doc[0] if doc else None,
        degree=degree or "IDT",
        method=rng.choice(list(AdoptionMethod.values)) if doc else "",
        adopts=f"{doc[1]}, {degree}" if doc else "",
    )


def international_documents() -> list[tuple]:
    rows = []
    for doc_id, canonical, edition_ref, title, ics, committee, year, group, source in (
        InternationalDocument.objects.exclude(stage_group=StageGroup.DEVELOPMENT)
        .filter(deliverable_type__in=("IS", "TS", "TR", "Guide"))
        .values_list(
            "id",
            "canonical",
            "edition_ref",
            "title_en",
            "ics_codes",
            "committee_ref",
            "year",
            "stage_group",
            "source",
        )
        .order_by("sort_key", "id")
    ):
        if canonical == edition_ref and title and not (source == "iec" and canonical.startswith("ISO")):
            rows.append(
                (doc_id, canonical, title, ics or [], committee, year, group != StageGroup.WITHDRAWN, source)
            )
    return rows


@transaction.atomic
def load_demo(
    countries: tuple[str, ...] = ("VN", "UZ", "KZ"),
    scale: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Replace the demo catalogues of ``countries``. Returns the number of standards of each."""
    from nqi.core.models import SearchEntry

    documents = international_documents()
    ics_titles = dict(IcsCode.objects.filter(level=1).values_list("code", "title_en"))
    counts = {}
    for code in countries:
        country = Country.objects.get(code=code)
        old = NationalStandard.objects.filter(country=country, is_demo=True)
        # Bulk deletes without per-row signals: demo rows leave no audit trail and no search entries.
        ids = list(old.values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for queryset in (
                SearchEntry.objects.filter(kind=kind_of(NationalStandard), object_id__in=chunk),
                ReviewItem.candidates.through.objects.filter(reviewitem__standard_id__in=chunk),
                ReviewItem.objects.filter(standard_id__in=chunk),
                Adoption.objects.filter(standard_id__in=chunk),
            ):
                queryset._raw_delete(queryset.db)
            NationalStandard.objects.filter(replaces_id__in=chunk).update(replaces=None)
        for start in range(0, len(ids), 5000):
            queryset = NationalStandard.objects.filter(pk__in=ids[start : start + 5000])
            queryset._raw_delete(queryset.db)
        rows = generate(code, documents, ics_titles, scale)
        standards = [
            NationalStandard(
                country=country,
                designation=r.designation,
                sort_key=r.sort_key,
                year=r.year,
                title=r.title,
                title_en=r.title_en,
                status=r.status,
                approval_date=r.approval,
                effective_date=r.approval + dt.timedelta(days=90),
                withdrawal_date=r.withdrawal,
                ics_codes=r.ics,
                ics_field=r.ics[0][:2] if r.ics else "",
                technical_committee=r.tc,
                is_demo=True,
            )
            for r in rows
        ]
        NationalStandard.objects.bulk_create(standards, batch_size=2000)
        if not all(s.pk for s in standards):
            ids = dict(NationalStandard.objects.filter(country=country).values_list("designation", "pk"))
            for s in standards:
                s.pk = ids[s.designation]
        Adoption.objects.bulk_create(
            [
                Adoption(
                    standard=s,
                    document_id=r.document_id,
                    degree=r.degree,
                    method=r.method,
                    adopted_edition=r.adopts.split(",")[0],
                    reference=r.adopts,
                )
                for s, r in zip(standards, rows, strict=True)
                if r.document_id
            ],
            batch_size=2000,
        )
        index_objects(NationalStandard, standards)
        counts[code] = len(standards)
        if progress:
            progress(f"{code}: {len(standards)} standards")
    return counts


def sample_rows(code: str, limit: int = 40) -> list[dict[str, str]]:
    """Rows for the bundled sample import files: a slice of the demo catalogue, as import columns."""
    documents = international_documents()
    rows = generate(code, documents, {}, scale=0.02)
    rng = random.Random(7)
    adopting = [r for r in rows if r.document_id]
    picked = rng.sample(adopting, min(limit - 5, len(adopting)))
    picked += [r for r in rows if not r.document_id][:5]
    return [
        {
            "designation": r.designation,
            "title": r.title.replace("[demo] ", "").replace("[демо] ", ""),
            "title_en": r.title_en,
            "status": r.status,
            "approval_date": r.approval.isoformat(),
            "effective_date": (r.approval + dt.timedelta(days=90)).isoformat(),
            "withdrawal_date": r.withdrawal.isoformat() if r.withdrawal else "",
            "ics": "; ".join(r.ics),
            "technical_committee": r.tc,
            "replaces": "",
            "adopts": r.adopts if "(" not in r.designation else "",
            "method": r.method,
        }
        for r in sorted(picked, key=lambda r: r.sort_key)
    ]
