"""Immutable data model of the digital calibration certificates NQI issues.

The classes follow the structure of the PTB DCC schema 3.3.0 (``https://ptb.de/dcc``) with
D-SI 2.x quantities (``https://ptb.de/si``), restricted to what NQI writes. Numbers are
:class:`decimal.Decimal` (see :mod:`nqi.dcc.numbers`), dates :class:`datetime.date`, and all
sequences tuples, so that certificates are hashable and compare by value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

__all__ = [
    "CERTIFICATE_REF_TYPE",
    "SCHEMA_VERSION",
    "CalibrationLaboratory",
    "Certificate",
    "Conformity",
    "Contact",
    "CoreData",
    "ExpandedUncertainty",
    "ExpandedUncertaintyList",
    "Identification",
    "InfluenceCondition",
    "Issuer",
    "Item",
    "Location",
    "MeasurementResult",
    "MeasuringEquipment",
    "PerformanceLocation",
    "Quantity",
    "Real",
    "RealList",
    "RespPerson",
    "Result",
    "Software",
    "Statement",
    "Text",
    "UsedMethod",
]

#: ``schemaVersion`` written on the root element.
SCHEMA_VERSION = "3.3.0"
#: ``refType`` of the identification that carries a reference standard's certificate number.
CERTIFICATE_REF_TYPE = "nqi_calibrationCertificate"

Issuer = Literal["manufacturer", "calibrationLaboratory", "customer", "owner", "other"]
PerformanceLocation = Literal["laboratory", "customer", "laboratoryBranch", "customerBranch", "other"]
Conformity = Literal["pass", "fail", "conditionalPass", "conditionalFail", "noPass", "noFail"]

ISSUERS: tuple[str, ...] = ("manufacturer", "calibrationLaboratory", "customer", "owner", "other")
PERFORMANCE_LOCATIONS: tuple[str, ...] = (
    "laboratory",
    "customer",
    "laboratoryBranch",
    "customerBranch",
    "other",
)
CONFORMITIES: tuple[str, ...] = ("pass", "fail", "conditionalPass", "conditionalFail", "noPass", "noFail")


@dataclass(frozen=True)
class Text:
    """Multilingual text (``dcc:textType``): ``(language, text)`` pairs; language may be None."""

    contents: tuple[tuple[str | None, str], ...]

    @classmethod
    def of(cls, text: str | None = None, /, **languages: str) -> Text:
        """``Text.of(en="Mass", vi="Khối lượng")``; ``Text.of("Nguyen Van A")`` has no language."""
        pairs: list[tuple[str | None, str]] = [] if text is None else [(None, text)]
        pairs.extend(languages.items())
        if not pairs:
            raise ValueError("a text needs at least one content")
        return cls(tuple(pairs))

    def get(self, language: str | None = None) -> str:
        """The text in ``language``, else the text without language, else the first one."""
        for lang, text in self.contents:
            if lang == language:
                return text
        for lang, text in self.contents:
            if lang is None:
                return text
        return self.contents[0][1]

    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.contents if lang is not None)

    def __str__(self) -> str:
        return self.get()


@dataclass(frozen=True)
class Identification:
    """``dcc:identification``: e.g. a serial number (issuer ``manufacturer``)."""

    issuer: Issuer
    value: str
    name: Text | None = None
    ref_type: str | None = None


@dataclass(frozen=True)
class Location:
    """Postal address (``dcc:locationType``); every part optional."""

    street: str | None = None
    street_no: str | None = None
    post_code: str | None = None
    city: str | None = None
    state: str | None = None
    country_code: str | None = None
    further: Text | None = None


@dataclass(frozen=True)
class Contact:
    """``dcc:contactType`` (location required) or ``contactNotStrictType`` (location optional)."""

    name: Text
    email: str | None = None
    phone: str | None = None
    fax: str | None = None
    link: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Software:
    """Software that produced the DCC (``dcc:dccSoftware/dcc:software``)."""

    name: Text
    release: str
    type: str | None = None


@dataclass(frozen=True)
class CoreData:
    """``dcc:coreData``: country, languages, certificate number and performance dates."""

    country_code: str
    used_languages: tuple[str, ...]
    mandatory_languages: tuple[str, ...]
    unique_identifier: str
    begin_performance_date: date
    end_performance_date: date
    performance_location: PerformanceLocation = "laboratory"
    identifications: tuple[Identification, ...] = ()
    receipt_date: date | None = None
    issue_date: date | None = None


@dataclass(frozen=True)
class Item:
    """A calibrated item; ``identifications`` (e.g. the serial number) is required by the schema."""

    name: Text
    identifications: tuple[Identification, ...]
    manufacturer: Contact | None = None
    model: str | None = None

    @property
    def serial_number(self) -> str | None:
        for identification in self.identifications:
            if identification.issuer == "manufacturer":
                return identification.value
        return None


@dataclass(frozen=True)
class CalibrationLaboratory:
    """The laboratory issuing the certificate; its contact must have a location."""

    contact: Contact
    code: str | None = None


@dataclass(frozen=True)
class RespPerson:
    """A responsible person; ``main_signer`` is written only when true."""

    person: Contact
    role: str | None = None
    main_signer: bool = False


@dataclass(frozen=True)
class Statement:
    """``dcc:statement``, e.g. a conformity verdict (``conformity="pass"``) against ``norms``."""

    name: Text | None = None
    declaration: Text | None = None
    norms: tuple[str, ...] = ()
    traceable: bool | None = None
    conformity: Conformity | None = None
    ref_type: str | None = None


@dataclass(frozen=True)
class ExpandedUncertainty:
    """``si:expandedUnc``: expanded uncertainty U = k·u with its coverage probability."""

    uncertainty: Decimal
    coverage_factor: Decimal
    coverage_probability: Decimal
    distribution: str | None = "normal"


@dataclass(frozen=True)
class Real:
    """``si:real``: one value with its D-SI unit and optional expanded uncertainty."""

    value: Decimal
    unit: str
    uncertainty: ExpandedUncertainty | None = None
    label: str | None = None

    @classmethod
    def of(
        cls,
        value: Decimal | float | int | str,
        unit: str,
        *,
        uncertainty: Decimal | float | int | str | None = None,
        k: Decimal | float | int | str = 2,
        p: Decimal | float | int | str = "0.95",
        distribution: str | None = "normal",
        digits: int | None = None,
        uncertainty_digits: int = 2,
        label: str | None = None,
    ) -> Real:
        """A :class:`Real` from floats or Decimals, rounded the usual way.

        With ``uncertainty`` (the expanded uncertainty U), U is rounded to
        ``uncertainty_digits`` significant digits (default 2) and the value to the same decimal
        place: ``Real.of(1.00000123, r"\\kilogram", uncertainty=4.87e-7)`` gives 1.00000123 ±
        0.00000049. Without it, ``digits`` significant digits are kept (all if ``None``).
        """
        from nqi.dcc.numbers import dec

        if uncertainty is None:
            return cls(dec(value, digits), unit, None, label)
        u = dec(uncertainty, uncertainty_digits)
        exponent = u.as_tuple().exponent
        assert isinstance(exponent, int)  # dec() returns finite numbers
        try:
            rounded = dec(value).quantize(Decimal(1).scaleb(exponent))
        except InvalidOperation:
            raise ValueError(f"cannot round {value!r} to the decimal place of {u}") from None
        return cls(rounded, unit, ExpandedUncertainty(u, dec(k), dec(p), distribution), label)


@dataclass(frozen=True)
class ExpandedUncertaintyList:
    """``si:expandedUncXMLList``; each tuple has one entry per value or a single shared entry."""

    uncertainties: tuple[Decimal, ...]
    coverage_factors: tuple[Decimal, ...]
    coverage_probabilities: tuple[Decimal, ...]
    distributions: tuple[str, ...] = ()


@dataclass(frozen=True)
class RealList:
    """``si:realListXMLList``: values at calibration points; one unit for all or one per value."""

    values: tuple[Decimal, ...]
    units: tuple[str, ...]
    uncertainty: ExpandedUncertaintyList | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quantity:
    """``dcc:quantity`` holding a :class:`Real` or a :class:`RealList`."""

    name: Text | None
    value: Real | RealList
    ref_type: str | None = None


@dataclass(frozen=True)
class InfluenceCondition:
    """An influence condition (ambient temperature, relative humidity …) with its quantities."""

    name: Text
    quantities: tuple[Quantity, ...]
    ref_type: str | None = None


@dataclass(frozen=True)
class UsedMethod:
    """A calibration method, e.g. OIML R 111-1 (in ``norms``)."""

    name: Text
    description: Text | None = None
    norms: tuple[str, ...] = ()
    ref_type: str | None = None


@dataclass(frozen=True)
class MeasuringEquipment:
    """A reference standard or instrument used; ``certificate_number`` carries traceability.

    The certificate number is written as an identification with ``refType``
    :data:`CERTIFICATE_REF_TYPE` and issuer ``other``.
    """

    name: Text
    identifications: tuple[Identification, ...] = ()
    manufacturer: Contact | None = None
    model: str | None = None
    certificate_number: str | None = None
    ref_type: str | None = None


@dataclass(frozen=True)
class Result:
    """``dcc:result``: a named list of quantities."""

    name: Text
    quantities: tuple[Quantity, ...]
    ref_type: str | None = None


@dataclass(frozen=True)
class MeasurementResult:
    """``dcc:measurementResult``: methods, equipment, conditions and results."""

    name: Text
    results: tuple[Result, ...]
    used_methods: tuple[UsedMethod, ...] = ()
    measuring_equipments: tuple[MeasuringEquipment, ...] = ()
    influence_conditions: tuple[InfluenceCondition, ...] = ()
    ref_type: str | None = None


@dataclass(frozen=True)
class Certificate:
    """A digital calibration certificate."""

    software: tuple[Software, ...]
    core: CoreData
    items: tuple[Item, ...]
    laboratory: CalibrationLaboratory
    responsible_persons: tuple[RespPerson, ...]
    customer: Contact
    measurement_results: tuple[MeasurementResult, ...]
    statements: tuple[Statement, ...] = ()
    comment: Text | None = None

    @property
    def unique_identifier(self) -> str:
        return self.core.unique_identifier

    def iter_quantities(self) -> Iterator[tuple[MeasurementResult, Result, Quantity]]:
        """Every result quantity with its measurement result and result."""
        for measurement in self.measurement_results:
            for result in measurement.results:
                for quantity in result.quantities:
                    yield measurement, result, quantity
