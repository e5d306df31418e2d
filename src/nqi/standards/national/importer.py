"""Import a national catalogue from CSV or XLSX.

Every row is checked first (designation, country, status, dates, ICS, references); bad rows are
reported with file, line and reason. The good rows are then applied in one transaction, or none of
them with ``all_or_nothing``. Adoptions are linked from the designation (``TCVN ISO 9001:2015``,
``СТ РК 1234-2010 (ISO 17025:2005)``) and from the ``adopts`` column; references that match several
documents, or none, go to the review queue.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nqi.core.search import index_objects
from nqi.organizations.models import Country
from nqi.pubid import NationalIdentifier, PubidError, parse
from nqi.standards.models import ImportRun
from nqi.standards.national.linking import DocumentIndex, Reference, drop_undated_duplicates, parse_references
from nqi.standards.national.models import (
    Adoption,
    AdoptionMethod,
    NationalStandard,
    NationalStatus,
    ReviewItem,
)

COLUMNS: list[tuple[str, Any]] = [
    ("designation", _("Required. The national designation, e.g. TCVN ISO 9001:2015 or СТ РК 1234-2010.")),
    ("title", _("Title in the national language.")),
    ("title_en", _("Title in English.")),
    ("status", _("draft, in_force, replaced or withdrawn (default in_force).")),
    ("approval_date", _("Date of approval, YYYY-MM-DD.")),
    ("effective_date", _("Date it came into force, YYYY-MM-DD.")),
    ("withdrawal_date", _("Date of withdrawal, YYYY-MM-DD.")),
    ("ics", _("ICS codes separated by ';', e.g. 03.120.10; 03.100.70.")),
    ("technical_committee", _("The national technical committee, e.g. TCVN/TC 176.")),
    ("replaces", _("Designation of the national standard this one replaces.")),
    ("adopts", _("Adopted documents separated by ';', each with its degree: ISO 18831:2016, IDT.")),
    ("method", _("endorsement, translation, reprint or redrafting.")),
]
COLUMN_NAMES = [name for name, _help in COLUMNS]
EXAMPLE = {
    "designation": "TCVN ISO 9001:2015",
    "title": "Hệ thống quản lý chất lượng — Các yêu cầu",
    "title_en": "Quality management systems — Requirements",
    "status": "in_force",
    "approval_date": "2015-12-31",
    "effective_date": "2016-01-01",
    "ics": "03.120.10",
    "technical_committee": "TCVN/TC 176",
    "adopts": "ISO 9001:2015, IDT",
    "method": "translation",
}
ICS_RE = re.compile(r"^\d{2}(\.\d{3}(\.\d{2})?)?$")


@dataclass
class Row:
    file: str
    line: int
    country: Country
    designation: str
    sort_key: str
    year: int | None
    values: dict[str, Any]
    references: list[Reference]
    replaces: str


@dataclass
class ImportResult:
    run: ImportRun
    linked: int = 0
    to_review: int = 0
    standards: list[int] = field(default_factory=list)


def read_table(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) for every data row of a CSV or XLSX file; header names are lower-cased."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        return [
            (number, dict(zip(header, values, strict=False)))
            for number, values in enumerate(rows, start=2)
            if any(v not in (None, "") for v in values)
        ]
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    out = []
    for row in reader:
        if any((v or "").strip() for v in row.values() if isinstance(v, str)):
            out.append((reader.line_num, row))
    return out


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text) if len(text) > 4 else dt.date(int(text), 1, 1)
    except ValueError as exc:
        raise ValueError(f"{name}: {text!r} is not a date (YYYY-MM-DD)") from exc


def check_row(file: str, line: int, raw: dict[str, Any], countries: dict[str, Country], default: str | None):
    """A valid :class:`Row`, or raise ``ValueError`` with the reason."""
    designation = _text(raw.get("designation"))
    if not designation:
        raise ValueError("designation is empty")
    try:
        ident = parse(designation)
    except PubidError as exc:
        raise ValueError(f"cannot read designation {designation!r}: {exc.message}") from exc
    if not isinstance(ident, NationalIdentifier):
        raise ValueError(f"{designation!r} is an international, not a national designation")
    code = (default or ident.scheme.country or "").upper()
    if not code:
        raise ValueError(f"no country for {designation!r}: give --country")
    if code not in countries:
        raise ValueError(f"unknown country {code!r}")
    if default and ident.scheme.country and ident.scheme.country != code:
        raise ValueError(f"{designation!r} is a {ident.scheme.country} designation, not {code}")
    status = _text(raw.get("status")).lower().replace(" ", "_") or NationalStatus.IN_FORCE
    if status not in NationalStatus.values:
        raise ValueError(f"unknown status {status!r}")
    method = _text(raw.get("method")).lower()
    if method and method not in AdoptionMethod.values:
        raise ValueError(f"unknown method {method!r}")
    ics = [c.strip() for c in re.split(r"[;,\s]+", _text(raw.get("ics"))) if c.strip()]
    bad_ics = [c for c in ics if not ICS_RE.match(c)]
    if bad_ics:
        raise ValueError(f"bad ICS code {bad_ics[0]!r}")
    references = [
        Reference(a.identifier, (a.degree.value if a.degree else "IDT"), str(a.identifier))
        for a in ident.adoptions
    ]
    references = drop_undated_duplicates(references + parse_references(_text(raw.get("adopts"))))
    values = {
        "title": _text(raw.get("title")),
        "title_en": _text(raw.get("title_en")),
        "status": status,
        "approval_date": _date(raw.get("approval_date"), "approval_date"),
        "effective_date": _date(raw.get("effective_date"), "effective_date"),
        "withdrawal_date": _date(raw.get("withdrawal_date"), "withdrawal_date"),
        "ics_codes": ics,
        "ics_field": ics[0][:2] if ics else "",
        "technical_committee": _text(raw.get("technical_committee"))[:120],
        "method": method,
    }
    replaces = _text(raw.get("replaces"))
    if replaces:
        try:
            replaces = parse(replaces).canonical
        except PubidError as exc:
            raise ValueError(f"cannot read replaces {replaces!r}: {exc.message}") from exc
    return Row(
        file, line, countries[code], ident.canonical, ident.sort_key, ident.year, values, references, replaces
    )


def import_catalogue(
    paths: list[Path], country: str | None = None, all_or_nothing: bool = False, is_demo: bool = False
) -> ImportResult:
    run = ImportRun(source="national", started_at=timezone.now(), files=[p.name for p in paths])
    countries = {c.code: c for c in Country.objects.all()}
    rows: list[Row] = []
    rejections: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        try:
            table = read_table(path)
        except Exception as exc:
            rejections.append({"file": path.name, "line": 0, "reason": f"cannot read the file: {exc}"})
            continue
        for line, raw in table:
            try:
                row = check_row(path.name, line, raw, countries, country)
                key = (row.country.code, row.designation)
                if key in seen:
                    raise ValueError(f"{row.designation} already given at {seen[key]}")
                seen[key] = f"{path.name}:{line}"
                rows.append(row)
            except ValueError as exc:
                rejections.append({"file": path.name, "line": line, "reason": str(exc)})
    run.rejected = len(rejections)
    run.rejections = rejections
    result = ImportResult(run)
    if rejections and all_or_nothing:
        run.finished_at = timezone.now()
        run.save()
        return result
    with transaction.atomic():
        _apply(rows, result, is_demo)
        run.applied = True
        run.finished_at = timezone.now()
        run.save()
    return result


def _apply(rows: list[Row], result: ImportResult, is_demo: bool) -> None:
    run = result.run
    existing = {
        (s.country_id, s.designation): s
        for s in NationalStandard.objects.filter(
            country__in={r.country for r in rows}, designation__in={r.designation for r in rows}
        )
    }
    fields = [k for k in rows[0].values if k != "method"] if rows else []
    new, changed = [], []
    for row in rows:
        std = existing.get((row.country.pk, row.designation))
        values = {k: v for k, v in row.values.items() if k != "method"}
        if std is None:
            new.append(
                NationalStandard(
                    country=row.country,
                    designation=row.designation,
                    sort_key=row.sort_key,
                    year=row.year,
                    is_demo=is_demo,
                    **values,
                )
            )
            continue
        if any(getattr(std, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(std, k, v)
            changed.append(std)
        else:
            run.unchanged += 1
    NationalStandard.objects.bulk_create(new, batch_size=1000)
    NationalStandard.objects.bulk_update(changed, fields, batch_size=1000) if changed else None
    run.added, run.changed = len(new), len(changed)
    by_key = {(s.country_id, s.designation): s for s in [*existing.values(), *new]}
    if not all(s.pk for s in new):  # back ends that do not return ids from bulk_create
        for s in NationalStandard.objects.filter(designation__in=[s.designation for s in new]):
            by_key[(s.country_id, s.designation)] = s
    index_objects(NationalStandard, by_key.values())
    # Replacements within the file or the catalogue already there.
    wanted = {(r.country.pk, r.replaces) for r in rows if r.replaces}
    if wanted:
        for s in NationalStandard.objects.filter(designation__in={d for _c, d in wanted}):
            by_key.setdefault((s.country_id, s.designation), s)
        replaced = []
        for row in rows:
            if row.replaces:
                std = by_key[(row.country.pk, row.designation)]
                std.replaces = by_key.get((row.country.pk, row.replaces))
                replaced.append(std)
        NationalStandard.objects.bulk_update(replaced, ["replaces"], batch_size=1000)
    link_rows(rows, by_key, result)


def link_rows(rows: list[Row], by_key: dict, result: ImportResult) -> None:
    standards = [by_key[(r.country.pk, r.designation)] for r in rows]
    ids = [s.pk for s in standards]
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        Adoption.objects.filter(standard_id__in=chunk).delete()
        ReviewItem.objects.filter(standard_id__in=chunk, state=ReviewItem.State.OPEN).delete()
    index = DocumentIndex(ref.identifier.base.canonical for r in rows for ref in r.references)
    adoptions, reviews = [], []
    for row, std in zip(rows, standards, strict=True):
        linked: set[int] = set()
        for ref in row.references:
            match = index.match(ref.identifier, row.year)
            if match.document_id is not None:
                if match.document_id not in linked:
                    linked.add(match.document_id)
                    adoptions.append(
                        Adoption(
                            standard=std,
                            document_id=match.document_id,
                            degree=ref.degree,
                            method=row.values["method"],
                            adopted_edition=ref.identifier.canonical,
                            reference=ref.text[:250],
                        )
                    )
            else:
                reviews.append(
                    (
                        ReviewItem(
                            standard=std,
                            reference=ref.text[:250],
                            degree=ref.degree,
                            method=row.values["method"],
                            reason=match.reason,
                        ),
                        match.candidates,
                    )
                )
    Adoption.objects.bulk_create(adoptions, batch_size=1000)
    created = ReviewItem.objects.bulk_create([item for item, _c in reviews], batch_size=1000)
    if created and all(item.pk for item in created):
        through = ReviewItem.candidates.through
        through.objects.bulk_create(
            [
                through(reviewitem_id=item.pk, internationaldocument_id=doc)
                for item, (_i, cands) in zip(created, reviews, strict=True)
                for doc in cands
            ],
            batch_size=1000,
        )
    result.linked, result.to_review = len(adoptions), len(reviews)
    result.standards = [s.pk for s in standards]


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES, lineterminator="\n")
    writer.writeheader()
    writer.writerow(EXAMPLE)
    return buffer.getvalue()


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "catalogue"
    sheet.append(COLUMN_NAMES)
    sheet.append([EXAMPLE.get(name, "") for name in COLUMN_NAMES])
    help_sheet = book.create_sheet("columns")
    help_sheet.append(["column", "meaning"])
    for name, text in COLUMNS:
        help_sheet.append([name, str(text)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
