"""Reading a DCC for import: check it, parse it and map it to NQI fields, without writing anything.

:func:`read_dcc` checks the XML (:func:`~nqi.metrology.certificates.dcc.check_dcc`, with the
official XSD when configured), parses it with :func:`nqi.dcc.parse` (no DTD, no network) and maps
it to a :class:`DccImport`. Every problem is collected and raised as one ``ValidationError`` on
the field ``file``.

Points: NQI's own DCCs carry ``refType`` markers (``nqi_nominalValue`` …) and labels ``P1 … Pn``,
so a round trip gives the same points. In a foreign DCC every quantity with an expanded
uncertainty becomes one point per value (the value as the indication found), with the nominal
value from a quantity whose ``refType`` says "nominal" (or whose name starts with it), when it has
the same unit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nqi.dcc import Certificate, DccError, Quantity, Real, parse
from nqi.metrology.certificates.dcc import check_dcc
from nqi.metrology.certificates.dcc_vocabulary import CONDITION_REF_TYPES, POINT_REF_TYPES, RESULT_REF_TYPE
from nqi.metrology.certificates.dsi_units import UnitConversionError, from_dsi

__all__ = ["MAX_BYTES", "DccImport", "fail", "read_dcc"]

MAX_BYTES = 5 * 1024 * 1024
_FIELD_OF_REF = {ref: name for name, ref in POINT_REF_TYPES.items() if not name.startswith("error")}
_CONDITION_OF_REF = {ref: name for name, ref in CONDITION_REF_TYPES.items()}
_PRESSURE_TO_HPA = {r"\hecto\pascal": Decimal(1), r"\pascal": Decimal("0.01"), r"\kilo\pascal": Decimal(10)}


@dataclass
class DccImport:
    """What a DCC says, mapped to NQI fields (nothing written yet)."""

    certificate: Certificate
    xml: bytes
    number: str
    serial: str
    asset: str
    points: list[dict] = field(default_factory=list)
    conditions: dict[str, float] = field(default_factory=dict)
    standard_numbers: list[str] = field(default_factory=list)
    method: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.xml).hexdigest()


def fail(problems: list[str]) -> ValidationError:
    return ValidationError({"file": problems})


def _expand(quantity: Quantity) -> list[tuple[str, Decimal, str, Decimal | None, Decimal | None]]:
    """``(label, value, D-SI unit, U, k)`` per value; labels default to the position ``#1 …``."""
    value = quantity.value
    if isinstance(value, Real):
        unc = value.uncertainty
        return [
            (
                value.label or "#1",
                value.value,
                value.unit,
                unc.uncertainty if unc else None,
                unc.coverage_factor if unc else None,
            )
        ]
    count = len(value.values)

    def pick(items: tuple, index: int):
        return items[0] if len(items) == 1 else (items[index] if index < len(items) else None)

    labels = value.labels if len(value.labels) == count else tuple(f"#{i + 1}" for i in range(count))
    rows = []
    for index in range(count):
        unc = value.uncertainty
        rows.append(
            (
                labels[index],
                value.values[index],
                pick(value.units, index),
                pick(unc.uncertainties, index) if unc else None,
                pick(unc.coverage_factors, index) if unc else None,
            )
        )
    return rows


def _unit(dsi: str, where: str, problems: list[str]) -> str:
    try:
        return from_dsi(dsi)
    except UnitConversionError as exc:
        problems.append(
            _("%(where)s: unknown unit %(unit)s (%(reason)s).") % {"where": where, "unit": dsi, "reason": exc}
        )
        return ""


def _nqi_points(result, problems: list[str], points: dict[str, dict]) -> None:
    """Points of a result NQI wrote: one list per field, aligned by the labels ``P1 … Pn``."""
    name = result.name.get("en")
    for quantity in result.quantities:
        field_name = _FIELD_OF_REF.get(quantity.ref_type or "")
        if field_name is None:
            continue  # errors are recomputed from the indications
        for label, value, dsi, uncertainty, k in _expand(quantity):
            point = points.setdefault(label, {"quantity": name[:200]})
            point[field_name] = float(value)
            if "unit" not in point:
                point["unit"] = _unit(dsi, f"{name} / {label}", problems)
            if uncertainty is not None and "uncertainty" not in point:
                point["uncertainty"] = float(uncertainty)
                point["coverage_factor"] = float(k) if k is not None else 2.0


