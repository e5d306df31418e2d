"""Reading KCDB records for import, one at a time, collecting every problem (see :mod:`nqi.metrology.kcdb`)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi.metrology.kcdb import _STATUS_BY_TEXT, ALIASES, FIELD_NAMES, RowError
from nqi.metrology.models import Cmc, CmcStatus, Service, UncertaintyKind
from nqi.metrology.services.capabilities import (
    CMC_FIELDS,
    may,
    may_publish,
    validate_cmc,
)
from nqi.organizations.models import Country, Organization


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
