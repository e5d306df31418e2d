"""Validation of DCC documents: NQI's structural checks, optionally XSD validation on top.

The built-in checks follow the content models of DCC 3.3.0 for the elements NQI reads and
writes (order, required elements, cardinality, enumerations, dates, language codes) and the
D-SI rules for ``si:real`` and ``si:realListXMLList`` anywhere in the document. Elements that
NQI does not model (descriptions, byte data, formulas …) are accepted where the schema allows
them but not looked into: the official XSD (``schema=``) covers them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from os import PathLike
from pathlib import Path

from lxml import etree

from nqi.dcc._xml import DCC, Source, dcc, element_path, load, local, namespace, prefixed, si
from nqi.dcc.errors import Problem
from nqi.dcc.model import CONFORMITIES, ISSUERS, PERFORMANCE_LOCATIONS
from nqi.dcc.numbers import parse_decimal
from nqi.dcc.units import check_unit

__all__ = ["check", "validate"]

_Element = etree._Element
_COUNTRY = re.compile(r"[A-Z]{2}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_NOT_EMPTY = re.compile(r"\S+(\s+\S+)*")
_SCHEMA_VERSION = re.compile(r"3\.\d+\.\d+")
_DSIG = "{http://www.w3.org/2000/09/xmldsig#}Signature"

Check = Callable[["_Validator", _Element], None]


@dataclass(frozen=True)
class _Entry:
    names: frozenset[str]
    min: int
    max: int | None
    check: Check | None

    def label(self) -> str:
        return " or ".join(sorted(prefixed(name) for name in self.names))


def _e(names: str | Iterable[str], min: int = 1, max: int | None = 1, check: Check | None = None) -> _Entry:
    tags = frozenset([names] if isinstance(names, str) else names)
    return _Entry(tags, min, max, check)


def _opt(names: str | Iterable[str], check: Check | None = None) -> _Entry:
    return _e(names, 0, 1, check)


def _many(names: str | Iterable[str], min: int = 0, check: Check | None = None) -> _Entry:
    return _e(names, min, None, check)


class _Validator:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.used_languages: set[str] = set()
        self.mandatory_languages: set[str] = set()

    # -- reporting -------------------------------------------------------------------------
    def report(self, element: _Element, message: str) -> None:
        line = element.sourceline if isinstance(element.sourceline, int) else None
        self.problems.append(Problem(line, element_path(element), message))

    # -- content models --------------------------------------------------------------------
    def sequence(self, element: _Element, spec: tuple[_Entry, ...]) -> None:
        counts = [0] * len(spec)
        position = 0
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions
            tag = child.tag
            index = next((i for i in range(position, len(spec)) if tag in spec[i].names), None)
            if index is None:
                earlier = next((i for i in range(position) if tag in spec[i].names), None)
                if earlier is None:
                    self.unexpected(child, spec)
                    continue
                self.report(
                    child,
                    f"{prefixed(tag)} is out of order: it must come before {spec[position].label()}",
                )
                index = earlier
            else:
                position = index
            counts[index] += 1
            entry = spec[index]
            if entry.max is not None and counts[index] > entry.max:
                self.report(child, f"{prefixed(tag)} may occur at most {entry.max} time(s) here")
            if entry.check is not None:
                entry.check(self, child)
        self.missing(element, spec, counts)

    def all_group(self, element: _Element, spec: tuple[_Entry, ...]) -> None:
        """``xs:all``: any order, each element at most once."""
        counts = [0] * len(spec)
        for child in element:
            if not isinstance(child.tag, str):
                continue
            index = next((i for i, entry in enumerate(spec) if child.tag in entry.names), None)
            if index is None:
                self.unexpected(child, spec)
                continue
            counts[index] += 1
            if counts[index] > 1:
                self.report(child, f"{prefixed(child.tag)} may occur only once")
            check = spec[index].check
            if check is not None:
                check(self, child)
        self.missing(element, spec, counts)

    def missing(self, element: _Element, spec: tuple[_Entry, ...], counts: list[int]) -> None:
        for entry, count in zip(spec, counts, strict=True):
            if count < entry.min:
                self.report(
                    element,
                    f"missing required element {entry.label()} in {prefixed(str(element.tag))}",
                )

    def unexpected(self, child: _Element, spec: tuple[_Entry, ...]) -> None:
        tag = str(child.tag)
        wanted = {local(name): name for entry in spec for name in entry.names}
        if local(tag) in wanted and namespace(tag) != namespace(wanted[local(tag)]):
            found = namespace(tag) or "no namespace"
            self.report(
                child,
                f"{local(tag)} is in {found!r}, expected namespace {namespace(wanted[local(tag)])!r}",
            )
        else:
            parent = child.getparent()
            where = prefixed(str(parent.tag)) if parent is not None else "the document"
            self.report(child, f"unexpected element {prefixed(tag)} in {where}")

    # -- simple values ---------------------------------------------------------------------
    def value(self, element: _Element) -> str:
        return (element.text or "").strip()

    def not_empty(self, element: _Element) -> None:
        if not _NOT_EMPTY.fullmatch(element.text or ""):
            self.report(element, f"{prefixed(str(element.tag))} must not be empty or padded with blanks")

    def pattern(self, element: _Element, regex: re.Pattern[str], what: str) -> None:
        if not regex.fullmatch(element.text or ""):
            self.report(element, f"{self.value(element)!r} is not {what}")

    def enum(self, element: _Element, allowed: tuple[str, ...]) -> None:
        if (element.text or "") not in allowed:
            self.report(element, f"{self.value(element)!r} is not one of: {', '.join(allowed)}")

    def date(self, element: _Element) -> date | None:
        text = self.value(element)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None

    def check_date(self, element: _Element) -> None:
        if self.date(element) is None:
            self.report(element, f"{self.value(element)!r} is not a date (YYYY-MM-DD)")

    def boolean(self, element: _Element) -> None:
        if self.value(element) not in {"true", "false", "1", "0"}:
            self.report(element, f"{self.value(element)!r} is not a boolean (true/false)")

    def number(self, element: _Element) -> Decimal | None:
        try:
            return parse_decimal(element.text or "")
        except ValueError:
            self.report(element, f"{self.value(element)!r} is not a finite number")
            return None

    def numbers(self, element: _Element) -> list[Decimal] | None:
        tokens = (element.text or "").split()
        if not tokens:
            self.report(element, f"{prefixed(str(element.tag))} is empty")
            return None
        result: list[Decimal] = []
        for token in tokens:
            try:
                result.append(parse_decimal(token))
            except ValueError:
                self.report(element, f"{token!r} is not a finite number")
                return None
        return result

    def unit(self, element: _Element, text: str) -> None:
        for message in check_unit(text):
            self.report(element, f"D-SI unit {text!r}: {message}")

    # -- uncertainty rules -----------------------------------------------------------------
    def uncertainty(self, element: _Element, value: Decimal) -> None:
        if value < 0:
            self.report(element, f"uncertainty {value} is negative")

    def coverage_factor(self, element: _Element, value: Decimal) -> None:
        if value <= 0:
            self.report(element, f"coverage factor {value} must be greater than 0")

    def coverage_probability(self, element: _Element, value: Decimal) -> None:
        if not 0 < value <= 1:
            self.report(element, f"coverage probability {value} must be in (0, 1]")


# -- checks per type -------------------------------------------------------------------------


def _text(v: _Validator, element: _Element) -> None:
    v.sequence(element, (_many(dcc("content"), 1),))


def _not_empty(v: _Validator, element: _Element) -> None:
    v.not_empty(element)


def _boolean(v: _Validator, element: _Element) -> None:
    v.boolean(element)


def _country(v: _Validator, element: _Element) -> None:
    v.pattern(element, _COUNTRY, "an ISO 3166-1 country code (two capital letters)")


def _language(v: _Validator, element: _Element) -> None:
    v.pattern(element, _LANGUAGE, "an ISO 639-1 language code (two small letters)")


def _date(v: _Validator, element: _Element) -> None:
    v.check_date(element)


_LOCATION_PARTS = ("city", "countryCode", "postCode", "postOfficeBox", "state", "street", "streetNo")


def _location(v: _Validator, element: _Element) -> None:
    allowed = {dcc(name) for name in (*_LOCATION_PARTS, "further", "positionCoordinates")}
    parts = [child for child in element if isinstance(child.tag, str)]
    if not parts:
        v.report(element, "dcc:location needs at least one part (street, city, countryCode …)")
    for child in parts:
        if child.tag not in allowed:
            v.unexpected(child, (_many(allowed),))
        elif child.tag == dcc("countryCode"):
            _country(v, child)
        elif child.tag == dcc("further"):
            pass
        elif local(str(child.tag)) in _LOCATION_PARTS:
            v.not_empty(child)


def _contact_spec(location_min: int) -> tuple[_Entry, ...]:
    return (
        _e(dcc("name"), check=_text),
        _opt(dcc("eMail"), _not_empty),
        _opt(dcc("phone"), _not_empty),
        _opt(dcc("fax"), _not_empty),
        _opt(dcc("link"), _not_empty),
        _e(dcc("location"), location_min, 1, _location),
        _opt(dcc("descriptionData")),
    )


def _contact(v: _Validator, element: _Element) -> None:
    v.sequence(element, _contact_spec(1))


def _contact_not_strict(v: _Validator, element: _Element) -> None:
    v.sequence(element, _contact_spec(0))


def _identification(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _e(dcc("issuer"), check=lambda v, e: v.enum(e, ISSUERS)),
            _e(dcc("value"), check=_not_empty),
            _opt(dcc("name"), _text),
        ),
    )


def _identifications(v: _Validator, element: _Element) -> None:
    v.sequence(element, (_many(dcc("identification"), 1, _identification),))


def _software(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _e(dcc("name"), check=_text),
            _e(dcc("release"), check=_not_empty),
            _opt(
                dcc("type"),
                lambda v, e: v.enum(
                    e, ("application", "bios", "driver", "editor", "firmware", "library", "os", "other")
                ),
            ),
            _opt(dcc("description")),
        ),
    )


def _software_list(v: _Validator, element: _Element) -> None:
    v.sequence(element, (_many(dcc("software"), 1, _software),))


def _core_data(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _e(dcc("countryCodeISO3166_1"), check=_country),
            _many(dcc("usedLangCodeISO639_1"), 1, _language),
            _many(dcc("mandatoryLangCodeISO639_1"), 1, _language),
            _e(dcc("uniqueIdentifier"), check=_not_empty),
            _opt(dcc("identifications"), _identifications),
            _opt(dcc("receiptDate"), _date),
            _e(dcc("beginPerformanceDate"), check=_date),
            _e(dcc("endPerformanceDate"), check=_date),
            _e(dcc("performanceLocation"), check=lambda v, e: v.enum(e, PERFORMANCE_LOCATIONS)),
            _opt(dcc("issueDate"), _date),
            _opt(dcc("reportAmendedSubstituted")),
            _opt(dcc("previousReport")),
        ),
    )
    begin = element.find(dcc("beginPerformanceDate"))
    end = element.find(dcc("endPerformanceDate"))
    if begin is not None and end is not None:
        first, last = v.date(begin), v.date(end)
        if first is not None and last is not None and last < first:
            v.report(end, f"endPerformanceDate {last} is before beginPerformanceDate {first}")
    for tag, target in (
        ("usedLangCodeISO639_1", v.used_languages),
        ("mandatoryLangCodeISO639_1", v.mandatory_languages),
    ):
        target.update(v.value(child) for child in element.findall(dcc(tag)))
    for child in element.findall(dcc("mandatoryLangCodeISO639_1")):
        if v.value(child) not in v.used_languages:
            v.report(child, f"mandatory language {v.value(child)!r} is not among the used languages")


def _item(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _e(dcc("name"), check=_text),
            _many(dcc("equipmentClass")),
            _opt(dcc("description")),
            _opt(dcc("owner"), _contact),
            _opt(dcc("installedSoftwares"), _software_list),
            _opt(dcc("manufacturer"), _contact_not_strict),
            _opt(dcc("model"), _not_empty),
            _e(dcc("identifications"), check=_identifications),
            _opt(dcc("itemQuantities")),
            _opt(dcc("subItems"), _items),
        ),
    )


def _items(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _opt(dcc("name"), _text),
            _many(dcc("equipmentClass")),
            _opt(dcc("description")),
            _opt(dcc("owner"), _contact),
            _opt(dcc("manufacturer"), _contact_not_strict),
            _opt(dcc("identifications"), _identifications),
            _many(dcc("item"), 1, _item),
        ),
    )


def _laboratory(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _opt(dcc("calibrationLaboratoryCode"), _not_empty),
            _e(dcc("contact"), check=_contact),
            _opt(dcc("cryptElectronicSeal"), _boolean),
            _opt(dcc("cryptElectronicSignature"), _boolean),
            _opt(dcc("cryptElectronicTimeStamp"), _boolean),
        ),
    )


def _resp_person(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _e(dcc("person"), check=_contact_not_strict),
            _opt(dcc("description")),
            _opt(dcc("role"), _not_empty),
            _opt(dcc("mainSigner"), _boolean),
            _opt(dcc("cryptElectronicSeal"), _boolean),
            _opt(dcc("cryptElectronicSignature"), _boolean),
            _opt(dcc("cryptElectronicTimeStamp"), _boolean),
        ),
    )


def _resp_persons(v: _Validator, element: _Element) -> None:
    v.sequence(element, (_many(dcc("respPerson"), 1, _resp_person),))


def _statement(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _opt(dcc("name"), _text),
            _opt(dcc("description")),
            _many(dcc("countryCodeISO3166_1"), 0, _country),
            _opt(dcc("convention"), _not_empty),
            _opt(dcc("traceable"), _boolean),
            _many(dcc("norm"), 0, _not_empty),
            _many(dcc("reference"), 0, _not_empty),
            _many(dcc("link")),
            _opt(dcc("declaration")),
            _opt((dcc("valid"), dcc("validXMLList"))),
            _opt(dcc("date"), _date),
            _opt(dcc("period")),
            _opt(dcc("respAuthority"), _contact),
            _opt(
                (dcc("conformity"), dcc("conformityXMLList")),
                lambda v, e: v.enum(e, CONFORMITIES) if e.tag == dcc("conformity") else None,
            ),
            _opt(dcc("data"), _data),
            _opt(dcc("nonSIDefinition")),
            _opt(dcc("nonSIUnit")),
            _opt(dcc("location"), _location),
        ),
    )


def _statements(v: _Validator, element: _Element) -> None:
    v.sequence(element, (_many(dcc("statement"), 1, _statement),))


def _metadata_list(v: _Validator, element: _Element) -> None:
    v.sequence(element, (_many(dcc("metaData"), 1, _statement),))


def _administrative_data(v: _Validator, element: _Element) -> None:
    # coreData first, so that the declared languages are known to the later checks.
    v.all_group(
        element,
        (
            _e(dcc("dccSoftware"), check=_software_list),
            _opt(dcc("refTypeDefinitions")),
            _e(dcc("coreData")),
            _e(dcc("items"), check=_items),
            _e(dcc("calibrationLaboratory"), check=_laboratory),
            _e(dcc("respPersons"), check=_resp_persons),
            _e(dcc("customer"), check=_contact),
            _opt(dcc("statements"), _statements),
        ),
    )
    core = element.find(dcc("coreData"))
    if core is not None:
        _core_data(v, core)


def _used_method(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _e(dcc("name"), check=_text),
            _opt(dcc("description")),
            _many(dcc("norm"), 0, _not_empty),
            _many(dcc("reference"), 0, _not_empty),
            _many(dcc("link")),
            _opt(dcc("usedMethodQuantities")),
        ),
    )


def _used_methods(v: _Validator, element: _Element) -> None:
    v.sequence(element, (_many(dcc("usedMethod"), 1, _used_method),))


def _equipment(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _e(dcc("name"), check=_text),
            _many(dcc("equipmentClass")),
            _opt(dcc("description")),
            _opt(dcc("certificate")),
            _opt(dcc("manufacturer"), _contact_not_strict),
            _opt(dcc("model"), _not_empty),
            _opt(dcc("identifications"), _identifications),
            _opt(dcc("measuringEquipmentQuantities")),
            _opt(dcc("installedSoftware"), _software_list),
        ),
    )


def _equipments(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _opt(dcc("name"), _text),
            _many(dcc("equipmentClass")),
            _opt(dcc("description")),
            _opt(dcc("owner"), _contact),
            _opt(dcc("identifications"), _identifications),
            _many(dcc("measuringEquipment"), 1, _equipment),
        ),
    )


def _condition(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _e(dcc("name"), check=_text),
            _opt(dcc("description")),
            _opt(dcc("status")),
            _opt(dcc("certificate")),
            _e(dcc("data"), check=_data),
        ),
    )


def _conditions(v: _Validator, element: _Element) -> None:
    v.sequence(element, (_many(dcc("influenceCondition"), 1, _condition),))


_SI_VALUES = (
    si("real"),
    si("list"),
    si("hybrid"),
    si("complex"),
    si("constant"),
    si("realListXMLList"),
    si("complexListXMLList"),
    dcc("noQuantity"),
    dcc("charsXMLList"),
)


def _context() -> tuple[_Entry, ...]:
    return (
        _opt(dcc("usedMethods"), _used_methods),
        _opt(dcc("usedSoftware"), _software_list),
        _opt(dcc("measuringEquipments"), _equipments),
        _opt(dcc("influenceConditions"), _conditions),
        _opt(dcc("measurementMetaData"), _metadata_list),
    )


def _quantity(v: _Validator, element: _Element) -> None:
    # si:real and si:realListXMLList are checked wherever they occur (see _check_si).
    v.sequence(
        element,
        (
            _opt(dcc("name"), _text),
            _opt(dcc("description")),
            _e(_SI_VALUES),
            _opt(dcc("relativeUncertainty")),
            *_context(),
        ),
    )


def _list(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _opt(dcc("name"), _text),
            _opt(dcc("description")),
            _opt((dcc("dateTime"), dcc("dateTimeXMLList"))),
            _many(
                (dcc("list"), dcc("quantity")),
                1,
                lambda v, e: (_list if e.tag == dcc("list") else _quantity)(v, e),
            ),
            *_context(),
        ),
    )


def _data(v: _Validator, element: _Element) -> None:
    def dispatch(v: _Validator, child: _Element) -> None:
        if child.tag == dcc("quantity"):
            _quantity(v, child)
        elif child.tag == dcc("list"):
            _list(v, child)

    names = [dcc(name) for name in ("text", "formula", "byteData", "xml", "quantity", "list")]
    v.sequence(element, (_many(names, 1, dispatch),))


def _result(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (_e(dcc("name"), check=_text), _opt(dcc("description")), _e(dcc("data"), check=_data)),
    )


def _results(v: _Validator, element: _Element) -> None:
    v.sequence(element, (_many(dcc("result"), 1, _result),))


def _measurement_result(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            _e(dcc("name"), check=_text),
            _opt(dcc("description")),
            _opt(dcc("usedMethods"), _used_methods),
            _opt(dcc("usedSoftware"), _software_list),
            _opt(dcc("measuringEquipments"), _equipments),
            _opt(dcc("influenceConditions"), _conditions),
            _e(dcc("results"), check=_results),
            _opt(dcc("measurementMetaData"), _metadata_list),
        ),
    )


def _measurement_results(v: _Validator, element: _Element) -> None:
    v.sequence(
        element,
        (
            *_context(),
            _many(dcc("measurementResult"), 1, _measurement_result),
        ),
    )


def _root(v: _Validator, element: _Element) -> None:
    version = element.get("schemaVersion")
    if version is None:
        v.report(element, "missing attribute schemaVersion")
    elif not _SCHEMA_VERSION.fullmatch(version):
        v.report(element, f"schemaVersion {version!r} is not a DCC 3.x version")
    v.sequence(
        element,
        (
            _e(dcc("administrativeData"), check=_administrative_data),
            _e(dcc("measurementResults"), check=_measurement_results),
            _opt(dcc("comment")),
            _opt(dcc("document")),
            _many(_DSIG),
        ),
    )


# -- D-SI --------------------------------------------------------------------------------------


def _si_real(v: _Validator, element: _Element) -> None:
    def value(v: _Validator, e: _Element) -> None:
        v.number(e)

    def unit(v: _Validator, e: _Element) -> None:
        v.unit(e, (e.text or "").strip())

    v.sequence(
        element,
        (
            _opt(si("label")),
            _opt(si("quantityTypeQUDT")),
            _e(si("value"), check=value),
            _e(si("unit"), check=unit),
            _opt(si("dateTime")),
            _opt(
                (si("expandedUnc"), si("coverageInterval"), si("measurementUncertaintyUnivariate")),
                lambda v, e: _expanded_unc(v, e) if e.tag == si("expandedUnc") else None,
            ),
        ),
    )


def _expanded_unc(v: _Validator, element: _Element) -> None:
    def number(rule: Callable[[_Validator, _Element, Decimal], None]) -> Check:
        def check(v: _Validator, e: _Element) -> None:
            value = v.number(e)
            if value is not None:
                rule(v, e, value)

        return check

    v.sequence(
        element,
        (
            _e(si("uncertainty"), check=number(_Validator.uncertainty)),
            _e(si("coverageFactor"), check=number(_Validator.coverage_factor)),
            _e(si("coverageProbability"), check=number(_Validator.coverage_probability)),
            _opt(si("distribution"), _not_empty),
        ),
    )


def _si_real_list(v: _Validator, element: _Element) -> None:
    lengths: dict[str, int] = {}

    def numbers(rule: Callable[[_Validator, _Element, Decimal], None] | None) -> Check:
        def check(v: _Validator, e: _Element) -> None:
            values = v.numbers(e)
            if values is None:
                return
            lengths[prefixed(str(e.tag))] = len(values)
            if rule is not None:
                for value in values:
                    rule(v, e, value)

        return check

    def units(v: _Validator, e: _Element) -> None:
        tokens = (e.text or "").split()
        if not tokens:
            v.report(e, "si:unitXMLList is empty")
        for token in tokens:
            v.unit(e, token)
        lengths["si:unitXMLList"] = len(tokens)

    def words(v: _Validator, e: _Element) -> None:
        lengths[prefixed(str(e.tag))] = len((e.text or "").split())

    def uncertainty(v: _Validator, e: _Element) -> None:
        v.sequence(
            e,
            (
                _e(si("uncertaintyXMLList"), check=numbers(_Validator.uncertainty)),
                _e(si("coverageFactorXMLList"), check=numbers(_Validator.coverage_factor)),
                _e(si("coverageProbabilityXMLList"), check=numbers(_Validator.coverage_probability)),
                _opt(si("distributionXMLList"), words),
            ),
        )

    v.sequence(
        element,
        (
            _opt(si("labelXMLList"), words),
            _opt(si("quantityTypeQUDTXMLList")),
            _e(si("valueXMLList"), check=numbers(None)),
            _e(si("unitXMLList"), check=units),
            _opt(si("dateTimeXMLList")),
            _opt(
                (
                    si("expandedUncXMLList"),
                    si("coverageIntervalXMLList"),
                    si("measurementUncertaintyUnivariateXMLList"),
                ),
                lambda v, e: uncertainty(v, e) if e.tag == si("expandedUncXMLList") else None,
            ),
        ),
    )
    count = lengths.get("si:valueXMLList")
    if count is not None:
        for name, length in lengths.items():
            if name != "si:valueXMLList" and length not in {1, count}:
                v.report(element, f"{name} has {length} entries; expected 1 or {count} (one per value)")


def _check_si(v: _Validator, root: _Element) -> None:
    for element in root.iter(si("real")):
        _si_real(v, element)
    for element in root.iter(si("realListXMLList")):
        _si_real_list(v, element)


def _check_languages(v: _Validator, root: _Element) -> None:
    parents: dict[_Element, list[_Element]] = {}
    for content in root.iter(dcc("content")):
        lang = content.get("lang")
        if lang is not None and v.used_languages and lang not in v.used_languages:
            v.report(content, f"language {lang!r} is not declared in dcc:usedLangCodeISO639_1")
        parent = content.getparent()
        if parent is not None:
            parents.setdefault(parent, []).append(content)
    for parent, contents in parents.items():
        langs = {content.get("lang") for content in contents} - {None}
        if langs:
            for lang in sorted(v.mandatory_languages - langs):
                v.report(parent, f"no text in mandatory language {lang!r}")


def check(root: _Element) -> list[Problem]:
    """NQI's built-in structural checks of a parsed document, sorted by line."""
    v = _Validator()
    tag = str(root.tag)
    if tag != dcc("digitalCalibrationCertificate"):
        if local(tag) == "digitalCalibrationCertificate":
            message = f"root element is in namespace {namespace(tag)!r}, expected {DCC!r}"
        else:
            message = f"root element is {prefixed(tag)}, expected dcc:digitalCalibrationCertificate"
        v.report(root, message)
        return v.problems
    _root(v, root)
    _check_si(v, root)
    _check_languages(v, root)
    return sorted(v.problems, key=lambda p: (p.line or 0, p.path, p.message))


def validate(xml: Source, schema: str | PathLike[str] | None = None) -> list[Problem]:
    """All problems of the DCC ``xml`` (bytes, XML text or file path); empty if valid.

    Malformed XML raises :class:`DccError`. With ``schema`` (a folder holding ``dcc.xsd`` and
    the schemas it imports, or the path of the main XSD file) the document is also validated
    against the XSD and both sets of problems are merged, sorted by line.
    """
    root = load(xml)
    problems = check(root)
    if schema is not None:
        from nqi.dcc.xsd import xsd_problems

        problems.extend(xsd_problems(root, Path(schema)))
        problems.sort(key=lambda p: (p.line or 0, p.path, p.source, p.message))
    return problems
