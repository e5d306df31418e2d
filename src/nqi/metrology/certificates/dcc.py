"""The digital calibration certificate (DCC, PTB schema 3.3.0) of a calibration record.

:func:`build_dcc` maps a :class:`~nqi.metrology.models.CalibrationRecord` to a
:class:`nqi.dcc.Certificate` and serializes it; :func:`check_dcc` returns readable problems from
:func:`nqi.dcc.validate`, plus the official XSD when ``settings.NQI_DCC_SCHEMA_DIR`` (environment
variable ``NQI_DCC_SCHEMA_DIR``) points at a folder with ``dcc.xsd`` and ``SI_Format.xsd``.

The output depends only on the record (not on the request language), so rebuilding it gives the
same bytes. Fixed labels are written in every used language (English plus the language of the
laboratory's country when NQI speaks it); data such as names are language-neutral texts.

Calibration points are grouped by quantity into one ``dcc:result`` each. Every list carries the
point labels ``P1 … Pn`` (position in the record), so lists that leave out points without a value
(e.g. no as-left reading) stay aligned. The ``refType`` of each quantity (``nqi_nominalValue`` …)
is what :mod:`nqi.metrology.certificates.dcc_reading` reads back.

Conformity (ILAC-G8:09/2019 → DCC ``dcc:conformity``): pass and pass with guard band → ``pass``,
fail → ``fail``; *indeterminate* (the result lies in the guard band around a limit) →
``conditionalPass`` when every indeterminate error is still within ±MPE, else ``conditionalFail``
(the ILAC-G8:2009 wording the DCC enumeration comes from). No statement → no conformity element.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import nqi
from nqi.dcc import (
    CalibrationLaboratory,
    Certificate,
    Contact,
    CoreData,
    DccError,
    ExpandedUncertaintyList,
    Identification,
    InfluenceCondition,
    Item,
    Location,
    MeasurementResult,
    MeasuringEquipment,
    Quantity,
    Real,
    RealList,
    RespPerson,
    Result,
    Software,
    Text,
    UsedMethod,
    build,
    validate,
)
from nqi.metrology.certificates.dcc_statements import comment, statements
from nqi.metrology.certificates.dcc_vocabulary import (
    CONDITION_REF_TYPES,
    CONDITION_UNITS,
    COVERAGE_PROBABILITY,
    LABELS,
    POINT_REF_TYPES,
    RESULT_REF_TYPE,
    WITH_UNCERTAINTY,
    dcc_languages,
    label,
    plain,
    to_decimal,
)
from nqi.metrology.certificates.dsi_units import UnitConversionError, to_dsi
from nqi.metrology.models import CalibrationPoint, CalibrationRecord

__all__ = ["build_dcc", "certificate_for", "check_dcc"]


def _location(organization) -> Location:
    country = organization.country.code if organization.country_id else None
    address = (organization.address or "").strip()
    if not country and not address:
        raise ValidationError(
            {
                "dcc": _("%(organization)s needs an address or a country for the certificate.")
                % {"organization": organization.name}
            }
        )
    return Location(country_code=country, further=Text.of(address) if address else None)


def _organization_contact(organization) -> Contact:
    return Contact(
        name=plain(organization.name),
        email=organization.email or None,
        link=organization.website or None,
        location=_location(organization),
    )


def _identifications(instrument, languages) -> tuple[Identification, ...]:
    found = []
    if instrument.serial_number:
        found.append(
            Identification("manufacturer", instrument.serial_number, label(LABELS["serial"], languages))
        )
    found.append(Identification("owner", instrument.asset_number, label(LABELS["asset"], languages)))
    return tuple(found)


def _persons(record: CalibrationRecord) -> tuple[RespPerson, ...]:
    """Performer and approver (the main signer); failing both, the issuing account, then the lab."""
    persons = []
    if record.performed_by_id:
        person = record.performed_by
        persons.append(
            RespPerson(
                Contact(plain(str(person)), email=person.email or None),
                role="Calibration performed by",
                main_signer=not record.approved_by_id,
            )
        )
    if record.approved_by_id:
        person = record.approved_by
        persons.append(
            RespPerson(
                Contact(plain(str(person)), email=person.email or None), role="Approved by", main_signer=True
            )
        )
    if not persons and record.issued_by_id:
        user = record.issued_by
        persons.append(
            RespPerson(Contact(plain(user.get_full_name() or user.get_username())), "Issued by", True)
        )
    if not persons:
        persons.append(RespPerson(Contact(plain(record.laboratory.name)), "Calibration laboratory", True))
    return tuple(persons)


def _methods(record: CalibrationRecord) -> tuple[UsedMethod, ...]:
    description = plain(record.method) if record.method.strip() else None
    if record.procedure_id:
        version = record.procedure
        procedure = version.procedure
        norms = (procedure.references,) if procedure.references.strip() else ()
        name = plain(f"{procedure.code} {procedure.title} (version {version.version})")
        return (UsedMethod(name, description, norms, ref_type="nqi_procedure"),)
    if description is not None:
        return (UsedMethod(description, ref_type="nqi_method"),)
    return ()


def _uses(record: CalibrationRecord) -> list:
    uses = record.standards_used.select_related("standard", "standard_calibration")
    return list(uses.order_by("standard__asset_number", "pk"))


def _equipment(uses: list, languages) -> tuple[MeasuringEquipment, ...]:
    equipment = []
    for use in uses:
        standard = use.standard
        equipment.append(
            MeasuringEquipment(
                name=plain(standard.name),
                identifications=_identifications(standard, languages),
                manufacturer=Contact(plain(standard.manufacturer)) if standard.manufacturer else None,
                model=standard.model or None,
                certificate_number=use.standard_calibration.certificate_number
                if use.standard_calibration_id
                else None,
                ref_type="nqi_referenceStandard",
            )
        )
    return tuple(equipment)


def _conditions(record: CalibrationRecord, languages) -> tuple[InfluenceCondition, ...]:
    conditions = []
    for field, unit in CONDITION_UNITS.items():
        value = getattr(record, field)
        if value is not None:
            conditions.append(
                InfluenceCondition(
                    label(LABELS[field], languages),
                    (Quantity(None, Real(to_decimal(value), unit)),),
                    ref_type=CONDITION_REF_TYPES[field],
                )
            )
    return tuple(conditions)


def _dsi(unit: str) -> str:
    try:
        return to_dsi(unit)
    except UnitConversionError as exc:
        raise ValidationError(
            {
                "dcc": _("Unit “%(unit)s” has no D-SI form for the DCC (%(reason)s).")
                % {"unit": unit, "reason": exc}
            }
        ) from None


def _point_value(point: CalibrationPoint, what: str) -> Decimal | None:
    """A point's value as Decimal; errors are computed in Decimal so no float noise is written."""
    if what in ("error_found", "error_left"):
        indication = point.as_found if what == "error_found" else point.as_left
        return None if indication is None else to_decimal(indication) - to_decimal(point.reference_value)
    value = getattr(point, what)
    return None if value is None else to_decimal(value)


