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

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi import __version__
from nqi.metrology.models import Cmc, CmcStatus, Service, UncertaintyKind
from nqi.metrology.services.capabilities import (
    CMC_FIELDS,
    is_relative_unit,
    may,
    may_publish,
    validate_cmc,
)
from nqi.organizations.models import Country, Organization

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


class _Row:
    """Reads one record, collecting problems as (field, message) instead of raising."""

    def __init__(self, record: dict[str, Any]):
        self.record = dict(record)
        for alias, name in ALIASES.items():
            if alias in record and name not in record:
                self.record[name] = record[alias]
        self.problems: list[tuple[str, str]] = []

    def raw(self, name: str) -> Any:
        value: Any = self.record.get(name)
        if value is None and "." in name:
            outer, inner = name.split(".", 1)
            nested = self.record.get(outer)
            value = nested.get(inner) if isinstance(nested, dict) else None
        return value

    def text(self, name: str, max_length: int = 300) -> str:
        value = self.raw(name)
        if value is None:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = f"{value:g}"
        if not isinstance(value, str):
            self.problems.append((name, _("expected a text")))
            return ""
        if len(value) > max_length:
            self.problems.append((name, _("longer than %(count)s characters") % {"count": max_length}))
        return value.strip()[:max_length]

    def number(self, name: str, required: bool = False) -> float | None:
        value = self.raw(name)
        if value is None or value == "":
            if required:
                self.problems.append((name, _("required")))
            return None
        try:
            if isinstance(value, bool):
                raise TypeError
            return float(value)
        except (TypeError, ValueError, OverflowError):
            self.problems.append((name, _("expected a number")))
            return None

    def date(self, name: str) -> dt.date | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            self.problems.append((name, _("expected a date YYYY-MM-DD")))
            return None


@dataclass
class _Lookups:
    """What the records of one import share: services, and organizations already looked up."""

    services: dict[str, Service]
    organizations: dict[tuple[str, ...], list[Organization]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)

    def organizations_like(self, key: tuple[str, ...], query: Q) -> list[Organization]:
        if key not in self.organizations:
            self.organizations[key] = list(Organization.objects.filter(query).order_by("pk")[:2])
        return self.organizations[key]


def _country_code(code: str, name: str) -> str:
    """ISO alpha-2 from ``countryCode``, else from ``countryValue`` ("Viet Nam", "Vietnam", "VNM")."""
    if len(code) == 2:
        return code.upper()
    if not name:
        return ""
    found = Country.objects.filter(
        Q(name__iexact=name) | Q(code__iexact=name) | Q(alpha3__iexact=name)
    ).first()
    if found is not None:
        return found.code
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return ""


def _find_laboratory(row: _Row, lookups: _Lookups) -> Organization | None:
    acronym = row.text("nmiCode", 50)
    if not acronym:
        row.problems.append(("nmiCode", _("required")))
        return None
    code = _country_code(row.text("countryCode", 3), row.text("countryValue", 200))
    country_q = Q(country__code=code) if code else Q()
    key = ("lab", acronym.lower(), code)
    found = lookups.organizations_like(key, country_q & Q(acronym__iexact=acronym))
    if len(found) != 1:
        if found:
            problem = _("several laboratories match")
        elif code:
            problem = _("no laboratory %(acronym)s in %(country)s") % {"acronym": acronym, "country": code}
        else:
            problem = _("no laboratory %(acronym)s") % {"acronym": acronym}
        row.problems.append(("nmiCode", problem))
        return None
    return found[0]


def _find_service(row: _Row, lookups: _Lookups) -> Service | None:
    services = lookups.services
    code = row.text("nqiServiceCode", 40)
    if code:
        if code not in services:
            row.problems.append(("nqiServiceCode", _("unknown service %(code)s") % {"code": code}))
        return services.get(code)
    wanted = [
        row.text(name, 200).lower() for name in ("branchValue", "serviceValue", "individualServiceValue")
    ]
    area = row.text("metrologyAreaLabel", 10)
    sub = row.text("subServiceValue", 200).lower()
    for service in services.values():
        names = {n.lower() for n in service.all_names()}
        if (
            service.area.code == area
            and [service.branch.lower(), service.service.lower()] == wanted[:2]
            and wanted[2] in names
            and (not sub or sub == service.sub_service.lower())
        ):
            return service
    row.problems.append(("individualServiceValue", _("no service with this area, branch, service and name")))
    return None