def _foreign_points(result, problems: list[str]) -> list[dict]:
    """Points of another producer's result: each value with an uncertainty is an indication found."""
    name = result.name.get("en")
    nominal: dict[str, tuple[Decimal, str]] = {}
    measured = []
    for quantity in result.quantities:
        title = (quantity.name.get("en") if quantity.name else "").strip().lower()
        rows = _expand(quantity)
        if "nominal" in (quantity.ref_type or "").lower() or title.startswith("nominal"):
            nominal.update({label: (value, dsi) for label, value, dsi, _u, _k in rows})
        elif any(row[3] is not None for row in rows):
            measured.append((quantity.name.get("en") if quantity.name else name, rows))
    points = []
    for quantity_name, rows in measured:
        for label, value, dsi, uncertainty, k in rows:
            if uncertainty is None:
                continue
            nominal_value, nominal_unit = nominal.get(label, (value, dsi))
            points.append(
                {
                    "quantity": quantity_name[:200],
                    "unit": _unit(dsi, f"{name} / {quantity_name}", problems),
                    "nominal": float(nominal_value if nominal_unit == dsi else value),
                    "as_found": float(value),
                    "uncertainty": float(uncertainty),
                    "coverage_factor": float(k) if k is not None else 2.0,
                }
            )
    return points


def _points(certificate: Certificate, problems: list[str]) -> list[dict]:
    labelled: dict[str, dict] = {}
    foreign: list[dict] = []
    for measurement in certificate.measurement_results:
        for result in measurement.results:
            if result.ref_type == RESULT_REF_TYPE:
                _nqi_points(result, problems, labelled)
            else:
                foreign.extend(_foreign_points(result, problems))
    ordered = sorted(labelled.items(), key=lambda pair: (len(pair[0]), pair[0]))
    for label, point in ordered:
        if "nominal" not in point or "uncertainty" not in point:
            problems.append(
                _("Point %(point)s has no nominal value or no expanded uncertainty.") % {"point": label}
            )
    rows = [point for _label, point in ordered] + foreign
    if not rows and not problems:
        problems.append(_("The DCC has no measurement results with an expanded uncertainty."))
    return rows


def _conditions(certificate: Certificate) -> dict[str, float]:
    found: dict[str, float] = {}
    for measurement in certificate.measurement_results:
        for condition in measurement.influence_conditions:
            for quantity in condition.quantities:
                if not isinstance(quantity.value, Real):
                    continue
                real = quantity.value
                name = _CONDITION_OF_REF.get(condition.ref_type or "")
                if real.unit in _PRESSURE_TO_HPA and name in (None, "pressure"):
                    found.setdefault("pressure", float(real.value * _PRESSURE_TO_HPA[real.unit]))
                elif real.unit == r"\degreecelsius" and name in (None, "temperature"):
                    found.setdefault("temperature", float(real.value))
                elif real.unit == r"\kelvin" and name in (None, "temperature"):
                    found.setdefault("temperature", float(real.value - Decimal("273.15")))
                elif real.unit == r"\percent" and name in (None, "humidity"):
                    found.setdefault("humidity", float(real.value))
    return found


def read_dcc(xml: bytes, schema: str | None = None) -> DccImport:
    """Check and map a DCC; ``ValidationError({"file": [...]})`` listing every problem."""
    if not isinstance(xml, bytes | bytearray):
        raise TypeError("read_dcc needs the file's bytes")  # a str would be read as a path
    if len(xml) > MAX_BYTES:
        raise fail([_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // 1024 // 1024}])
    if not xml.strip():
        raise fail([_("The file is empty.")])
    try:
        bytes(xml).decode("utf-8")
    except UnicodeDecodeError:
        raise fail([_("The file is not UTF-8 encoded XML.")]) from None
    problems = check_dcc(bytes(xml), schema)
    if problems:
        raise fail([_("Not a valid DCC: %(problem)s") % {"problem": problem} for problem in problems])
    try:
        certificate = parse(bytes(xml))
    except DccError as exc:
        raise fail([_("The DCC cannot be read: %(problem)s") % {"problem": exc}]) from None
    problems = []
    item = certificate.items[0]
    serial = item.serial_number or ""
    asset = next((i.value for i in item.identifications if i.issuer in ("owner", "customer")), "")
    if not serial:
        problems.append(
            _("The DCC gives no serial number of the item (identification issued by the manufacturer).")
        )
    points = _points(certificate, problems)
    if problems:
        raise fail(problems)
    method = " — ".join(
        text
        for used in certificate.measurement_results[0].used_methods
        for text in (used.name.get("en"), used.description.get("en") if used.description else "")
        if text and text != "-"
    )
    return DccImport(
        certificate=certificate,
        xml=bytes(xml),
        number=certificate.unique_identifier.strip(),
        serial=serial,
        asset=asset,
        points=points,
        conditions=_conditions(certificate),
        standard_numbers=[
            equipment.certificate_number
            for measurement in certificate.measurement_results
            for equipment in measurement.measuring_equipments
            if equipment.certificate_number
        ],
        method=method[:300],
    )