def _shared(values: list[Decimal]) -> tuple[Decimal, ...]:
    return (values[0],) if len(set(values)) == 1 else tuple(values)


def _point_list(points: list[tuple[str, CalibrationPoint]], what: str) -> RealList | None:
    rows = [(label, point, _point_value(point, what)) for label, point in points]
    rows = [(label, point, value) for label, point, value in rows if value is not None]
    if not rows or (what == "reference" and all(point.reference is None for _l, point, _v in rows)):
        return None
    units = [_dsi(point.unit) for _l, point, _v in rows]
    uncertainty = None
    if what in WITH_UNCERTAINTY:
        uncertainty = ExpandedUncertaintyList(
            tuple(to_decimal(point.uncertainty) for _l, point, _v in rows),
            _shared([to_decimal(point.coverage_factor) for _l, point, _v in rows]),
            (COVERAGE_PROBABILITY,),
        )
    return RealList(
        values=tuple(value for _l, _p, value in rows),
        units=(units[0],) if len(set(units)) == 1 else tuple(units),
        uncertainty=uncertainty,
        labels=tuple(label for label, _p, _v in rows),
    )


def _results(record: CalibrationRecord, languages) -> tuple[Result, ...]:
    groups: dict[str, list[tuple[str, CalibrationPoint]]] = {}
    for index, point in enumerate(record.points.order_by("position", "pk"), start=1):
        groups.setdefault(point.quantity, []).append((f"P{index}", point))
    results = []
    for quantity_name, points in groups.items():
        quantities = []
        for what, ref_type in POINT_REF_TYPES.items():
            values = _point_list(points, what)
            if values is not None:
                quantities.append(Quantity(label(LABELS[what], languages), values, ref_type))
        results.append(Result(plain(quantity_name), tuple(quantities), RESULT_REF_TYPE))
    return tuple(results)


def certificate_for(record: CalibrationRecord) -> Certificate:
    """The :class:`nqi.dcc.Certificate` of ``record``; ``ValidationError`` on missing data."""
    laboratory = record.laboratory
    if not laboratory.country_id:
        raise ValidationError({"dcc": _("The laboratory %(lab)s has no country.") % {"lab": laboratory.name}})
    languages = dcc_languages(laboratory)
    item = record.item
    uses = _uses(record)
    return Certificate(
        software=(Software(Text.of("NQI"), nqi.__version__, "application"),),
        core=CoreData(
            country_code=laboratory.country.code,
            used_languages=languages,
            mandatory_languages=languages,
            unique_identifier=record.certificate_number,
            begin_performance_date=record.calibrated_on,
            end_performance_date=record.calibrated_on,
            performance_location="laboratory",
            receipt_date=record.received_on,
            issue_date=record.issued_on,
        ),
        items=(
            Item(
                name=plain(item.name),
                identifications=_identifications(item, languages),
                manufacturer=Contact(plain(item.manufacturer)) if item.manufacturer else None,
                model=item.model or None,
            ),
        ),
        laboratory=CalibrationLaboratory(_organization_contact(laboratory), code=laboratory.acronym or None),
        responsible_persons=_persons(record),
        customer=_organization_contact(record.customer or item.owner),
        measurement_results=(
            MeasurementResult(
                name=label(LABELS["results"], languages),
                results=_results(record, languages),
                used_methods=_methods(record),
                measuring_equipments=_equipment(uses, languages),
                influence_conditions=_conditions(record, languages),
            ),
        ),
        statements=statements(record, languages, uses),
        comment=comment(record, languages),
    )


def build_dcc(record: CalibrationRecord) -> bytes:
    """The DCC XML of ``record`` (UTF-8 bytes); ``ValidationError`` naming the problem otherwise."""
    if not record.points.exists():
        raise ValidationError({"points": _("A certificate needs at least one calibration point.")})
    try:
        return build(certificate_for(record))
    except DccError as exc:
        raise ValidationError({"dcc": str(exc)}) from None


def check_dcc(xml: bytes, schema: str | None = None) -> list[str]:
    """Readable problems of a DCC: NQI's checks, plus the XSD in ``schema`` or NQI_DCC_SCHEMA_DIR."""
    folder = schema if schema is not None else getattr(settings, "NQI_DCC_SCHEMA_DIR", "")
    try:
        problems = validate(xml, schema=folder or None)
    except DccError as exc:
        return [str(exc)]
    return [f"{problem} (XSD)" if problem.source == "xsd" else str(problem) for problem in problems]
