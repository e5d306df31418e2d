"""CMCs as JSON in the shape of the BIPM KCDB API, both ways.

Export writes one record per CMC with the field names of the KCDB API's CMC search results
(``kcdbCode``, ``metrologyAreaLabel``, ``branchValue`` … ``individualServiceValue``,
``quantityValue``, ``cmc`` {lowerLimit, upperLimit, unit}, ``cmcUncertainty``, ``uncertaintyMode``,
``uncertaintyEquation``, ``uncertaintyTable``, ``coverageFactor``, ``confidenceLevel``,
``traceabilitySource``, ``nmiCode``, ``countryValue``, ``rmo``, ``approvalDate``,
``publicationDate``, ``status``) plus a few NQI fields (``nqiServiceCode``, ``countryCode``,
``instrumentType``) that make a round trip exact. Import reads the same shape (and the aliases in
:data:`ALIASES`), all or nothing: every rejected record is reported with its index, field and
message, and nothing is written unless every record is good. Records are matched to existing CMCs
by ``kcdbCode`` (update) or created.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi import __version__
from nqi.metrology.models import Cmc, CmcStatus, Service, UncertaintyKind
from nqi.metrology.services.capabilities import (
    is_relative_unit,
)

STATUS_LABELS = {
    CmcStatus.DRAFT: "Draft",
    CmcStatus.INTERNAL_REVIEW: "Internally reviewed",
    CmcStatus.REGIONAL_REVIEW: "Regional review",
    CmcStatus.PUBLISHED: "Published",
    CmcStatus.WITHDRAWN: "Withdrawn",
}
_STATUS_BY_TEXT = {text.lower(): code for code, text in STATUS_LABELS.items()} | {
    code: code for code in CmcStatus.values
}
DOMAINS = {"IR": "RADIATION", "QM": "CHEM-BIO"}  # every other area is general physics
# Other names for the same fields, accepted on import (older exports, hand-made files).
ALIASES = {
    "branchLabel": "branchValue",
    "serviceLabel": "serviceValue",
    "subServiceLabel": "subServiceValue",
    "individualServiceLabel": "individualServiceValue",
    "serviceCode": "nqiServiceCode",
    "measurandMin": "cmc.lowerLimit",
    "measurandMax": "cmc.upperLimit",
    "measurandUnit": "cmc.unit",
    "uncertaintyMin": "cmcUncertainty.lowerLimit",
    "uncertaintyMax": "cmcUncertainty.upperLimit",
    "uncertaintyUnit": "cmcUncertainty.unit",
}
# Where a model field's error is reported in a record.
FIELD_NAMES = {
    "laboratory": "nmiCode",
    "service": "nqiServiceCode",
    "kcdb_code": "kcdbCode",
    "quantity": "quantityValue",
    "method": "instrumentMethod",
    "instrument_type": "instrumentType",
    "range_low": "cmc.lowerLimit",
    "range_high": "cmc.upperLimit",
    "unit": "cmc.unit",
    "uncertainty_low": "cmcUncertainty.lowerLimit",
    "uncertainty_high": "cmcUncertainty.upperLimit",
    "uncertainty_unit": "cmcUncertainty.unit",
    "uncertainty_kind": "uncertaintyMode",
    "uncertainty_equation": "uncertaintyEquation.equation",
    "uncertainty_table": "uncertaintyTable.tableContents",
    "coverage_factor": "coverageFactor",
    "confidence_level": "confidenceLevel",
    "traceability": "traceabilitySource",
    "approved_on": "approvalDate",
    "published_on": "publicationDate",
}
MAX_RECORDS = 20_000


class KcdbFormatError(ValueError):
    """The file as a whole is not a KCDB-shaped document."""


@dataclass(frozen=True)
class RowError:
    index: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"record {self.index}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    def as_validation_error(self, prefix: str = "data") -> ValidationError:
        messages: dict[str, list[str]] = {}
        for error in self.errors:
            messages.setdefault(f"{prefix}[{error.index}].{error.field}", []).append(error.message)
        return ValidationError(messages)


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def cmc_record(cmc: Cmc) -> dict[str, Any]:
    """One CMC as a KCDB-shaped record."""
    service, lab = cmc.service, cmc.laboratory
    country = lab.country
    uncertainty_unit = cmc.uncertainty_unit or cmc.unit
    relative = cmc.uncertainty_kind == UncertaintyKind.RELATIVE or is_relative_unit(
        uncertainty_unit, cmc.unit
    )
    record: dict[str, Any] = {
        "kcdbCode": cmc.kcdb_code,
        "domainCode": DOMAINS.get(service.area.code, "PHYSICS"),
        "metrologyAreaLabel": service.area.code,
        "rmo": cmc.rmo,
        "countryValue": country.name if country else "",
        "countryCode": country.code if country else "",
        "nmiCode": lab.acronym,
        "nmiName": lab.name,
        "nqiServiceCode": service.code,
        "branchValue": service.branch,
        "serviceValue": service.service,
        "subServiceValue": service.sub_service,
        "individualServiceValue": service.name,
        "quantityValue": cmc.quantity,
        "instrument": cmc.instrument,
        "instrumentType": cmc.instrument_type,
        "instrumentMethod": cmc.method,
        "parameters": [
            {"parameterName": p.get("name", ""), "parameterValue": p.get("value", "")}
            for p in cmc.parameters or []
            if isinstance(p, dict)
        ],
        "cmc": {"lowerLimit": cmc.range_low, "upperLimit": cmc.range_high, "unit": cmc.unit},
        "cmcUncertainty": {
            "lowerLimit": cmc.uncertainty_low,
            "upperLimit": cmc.uncertainty_high,
            "unit": cmc.uncertainty_unit,
        },
        "uncertaintyMode": "Relative" if relative else "Absolute",
        "uncertaintyEquation": None,
        "uncertaintyTable": None,
        "coverageFactor": cmc.coverage_factor,
        "confidenceLevel": cmc.confidence_level,
        "traceabilitySource": cmc.traceability
        or (cmc.traceability_source.acronym if cmc.traceability_source_id else ""),
        "approvalDate": _date(cmc.approved_on),
        "publicationDate": _date(cmc.published_on),
        "status": STATUS_LABELS.get(cmc.status, cmc.status),
    }
    if cmc.uncertainty_kind == UncertaintyKind.EQUATION:
        record["uncertaintyEquation"] = {"equation": cmc.uncertainty_equation, "equationComment": ""}
    if cmc.uncertainty_kind == UncertaintyKind.TABLE:
        rows = cmc.uncertainty_table or []
        contents = {f"row_{i + 1}": {"col_1": row[0], "col_2": row[1]} for i, row in enumerate(rows)}
        record["uncertaintyTable"] = {
            "tableName": "U(x)",
            "tableRows": len(rows),
            "tableCols": 2,
            "tableComment": f"col_1: x in {cmc.unit}; col_2: U in {uncertainty_unit}",
            "tableContents": json.dumps(contents),
        }
    return record


def export_queryset(
    laboratory: str | None = None,
    country: str | None = None,
    service: str | None = None,
    statuses: Iterable[str] | None = None,
) -> QuerySet[Cmc]:
    """CMCs to export: by laboratory acronym, country code, service code and statuses."""
    queryset = Cmc.objects.select_related(
        "service__area", "laboratory__country", "traceability_source"
    ).order_by("service__code", "laboratory__acronym", "range_low", "pk")
    if laboratory:
        queryset = queryset.filter(laboratory__acronym__iexact=laboratory)
    if country:
        queryset = queryset.filter(laboratory__country__code=country.upper())
    if service:
        queryset = queryset.filter(service__code=service)
    statuses = [s for s in statuses or [] if s]
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    return queryset


def export_document(queryset: QuerySet[Cmc]) -> dict[str, Any]:
    """The export file: a KCDB search-result-like object whose ``data`` holds the records."""
    records = [cmc_record(cmc) for cmc in queryset.iterator(chunk_size=1000)]
    return {
        "source": f"NQI {__version__}: CMCs in the shape of BIPM KCDB API records (https://www.bipm.org/kcdb)",
        "generated": timezone.now().isoformat(timespec="seconds"),
        "totalElements": len(records),
        "data": records,
    }


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------


def parse_document(text: str | bytes) -> list[Any]:
    """The records of a file: a JSON list, or an object with a ``data`` list (as the KCDB API)."""
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise KcdbFormatError(_("not valid JSON: %(problem)s") % {"problem": exc}) from None
    return records_of(document)


def records_of(document: Any) -> list[Any]:
    records = document.get("data") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise KcdbFormatError(_("expected a list of CMC records or an object with a “data” list"))
    if len(records) > MAX_RECORDS:
        raise KcdbFormatError(_("at most %(count)s records per file") % {"count": MAX_RECORDS})
    return records


def import_records(
    records: list[Any],
    user=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate every record, then (unless ``dry_run`` or any record is bad) write them all.

    ``user=None`` is the trusted CLI. The report lists every problem; when there is one, nothing
    has been written.
    """
    from nqi.metrology.kcdb_rows import _Lookups, _prepare  # imports this module

    report = ImportReport(total=len(records), dry_run=dry_run)
    lookups = _Lookups({s.code: s for s in Service.objects.select_related("area")})
    ready: list[Cmc] = []
    for index, record in enumerate(records):
        cmc, outcome, errors = _prepare(user, index, record, lookups)
        report.errors += errors
        if cmc is not None:
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome != "unchanged":
                ready.append(cmc)
        if progress:
            progress(index + 1, len(records))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for cmc in ready:
            cmc.save()
    return report
