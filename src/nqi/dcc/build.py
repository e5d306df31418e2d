"""Write a :class:`~nqi.dcc.model.Certificate` as DCC 3.3.0 XML."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from lxml import etree

from nqi.dcc._xml import NSMAP, dcc, si
from nqi.dcc.errors import DccError
from nqi.dcc.model import (
    CERTIFICATE_REF_TYPE,
    SCHEMA_VERSION,
    Certificate,
    Contact,
    CoreData,
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
    Statement,
    Text,
    UsedMethod,
)
from nqi.dcc.numbers import format_decimal

__all__ = ["build"]

_Element = etree._Element


def _sub(parent: _Element, tag: str, text: str | None = None, ref_type: str | None = None) -> _Element:
    element = etree.SubElement(parent, tag)
    if ref_type is not None:
        element.set("refType", ref_type)
    if text is not None:
        element.text = text
    return element


def _num(value: Decimal, what: str) -> str:
    if not isinstance(value, Decimal):
        raise DccError(f"{what} must be a decimal.Decimal, got {type(value).__name__}", element=what)
    try:
        return format_decimal(value)
    except ValueError as exc:
        raise DccError(f"{what}: {exc}", element=what) from None


def _nums(values: Iterable[Decimal], what: str) -> str:
    return " ".join(_num(value, what) for value in values)


def _text(parent: _Element, tag: str, text: Text) -> _Element:
    element = _sub(parent, tag)
    if not text.contents:
        raise DccError(f"{tag} needs at least one content", element=tag)
    for lang, content in text.contents:
        child = _sub(element, dcc("content"), content)
        if lang is not None:
            child.set("lang", lang)
    return element


def _opt(parent: _Element, tag: str, text: str | None) -> None:
    if text is not None:
        _sub(parent, tag, text)


def _identifications(parent: _Element, identifications: Iterable[Identification]) -> None:
    items = list(identifications)
    if not items:
        return
    element = _sub(parent, dcc("identifications"))
    for identification in items:
        child = _sub(element, dcc("identification"), ref_type=identification.ref_type)
        _sub(child, dcc("issuer"), identification.issuer)
        _sub(child, dcc("value"), identification.value)
        if identification.name is not None:
            _text(child, dcc("name"), identification.name)


def _location(parent: _Element, location: Location) -> None:
    element = _sub(parent, dcc("location"))
    _opt(element, dcc("street"), location.street)
    _opt(element, dcc("streetNo"), location.street_no)
    _opt(element, dcc("postCode"), location.post_code)
    _opt(element, dcc("city"), location.city)
    _opt(element, dcc("state"), location.state)
    _opt(element, dcc("countryCode"), location.country_code)
    if location.further is not None:
        _text(element, dcc("further"), location.further)
    if len(element) == 0:
        raise DccError("a location needs at least one part", element="dcc:location")


def _contact(parent: _Element, tag: str, contact: Contact, strict: bool) -> None:
    element = _sub(parent, tag)
    _text(element, dcc("name"), contact.name)
    _opt(element, dcc("eMail"), contact.email)
    _opt(element, dcc("phone"), contact.phone)
    _opt(element, dcc("fax"), contact.fax)
    _opt(element, dcc("link"), contact.link)
    if contact.location is not None:
        _location(element, contact.location)
    elif strict:
        raise DccError(f"{tag.split('}')[1]} needs a location (dcc:location)", element="dcc:location")


def _core(parent: _Element, core: CoreData) -> None:
    element = _sub(parent, dcc("coreData"))
    _sub(element, dcc("countryCodeISO3166_1"), core.country_code)
    if not core.used_languages or not core.mandatory_languages:
        raise DccError("used and mandatory languages must not be empty", element="dcc:coreData")
    for lang in core.used_languages:
        _sub(element, dcc("usedLangCodeISO639_1"), lang)
    for lang in core.mandatory_languages:
        _sub(element, dcc("mandatoryLangCodeISO639_1"), lang)
    _sub(element, dcc("uniqueIdentifier"), core.unique_identifier)
    _identifications(element, core.identifications)
    if core.receipt_date is not None:
        _sub(element, dcc("receiptDate"), core.receipt_date.isoformat())
    _sub(element, dcc("beginPerformanceDate"), core.begin_performance_date.isoformat())
    _sub(element, dcc("endPerformanceDate"), core.end_performance_date.isoformat())
    _sub(element, dcc("performanceLocation"), core.performance_location)
    if core.issue_date is not None:
        _sub(element, dcc("issueDate"), core.issue_date.isoformat())


def _item(parent: _Element, item: Item) -> None:
    element = _sub(parent, dcc("item"))
    _text(element, dcc("name"), item.name)
    if item.manufacturer is not None:
        _contact(element, dcc("manufacturer"), item.manufacturer, strict=False)
    _opt(element, dcc("model"), item.model)
    if not item.identifications:
        raise DccError(
            "an item needs identifications (e.g. its serial number)", element="dcc:identifications"
        )
    _identifications(element, item.identifications)


def _resp_person(parent: _Element, person: RespPerson) -> None:
    element = _sub(parent, dcc("respPerson"))
    _contact(element, dcc("person"), person.person, strict=False)
    _opt(element, dcc("role"), person.role)
    if person.main_signer:
        _sub(element, dcc("mainSigner"), "true")


def _statement(parent: _Element, statement: Statement) -> None:
    element = _sub(parent, dcc("statement"), ref_type=statement.ref_type)
    if statement.name is not None:
        _text(element, dcc("name"), statement.name)
    if statement.traceable is not None:
        _sub(element, dcc("traceable"), "true" if statement.traceable else "false")
    for norm in statement.norms:
        _sub(element, dcc("norm"), norm)
    if statement.declaration is not None:
        _text(element, dcc("declaration"), statement.declaration)
    _opt(element, dcc("conformity"), statement.conformity)


def _real(parent: _Element, real: Real) -> None:
    element = _sub(parent, si("real"))
    _opt(element, si("label"), real.label)
    _sub(element, si("value"), _num(real.value, "si:value"))
    _sub(element, si("unit"), real.unit)
    if real.uncertainty is not None:
        unc = _sub(element, si("expandedUnc"))
        _sub(unc, si("uncertainty"), _num(real.uncertainty.uncertainty, "si:uncertainty"))
        _sub(unc, si("coverageFactor"), _num(real.uncertainty.coverage_factor, "si:coverageFactor"))
        _sub(
            unc,
            si("coverageProbability"),
            _num(real.uncertainty.coverage_probability, "si:coverageProbability"),
        )
        _opt(unc, si("distribution"), real.uncertainty.distribution)


def _real_list(parent: _Element, real_list: RealList) -> None:
    element = _sub(parent, si("realListXMLList"))
    if real_list.labels:
        _sub(element, si("labelXMLList"), " ".join(real_list.labels))
    _sub(element, si("valueXMLList"), _nums(real_list.values, "si:valueXMLList"))
    _sub(element, si("unitXMLList"), " ".join(real_list.units))
    unc = real_list.uncertainty
    if unc is not None:
        child = _sub(element, si("expandedUncXMLList"))
        _sub(child, si("uncertaintyXMLList"), _nums(unc.uncertainties, "si:uncertaintyXMLList"))
        _sub(child, si("coverageFactorXMLList"), _nums(unc.coverage_factors, "si:coverageFactorXMLList"))
        _sub(
            child,
            si("coverageProbabilityXMLList"),
            _nums(unc.coverage_probabilities, "si:coverageProbabilityXMLList"),
        )
        if unc.distributions:
            _sub(child, si("distributionXMLList"), " ".join(unc.distributions))


def _quantity(parent: _Element, quantity: Quantity) -> None:
    element = _sub(parent, dcc("quantity"), ref_type=quantity.ref_type)
    if quantity.name is not None:
        _text(element, dcc("name"), quantity.name)
    if isinstance(quantity.value, Real):
        _real(element, quantity.value)
    else:
        _real_list(element, quantity.value)


def _used_method(parent: _Element, method: UsedMethod) -> None:
    element = _sub(parent, dcc("usedMethod"), ref_type=method.ref_type)
    _text(element, dcc("name"), method.name)
    if method.description is not None:
        _text(element, dcc("description"), method.description)
    for norm in method.norms:
        _sub(element, dcc("norm"), norm)


def _equipment(parent: _Element, equipment: MeasuringEquipment) -> None:
    element = _sub(parent, dcc("measuringEquipment"), ref_type=equipment.ref_type)
    _text(element, dcc("name"), equipment.name)
    if equipment.manufacturer is not None:
        _contact(element, dcc("manufacturer"), equipment.manufacturer, strict=False)
    _opt(element, dcc("model"), equipment.model)
    identifications = list(equipment.identifications)
    if equipment.certificate_number is not None:
        identifications.append(
            Identification("other", equipment.certificate_number, ref_type=CERTIFICATE_REF_TYPE)
        )
    _identifications(element, identifications)


def _condition(parent: _Element, condition: InfluenceCondition) -> None:
    element = _sub(parent, dcc("influenceCondition"), ref_type=condition.ref_type)
    _text(element, dcc("name"), condition.name)
    data = _sub(element, dcc("data"))
    if not condition.quantities:
        raise DccError("an influence condition needs at least one quantity", element="dcc:data")
    for quantity in condition.quantities:
        _quantity(data, quantity)


def _measurement_result(parent: _Element, measurement: MeasurementResult) -> None:
    element = _sub(parent, dcc("measurementResult"), ref_type=measurement.ref_type)
    _text(element, dcc("name"), measurement.name)
    if measurement.used_methods:
        methods = _sub(element, dcc("usedMethods"))
        for method in measurement.used_methods:
            _used_method(methods, method)
    if measurement.measuring_equipments:
        equipments = _sub(element, dcc("measuringEquipments"))
        for equipment in measurement.measuring_equipments:
            _equipment(equipments, equipment)
    if measurement.influence_conditions:
        conditions = _sub(element, dcc("influenceConditions"))
        for condition in measurement.influence_conditions:
            _condition(conditions, condition)
    if not measurement.results:
        raise DccError("a measurement result needs at least one result", element="dcc:results")
    results = _sub(element, dcc("results"))
    for result in measurement.results:
        child = _sub(results, dcc("result"), ref_type=result.ref_type)
        _text(child, dcc("name"), result.name)
        data = _sub(child, dcc("data"))
        if not result.quantities:
            raise DccError("a result needs at least one quantity", element="dcc:data")
        for quantity in result.quantities:
            _quantity(data, quantity)


def build_element(certificate: Certificate) -> etree._Element:
    """The ``dcc:digitalCalibrationCertificate`` element of ``certificate``."""
    root = etree.Element(dcc("digitalCalibrationCertificate"), nsmap=NSMAP)
    root.set("schemaVersion", SCHEMA_VERSION)
    admin = _sub(root, dcc("administrativeData"))
    if not certificate.software:
        raise DccError("the DCC software list must not be empty", element="dcc:dccSoftware")
    software_list = _sub(admin, dcc("dccSoftware"))
    for software in certificate.software:
        child = _sub(software_list, dcc("software"))
        _text(child, dcc("name"), software.name)
        _sub(child, dcc("release"), software.release)
        _opt(child, dcc("type"), software.type)
    _core(admin, certificate.core)
    if not certificate.items:
        raise DccError("a DCC needs at least one item", element="dcc:items")
    items = _sub(admin, dcc("items"))
    for item in certificate.items:
        _item(items, item)
    laboratory = _sub(admin, dcc("calibrationLaboratory"))
    _opt(laboratory, dcc("calibrationLaboratoryCode"), certificate.laboratory.code)
    _contact(laboratory, dcc("contact"), certificate.laboratory.contact, strict=True)
    if not certificate.responsible_persons:
        raise DccError("a DCC needs at least one responsible person", element="dcc:respPersons")
    persons = _sub(admin, dcc("respPersons"))
    for person in certificate.responsible_persons:
        _resp_person(persons, person)
    _contact(admin, dcc("customer"), certificate.customer, strict=True)
    if certificate.statements:
        statements = _sub(admin, dcc("statements"))
        for statement in certificate.statements:
            _statement(statements, statement)
    if not certificate.measurement_results:
        raise DccError("a DCC needs at least one measurement result", element="dcc:measurementResults")
    measurements = _sub(root, dcc("measurementResults"))
    for measurement in certificate.measurement_results:
        _measurement_result(measurements, measurement)
    if certificate.comment is not None:
        _text(root, dcc("comment"), certificate.comment)
    return root


def build(certificate: Certificate) -> bytes:
    """Serialize ``certificate`` as UTF-8 DCC XML with an XML declaration."""
    root = build_element(certificate)
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(body)