def _uncertainty(row: _Row) -> dict[str, Any]:
    equation = row.raw("uncertaintyEquation")
    table = row.raw("uncertaintyTable")
    data: dict[str, Any] = {"uncertainty_equation": "", "uncertainty_table": []}
    mode = row.raw("uncertaintyMode") or "Absolute"
    if isinstance(mode, dict):  # {"name": "RELATIVE", "value": "Relative"} in some API versions
        mode = mode.get("value") or mode.get("name") or ""
    mode = str(mode).lower()
    if isinstance(equation, dict) and equation.get("equation"):
        data["uncertainty_kind"] = UncertaintyKind.EQUATION
        data["uncertainty_equation"] = row.text("uncertaintyEquation.equation")
    elif isinstance(table, dict) and table.get("tableContents"):
        data["uncertainty_kind"] = UncertaintyKind.TABLE
        data["uncertainty_table"] = _table_rows(row, table["tableContents"])
    elif mode.startswith("rel"):
        data["uncertainty_kind"] = UncertaintyKind.RELATIVE
    else:
        data["uncertainty_kind"] = UncertaintyKind.ABSOLUTE
    return data


def _table_rows(row: _Row, contents: Any) -> list[list[float]]:
    """``tableContents`` as the KCDB gives it (a JSON text of {row_n: {col_n: …}}) or as a list."""
    try:
        if isinstance(contents, str):
            contents = json.loads(contents)
        rows = list(contents.values()) if isinstance(contents, dict) else list(contents)
        pairs = []
        for item in rows:
            cells = list(item.values()) if isinstance(item, dict) else list(item)
            try:
                pairs.append([float(cells[0]), float(cells[1])])
            except (TypeError, ValueError):
                continue  # a heading row
        return pairs
    except (TypeError, ValueError, IndexError, AttributeError):
        row.problems.append(("uncertaintyTable.tableContents", _("expected rows of [x, U]")))
        return []


def _parameters(row: _Row) -> list[dict[str, str]]:
    items = row.raw("parameters") or []
    if not isinstance(items, list):
        row.problems.append(("parameters", _("expected a list")))
        return []
    parameters = []
    for item in items:
        if not isinstance(item, dict):
            row.problems.append(("parameters", _("expected {parameterName, parameterValue} objects")))
            return []
        name = item.get("parameterName", item.get("name"))
        value = item.get("parameterValue", item.get("value", ""))
        if isinstance(name, str) and name.strip():
            parameters.append({"name": name.strip()[:200], "value": str(value)[:300]})
    return parameters


def _default(value: float | None, default: float) -> float:
    return default if value is None else value


def _record_data(row: _Row, lookups: _Lookups) -> tuple[dict[str, Any], dict[str, Any]]:
    """The CMC fields of one record, and its workflow fields (status and dates)."""
    data: dict[str, Any] = {
        "laboratory": _find_laboratory(row, lookups),
        "service": _find_service(row, lookups),
        "kcdb_code": row.text("kcdbCode", 60),
        "rmo": row.text("rmo", 20),
        "quantity": row.text("quantityValue", 200),
        "instrument": row.text("instrument", 300),
        "instrument_type": row.text("instrumentType", 200),
        "method": row.text("instrumentMethod", 300),
        "range_low": row.number("cmc.lowerLimit", required=True),
        "range_high": row.number("cmc.upperLimit", required=True),
        "unit": row.text("cmc.unit", 40),
        "parameters": _parameters(row),
        "uncertainty_low": row.number("cmcUncertainty.lowerLimit"),
        "uncertainty_high": row.number("cmcUncertainty.upperLimit"),
        "uncertainty_unit": row.text("cmcUncertainty.unit", 40),
        "coverage_factor": _default(row.number("coverageFactor"), 2.0),
        "confidence_level": _default(row.number("confidenceLevel"), 95.0),
        "traceability": row.text("traceabilitySource", 300),
        **_uncertainty(row),
    }
    source = data["traceability"]
    matches = (
        lookups.organizations_like(("source", source.lower()), Q(acronym__iexact=source)) if source else []
    )
    data["traceability_source"] = matches[0] if len(matches) == 1 else None
    status_text = row.text("status", 40)
    status = _STATUS_BY_TEXT.get(status_text.lower() or "draft")
    if status is None:
        row.problems.append(("status", _("unknown status “%(status)s”") % {"status": status_text}))
    workflow = {
        "status": status or CmcStatus.DRAFT,
        "approved_on": row.date("approvalDate"),
        "published_on": row.date("publicationDate"),
    }
    return data, workflow


