"""The mutual-recognition matrix: per service and laboratory, published CMCs and comparison evidence.

In the CIPM MRA a laboratory's CMCs are recognised when they are published and supported by
successful participation in comparisons (CIPM MRA-D-04, §6). A cell of the matrix says whether the
laboratory holds a published CMC of the service, whether it demonstrated equivalence in a published
comparison of that service (|En| ≤ 1, see :func:`nqi.metrology.services.comparisons.equivalence`),
and the combined state:

* ``recognised``: both;
* ``cmc_only``: a published CMC without comparison evidence;
* ``comparison_only``: equivalence demonstrated, no published CMC;
* no cell: neither.

The matrix takes a fixed number of queries whatever its size: the (service, laboratory) pairs of
published CMCs, the equivalent participations in published comparisons, then the services and the
laboratories that appear in either.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqi.metrology.models import Cmc, CmcStatus, ComparisonStatus, Participant, Service
from nqi.organizations.models import Organization

RECOGNISED = "recognised"
CMC_ONLY = "cmc_only"
COMPARISON_ONLY = "comparison_only"
STATE_LABELS = {
    RECOGNISED: gettext_lazy("Recognised"),
    CMC_ONLY: gettext_lazy("CMC without comparison evidence"),
    COMPARISON_ONLY: gettext_lazy("Comparison only"),
}


@dataclass
class Evidence:
    """The latest published comparison in which the laboratory was equivalent for the service."""

    comparison_id: int
    identifier: str
    degree_of_equivalence: float | None
    doe_uncertainty: float | None
    en: float | None


@dataclass
class Cell:
    cmc: bool = False
    evidence: Evidence | None = None

    @property
    def state(self) -> str:
        if self.cmc and self.evidence:
            return RECOGNISED
        return CMC_ONLY if self.cmc else COMPARISON_ONLY

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class Matrix:
    services: list[Service]
    laboratories: list[Organization]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def cell(self, service_id: int, laboratory_id: int) -> Cell | None:
        return self.cells.get((service_id, laboratory_id))

    def rows(self):
        """``(service, [cell or None per laboratory])`` in display order, for the template."""
        for service in self.services:
            yield service, [self.cells.get((service.pk, lab.pk)) for lab in self.laboratories]

    def areas(self):
        """``(area, [(service, cells)…])`` groups of :meth:`rows` for the page."""
        groups: list[tuple[Any, list]] = []
        for service, cells in self.rows():
            if not groups or groups[-1][0].pk != service.area_id:
                groups.append((service.area, []))
            groups[-1][1].append((service, cells))
        return groups

    def country_groups(self) -> list[tuple[Any, int]]:
        """``(country or None, number of laboratories)`` for the grouped column headers."""
        groups: list[tuple[Any, int]] = []
        for lab in self.laboratories:
            if groups and groups[-1][0] == lab.country:
                groups[-1] = (lab.country, groups[-1][1] + 1)
            else:
                groups.append((lab.country, 1))
        return groups

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        """Plain data for the API: services, laboratories and the non-empty cells."""
        cells = []
        for (service_id, laboratory_id), cell in sorted(self.cells.items()):
            evidence = cell.evidence
            cells.append(
                {
                    "service_id": service_id,
                    "laboratory_id": laboratory_id,
                    "state": cell.state,
                    "cmc": cell.cmc,
                    "comparison_id": evidence.comparison_id if evidence else None,
                    "comparison": evidence.identifier if evidence else None,
                    "degree_of_equivalence": evidence.degree_of_equivalence if evidence else None,
                    "doe_uncertainty": evidence.doe_uncertainty if evidence else None,
                    "en": evidence.en if evidence else None,
                }
            )
        services = [
            {"id": s.pk, "code": s.code, "name": s.display_name, "area": s.area.code} for s in self.services
        ]
        laboratories = [
            {
                "id": lab.pk,
                "acronym": lab.acronym,
                "name": lab.display_name,
                "country": lab.country.code if lab.country_id else None,
            }
            for lab in self.laboratories
        ]
        return {"services": services, "laboratories": laboratories, "cells": cells}

    def counts(self) -> dict[str, int]:
        totals = {RECOGNISED: 0, CMC_ONLY: 0, COMPARISON_ONLY: 0}
        for cell in self.cells.values():
            totals[cell.state] += 1
        return totals


def build(countries: list[str] | None = None, area: str | None = None) -> Matrix:
    """The matrix, optionally only for laboratories of ``countries`` (ISO codes) and one area code."""
    cmcs = Cmc.objects.filter(status=CmcStatus.PUBLISHED)
    evidence = Participant.objects.filter(
        comparison__status=ComparisonStatus.PUBLISHED, comparison__service__isnull=False, equivalent=True
    )
    if countries:
        codes = [code.upper() for code in countries]
        cmcs = cmcs.filter(laboratory__country__code__in=codes)
        evidence = evidence.filter(laboratory__country__code__in=codes)
    if area:
        cmcs = cmcs.filter(service__area__code=area)
        evidence = evidence.filter(comparison__service__area__code=area)
    cells: dict[tuple[int, int], Cell] = {}
    for service_id, laboratory_id in cmcs.values_list("service_id", "laboratory_id").distinct():
        cells[(service_id, laboratory_id)] = Cell(cmc=True)
    # Newest publication first, so the first row seen for a pair is the evidence shown.
    rows = evidence.order_by("-comparison__published_on", "-comparison_id").values_list(
        "comparison__service_id",
        "laboratory_id",
        "comparison_id",
        "comparison__identifier",
        "degree_of_equivalence",
        "doe_uncertainty",
        "score",
    )
    for service_id, laboratory_id, comparison_id, identifier, doe, doe_u, en in rows:
        cell = cells.setdefault((service_id, laboratory_id), Cell())
        if cell.evidence is None:
            cell.evidence = Evidence(comparison_id, identifier, doe, doe_u, en)
    service_ids = {s for s, _lab in cells}
    laboratory_ids = {lab for _s, lab in cells}
    services = list(
        Service.objects.filter(pk__in=service_ids).select_related("area").order_by("area__code", "code", "pk")
    )
    laboratories = list(
        Organization.objects.filter(pk__in=laboratory_ids)
        .select_related("country")
        .order_by("country__code", "acronym", "name", "pk")
    )
    return Matrix(services, laboratories, cells)


def to_csv(matrix: Matrix) -> str:
    """One line per non-empty cell (long format, easy to pivot in a spreadsheet)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Area"),
            _("Service code"),
            _("Service"),
            _("Laboratory"),
            _("Country"),
            _("State"),
            _("Published CMC"),
            _("Comparison"),
            _("Degree of equivalence"),
            _("U of the degree of equivalence"),
            _("|En|"),
        ]
    )
    for service, cells in matrix.rows():
        for laboratory, cell in zip(matrix.laboratories, cells, strict=True):
            if cell is None:
                continue
            evidence = cell.evidence
            writer.writerow(
                [
                    _safe(service.area.code),
                    _safe(service.code),
                    _safe(service.display_name),
                    _safe(laboratory.acronym or laboratory.display_name),
                    laboratory.country.code if laboratory.country_id else "",
                    cell.state,
                    _("yes") if cell.cmc else _("no"),
                    _safe(evidence.identifier) if evidence else "",
                    _number(evidence.degree_of_equivalence) if evidence else "",
                    _number(evidence.doe_uncertainty) if evidence else "",
                    _number(evidence.en) if evidence else "",
                ]
            )
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def _safe(text: str) -> str:
    """Neutralise spreadsheet formulas in user text (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
