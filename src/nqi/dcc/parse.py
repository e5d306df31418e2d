"""Read DCC XML into a :class:`~nqi.dcc.model.Certificate` (the inverse of :func:`build`).

Elements of the DCC schema that NQI does not model (descriptions, equipment classes, byte data,
``si:hybrid`` …) are ignored, except quantities in a form other than ``si:real`` or
``si:realListXMLList``, which raise :class:`DccError` rather than being dropped silently.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from lxml import etree

from nqi.dcc._xml import DCC, SI, Source, dcc, load, local, namespace, prefixed, si
from nqi.dcc.errors import DccError
from nqi.dcc.model import (
    CERTIFICATE_REF_TYPE,
    CONFORMITIES,
    ISSUERS,
    PERFORMANCE_LOCATIONS,
    CalibrationLaboratory,
    Certificate,
    Conformity,
    Contact,
    CoreData,
    ExpandedUncertainty,
    ExpandedUncertaintyList,
    Identification,
    InfluenceCondition,
    Issuer,
    Item,
    Location,
    MeasurementResult,
    MeasuringEquipment,
    PerformanceLocation,
    Quantity,
    Real,
    RealList,
    RespPerson,
    Result,
    Software,
    Statement,
    Text,
    UsedMethod,
)
from nqi.dcc.numbers import parse_decimal

__all__ = ["parse", "parse_element"]

_Element = etree._Element


def _line(element: _Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _first(parent: _Element, tag: str) -> _Element | None:
    for child in parent:
        if child.tag == tag:
            return child
    return None


def _all(parent: _Element, tag: str) -> list[_Element]:
    return [child for child in parent if child.tag == tag]


def _need(parent: _Element, tag: str) -> _Element:
    child = _first(parent, tag)
    if child is None:
        raise DccError(
            f"missing required element {prefixed(tag)} in {prefixed(str(parent.tag))}",
            line=_line(parent),
            element=prefixed(tag),
        )
    return child


def _str(element: _Element, *, strip: bool = True) -> str:
    text = element.text or ""
    text = text.strip() if strip else text
    if not text:
        raise DccError(
            f"{prefixed(str(element.tag))} is empty", line=_line(element), element=prefixed(str(element.tag))
        )
    return text


def _opt_str(parent: _Element, tag: str) -> str | None:
    child = _first(parent, tag)
    return None if child is None else _str(child)


def _enum(element: _Element, allowed: tuple[str, ...]) -> str:
    text = _str(element)
    if text not in allowed:
        raise DccError(
            f"{prefixed(str(element.tag))}: {text!r} is not one of {', '.join(allowed)}",
            line=_line(element),
            element=prefixed(str(element.tag)),
        )
    return text


def _date(element: _Element) -> date:
    text = _str(element)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DccError(
            f"{prefixed(str(element.tag))}: {text!r} is not a date (YYYY-MM-DD)",
            line=_line(element),
            element=prefixed(str(element.tag)),
        ) from None


def _opt_date(parent: _Element, tag: str) -> date | None:
    child = _first(parent, tag)
    return None if child is None else _date(child)


def _bool(element: _Element) -> bool:
    text = _str(element)
    if text in {"true", "1"}:
        return True
    if text in {"false", "0"}:
        return False
    raise DccError(
        f"{prefixed(str(element.tag))}: {text!r} is not a boolean",
        line=_line(element),
        element=prefixed(str(element.tag)),
    )


def _decimal(element: _Element) -> Decimal:
    try:
        return parse_decimal(element.text or "")
    except ValueError as exc:
        raise DccError(
            f"{prefixed(str(element.tag))}: {exc}", line=_line(element), element=prefixed(str(element.tag))
        ) from None


def _decimals(element: _Element) -> tuple[Decimal, ...]:
    tokens = (element.text or "").split()
    if not tokens:
        raise DccError(
            f"{prefixed(str(element.tag))} is empty", line=_line(element), element=prefixed(str(element.tag))
        )
    try:
        return tuple(parse_decimal(token) for token in tokens)
    except ValueError as exc:
        raise DccError(
            f"{prefixed(str(element.tag))}: {exc}", line=_line(element), element=prefixed(str(element.tag))
        ) from None


def _text(element: _Element) -> Text:
    contents: list[tuple[str | None, str]] = []
    for content in _all(element, dcc("content")):
        contents.append((content.get("lang"), content.text or ""))
    if not contents:
        raise DccError(
            f"missing required element dcc:content in {prefixed(str(element.tag))}",
            line=_line(element),
            element="dcc:content",
        )
    return Text(tuple(contents))


def _comment(root: _Element) -> Text | None:
    comment = _first(root, dcc("comment"))
    if comment is None or _first(comment, dcc("content")) is None:
        return None  # other producers may put any XML in dcc:comment
    return _text(comment)


def _opt_text(parent: _Element, tag: str) -> Text | None:
    child = _first(parent, tag)
    return None if child is None else _text(child)


def _identifications(parent: _Element) -> tuple[Identification, ...]:
    container = _first(parent, dcc("identifications"))
    if container is None:
        return ()
    return tuple(
        Identification(
            issuer=cast(Issuer, _enum(_need(element, dcc("issuer")), ISSUERS)),
            value=_str(_need(element, dcc("value"))),
            name=_opt_text(element, dcc("name")),
            ref_type=element.get("refType"),
        )
        for element in _all(container, dcc("identification"))
    )


def _location(element: _Element) -> Location:
    return Location(
        street=_opt_str(element, dcc("street")),
        street_no=_opt_str(element, dcc("streetNo")),
        post_code=_opt_str(element, dcc("postCode")),
        city=_opt_str(element, dcc("city")),
        state=_opt_str(element, dcc("state")),
        country_code=_opt_str(element, dcc("countryCode")),
        further=_opt_text(element, dcc("further")),
    )


def _contact(element: _Element, strict: bool) -> Contact:
    location = _need(element, dcc("location")) if strict else _first(element, dcc("location"))
    return Contact(
        name=_text(_need(element, dcc("name"))),
        email=_opt_str(element, dcc("eMail")),
        phone=_opt_str(element, dcc("phone")),
        fax=_opt_str(element, dcc("fax")),
        link=_opt_str(element, dcc("link")),
        location=None if location is None else _location(location),
    )


def _core(element: _Element) -> CoreData:
    used = tuple(_str(child) for child in _all(element, dcc("usedLangCodeISO639_1")))
    mandatory = tuple(_str(child) for child in _all(element, dcc("mandatoryLangCodeISO639_1")))
    if not used:
        _need(element, dcc("usedLangCodeISO639_1"))
    if not mandatory:
        _need(element, dcc("mandatoryLangCodeISO639_1"))
    return CoreData(
        country_code=_str(_need(element, dcc("countryCodeISO3166_1"))),
        used_languages=used,
        mandatory_languages=mandatory,
        unique_identifier=_str(_need(element, dcc("uniqueIdentifier"))),
        begin_performance_date=_date(_need(element, dcc("beginPerformanceDate"))),
        end_performance_date=_date(_need(element, dcc("endPerformanceDate"))),
        performance_location=cast(
            PerformanceLocation, _enum(_need(element, dcc("performanceLocation")), PERFORMANCE_LOCATIONS)
        ),
        identifications=_identifications(element),
        receipt_date=_opt_date(element, dcc("receiptDate")),
        issue_date=_opt_date(element, dcc("issueDate")),
    )


def _item(element: _Element) -> Item:
    manufacturer = _first(element, dcc("manufacturer"))
    _need(element, dcc("identifications"))
    return Item(
        name=_text(_need(element, dcc("name"))),
        identifications=_identifications(element),
        manufacturer=None if manufacturer is None else _contact(manufacturer, strict=False),
        model=_opt_str(element, dcc("model")),
    )


def _resp_person(element: _Element) -> RespPerson:
    signer = _first(element, dcc("mainSigner"))
    return RespPerson(
        person=_contact(_need(element, dcc("person")), strict=False),
        role=_opt_str(element, dcc("role")),
        main_signer=False if signer is None else _bool(signer),
    )


def _statement(element: _Element) -> Statement:
    traceable = _first(element, dcc("traceable"))
    conformity = _first(element, dcc("conformity"))
    return Statement(
        name=_opt_text(element, dcc("name")),
        declaration=_opt_text(element, dcc("declaration")),
        norms=tuple(_str(child) for child in _all(element, dcc("norm"))),
        traceable=None if traceable is None else _bool(traceable),
        conformity=None if conformity is None else cast(Conformity, _enum(conformity, CONFORMITIES)),
        ref_type=element.get("refType"),
    )


def _real(element: _Element) -> Real:
    unc = _first(element, si("expandedUnc"))
    uncertainty = None
    if unc is not None:
        uncertainty = ExpandedUncertainty(
            uncertainty=_decimal(_need(unc, si("uncertainty"))),
            coverage_factor=_decimal(_need(unc, si("coverageFactor"))),
            coverage_probability=_decimal(_need(unc, si("coverageProbability"))),
            distribution=_opt_str(unc, si("distribution")),
        )
    return Real(
        value=_decimal(_need(element, si("value"))),
        unit=_str(_need(element, si("unit"))),
        uncertainty=uncertainty,
        label=_opt_str(element, si("label")),
    )


def _real_list(element: _Element) -> RealList:
    unc = _first(element, si("expandedUncXMLList"))
    uncertainty = None
    if unc is not None:
        distributions = _first(unc, si("distributionXMLList"))
        uncertainty = ExpandedUncertaintyList(
            uncertainties=_decimals(_need(unc, si("uncertaintyXMLList"))),
            coverage_factors=_decimals(_need(unc, si("coverageFactorXMLList"))),
            coverage_probabilities=_decimals(_need(unc, si("coverageProbabilityXMLList"))),
            distributions=() if distributions is None else tuple((distributions.text or "").split()),
        )
    labels = _first(element, si("labelXMLList"))
    units = tuple((_need(element, si("unitXMLList")).text or "").split())
    if not units:
        raise DccError("si:unitXMLList is empty", line=_line(element), element="si:unitXMLList")
    return RealList(
        values=_decimals(_need(element, si("valueXMLList"))),
        units=units,
        uncertainty=uncertainty,
        labels=() if labels is None else tuple((labels.text or "").split()),
    )


def _quantity(element: _Element) -> Quantity:
    value: Real | RealList | None = None
    for child in element:
        tag = str(child.tag)
        if tag == si("real"):
            value = _real(child)
        elif tag == si("realListXMLList"):
            value = _real_list(child)
        elif namespace(tag) == SI or local(tag) in {"noQuantity", "charsXMLList"}:
            raise DccError(
                f"{prefixed(tag)} in dcc:quantity is not supported by nqi.dcc (si:real and "
                "si:realListXMLList are)",
                line=_line(child),
                element=prefixed(tag),
            )
    if value is None:
        raise DccError(
            "missing required element si:real (or si:realListXMLList) in dcc:quantity",
            line=_line(element),
            element="si:real",
        )
    return Quantity(name=_opt_text(element, dcc("name")), value=value, ref_type=element.get("refType"))


def _quantities(data: _Element) -> tuple[Quantity, ...]:
    return tuple(_quantity(child) for child in _all(data, dcc("quantity")))


def _equipment(element: _Element) -> MeasuringEquipment:
    manufacturer = _first(element, dcc("manufacturer"))
    identifications = _identifications(element)
    certificate = [i for i in identifications if i.ref_type == CERTIFICATE_REF_TYPE]
    return MeasuringEquipment(
        name=_text(_need(element, dcc("name"))),
        identifications=tuple(i for i in identifications if i.ref_type != CERTIFICATE_REF_TYPE),
        manufacturer=None if manufacturer is None else _contact(manufacturer, strict=False),
        model=_opt_str(element, dcc("model")),
        certificate_number=certificate[0].value if certificate else None,
        ref_type=element.get("refType"),
    )


def _measurement_result(element: _Element) -> MeasurementResult:
    methods = _first(element, dcc("usedMethods"))
    equipments = _first(element, dcc("measuringEquipments"))
    conditions = _first(element, dcc("influenceConditions"))
    results = _need(element, dcc("results"))
    return MeasurementResult(
        name=_text(_need(element, dcc("name"))),
        results=tuple(
            Result(
                name=_text(_need(result, dcc("name"))),
                quantities=_quantities(_need(result, dcc("data"))),
                ref_type=result.get("refType"),
            )
            for result in _all(results, dcc("result"))
        ),
        used_methods=()
        if methods is None
        else tuple(
            UsedMethod(
                name=_text(_need(method, dcc("name"))),
                description=_opt_text(method, dcc("description")),
                norms=tuple(_str(norm) for norm in _all(method, dcc("norm"))),
                ref_type=method.get("refType"),
            )
            for method in _all(methods, dcc("usedMethod"))
        ),
        measuring_equipments=()
        if equipments is None
        else tuple(_equipment(child) for child in _all(equipments, dcc("measuringEquipment"))),
        influence_conditions=()
        if conditions is None
        else tuple(
            InfluenceCondition(
                name=_text(_need(condition, dcc("name"))),
                quantities=_quantities(_need(condition, dcc("data"))),
                ref_type=condition.get("refType"),
            )
            for condition in _all(conditions, dcc("influenceCondition"))
        ),
        ref_type=element.get("refType"),
    )


def check_root(root: _Element) -> None:
    """``DccError`` unless ``root`` is a ``dcc:digitalCalibrationCertificate``."""
    tag = str(root.tag)
    if local(tag) != "digitalCalibrationCertificate":
        raise DccError(
            f"root element is {prefixed(tag)}, expected dcc:digitalCalibrationCertificate",
            line=_line(root),
            element=prefixed(tag),
        )
    if namespace(tag) != DCC:
        raise DccError(
            f"root element is in namespace {namespace(tag)!r}, expected {DCC!r}",
            line=_line(root),
            element="dcc:digitalCalibrationCertificate",
        )


def parse_element(root: _Element) -> Certificate:
    """Read an already parsed ``dcc:digitalCalibrationCertificate`` element."""
    check_root(root)
    admin = _need(root, dcc("administrativeData"))
    measurements = _need(root, dcc("measurementResults"))
    laboratory = _need(admin, dcc("calibrationLaboratory"))
    statements = _first(admin, dcc("statements"))
    software = _all(_need(admin, dcc("dccSoftware")), dcc("software"))
    items = _all(_need(admin, dcc("items")), dcc("item"))
    persons = _all(_need(admin, dcc("respPersons")), dcc("respPerson"))
    results = _all(measurements, dcc("measurementResult"))
    for found, tag, parent in (
        (software, "software", "dccSoftware"),
        (items, "item", "items"),
        (persons, "respPerson", "respPersons"),
        (results, "measurementResult", "measurementResults"),
    ):
        if not found:
            _need(_need(admin, dcc(parent)) if parent != "measurementResults" else measurements, dcc(tag))
    return Certificate(
        software=tuple(
            Software(
                name=_text(_need(element, dcc("name"))),
                release=_str(_need(element, dcc("release"))),
                type=_opt_str(element, dcc("type")),
            )
            for element in software
        ),
        core=_core(_need(admin, dcc("coreData"))),
        items=tuple(_item(element) for element in items),
        laboratory=CalibrationLaboratory(
            contact=_contact(_need(laboratory, dcc("contact")), strict=True),
            code=_opt_str(laboratory, dcc("calibrationLaboratoryCode")),
        ),
        responsible_persons=tuple(_resp_person(element) for element in persons),
        customer=_contact(_need(admin, dcc("customer")), strict=True),
        measurement_results=tuple(_measurement_result(element) for element in results),
        statements=()
        if statements is None
        else tuple(_statement(element) for element in _all(statements, dcc("statement"))),
        comment=_comment(root),
    )


def parse(source: Source) -> Certificate:
    """Parse DCC XML given as bytes, XML text or a file path (safely: no DTD, no network)."""
    return parse_element(load(source))