def _existing(code: str, seen: dict[str, int], index: int, row: _Row) -> Cmc | None:
    if not code:
        return None
    if code in seen:
        row.problems.append(("kcdbCode", _("the same code as record %(index)s") % {"index": seen[code]}))
        return None
    seen[code] = index
    found = list(Cmc.objects.filter(kcdb_code=code).select_related("laboratory", "service")[:2])
    if len(found) > 1:
        row.problems.append(("kcdbCode", _("several CMCs already have this code")))
    return found[0] if len(found) == 1 else None


def _check_permission(user, row: _Row, cmc: Cmc, existing: Cmc | None, workflow: dict[str, Any]) -> None:
    codename = "change_cmc" if existing else "add_cmc"
    labs = {cmc.laboratory_id, existing.laboratory_id if existing else None}
    if not all(may(user, codename, lab) for lab in labs if lab):
        row.problems.append(("nmiCode", _("you may not record CMCs for this laboratory")))
    touches_published = CmcStatus.PUBLISHED in (workflow["status"], existing.status if existing else None)
    if touches_published and not may_publish(user):
        row.problems.append(("status", _("only an administrator may import or change published CMCs")))


def _same(a: Cmc, b: Cmc) -> bool:
    names = [*CMC_FIELDS, "status", "approved_on", "published_on"]
    key = {"laboratory", "service", "traceability_source", "procedure"}
    return all(
        getattr(a, f"{n}_id" if n in key else n) == getattr(b, f"{n}_id" if n in key else n) for n in names
    )


def _prepare(user, index: int, record: Any, lookups: _Lookups) -> tuple[Cmc | None, str, list[RowError]]:
    """Validate one record; → (the CMC to save or None, "created"/"updated"/"unchanged", errors)."""
    if not isinstance(record, dict):
        return None, "", [RowError(index, "record", _("expected an object"))]
    row = _Row(record)
    data, workflow = _record_data(row, lookups)
    existing = _existing(data["kcdb_code"], lookups.seen, index, row)
    cmc = Cmc.objects.get(pk=existing.pk) if existing else Cmc()
    if workflow["status"] == CmcStatus.PUBLISHED:  # the KCDB may give only one of the two dates
        workflow["approved_on"] = workflow["approved_on"] or workflow["published_on"] or timezone.localdate()
        workflow["published_on"] = workflow["published_on"] or workflow["approved_on"]
    for name, value in {**data, **workflow}.items():
        setattr(cmc, name, value)
    if not cmc.quantity and data["service"] is not None:
        cmc.quantity = data["service"].quantity
    if data["laboratory"] is not None:
        _check_permission(user, row, cmc, existing, workflow)
    problems = list(row.problems)
    if not problems:
        try:
            validate_cmc(cmc)
        except ValidationError as exc:
            problems += [
                (FIELD_NAMES.get(name, "record" if name == "__all__" else name), message)
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
    if problems:
        return None, "", [RowError(index, name, str(message)) for name, message in problems]
    outcome = "created" if existing is None else ("unchanged" if _same(cmc, existing) else "updated")
    return cmc, outcome, []


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
