"""build() and parse(): structure, numbers, round trip and errors."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from lxml import etree

from nqi.dcc import (
    SCHEMA_VERSION,
    DccError,
    ExpandedUncertainty,
    Quantity,
    Real,
    build,
    dec,
    format_decimal,
    parse,
)

from .conftest import EXAMPLE_XML

DCC = "{https://ptb.de/dcc}"
SI = "{https://ptb.de/si}"


def test_example_file_is_what_the_script_builds(certificate, example_xml):
    assert build(certificate) == example_xml


def test_parse_example_file_gives_the_certificate(certificate):
    assert parse(EXAMPLE_XML) == certificate
    assert parse(str(EXAMPLE_XML)) == certificate
    assert parse(EXAMPLE_XML.read_text(encoding="utf-8")) == certificate


def test_round_trip_of_example(certificate):
    assert parse(build(certificate)) == certificate


def test_declaration_namespaces_and_version(certificate):
    xml = build(certificate)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = etree.fromstring(xml)
    assert root.tag == f"{DCC}digitalCalibrationCertificate"
    assert root.get("schemaVersion") == SCHEMA_VERSION == "3.3.0"
    assert root.nsmap == {"dcc": "https://ptb.de/dcc", "si": "https://ptb.de/si"}
    assert "Hà Nội".encode() in xml  # UTF-8, not character references


def test_element_order_follows_the_schema(certificate):
    root = etree.fromstring(build(certificate))
    names = [etree.QName(child).localname for child in root]
    assert names == ["administrativeData", "measurementResults", "comment"]
    admin = root.find(f"{DCC}administrativeData")
    assert [etree.QName(c).localname for c in admin] == [
        "dccSoftware",
        "coreData",
        "items",
        "calibrationLaboratory",
        "respPersons",
        "customer",
        "statements",
    ]
    core = admin.find(f"{DCC}coreData")
    assert [etree.QName(c).localname for c in core] == [
        "countryCodeISO3166_1",
        "usedLangCodeISO639_1",
        "usedLangCodeISO639_1",
        "mandatoryLangCodeISO639_1",
        "mandatoryLangCodeISO639_1",
        "uniqueIdentifier",
        "identifications",
        "receiptDate",
        "beginPerformanceDate",
        "endPerformanceDate",
        "performanceLocation",
        "issueDate",
    ]
    result = root.find(f"{DCC}measurementResults/{DCC}measurementResult")
    assert [etree.QName(c).localname for c in result] == [
        "name",
        "usedMethods",
        "measuringEquipments",
        "influenceConditions",
        "results",
    ]
    real = root.find(f".//{SI}real")
    assert [etree.QName(c).localname for c in real] == ["value", "unit", "expandedUnc"]
    unc = real.find(f"{SI}expandedUnc")
    assert [etree.QName(c).localname for c in unc] == [
        "uncertainty",
        "coverageFactor",
        "coverageProbability",
        "distribution",
    ]


def test_traceability_is_written_as_identification(certificate):
    root = etree.fromstring(build(certificate))
    ids = root.findall(f".//{DCC}measuringEquipment/{DCC}identifications/{DCC}identification")
    certificates = [i for i in ids if i.get("refType") == "nqi_calibrationCertificate"]
    assert [i.findtext(f"{DCC}value") for i in certificates] == ["NMI-M-2025-0456", "VN-DMC-M-2026-0007"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1.000"), "1.000"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("1.2E+3"), "1200"),
        (Decimal("-0.00050"), "-0.00050"),
        (Decimal("123456789.123456789"), "123456789.123456789"),
    ],
)
def test_numbers_are_plain_fixed_point(value, text):
    assert format_decimal(value) == text


def test_dec_keeps_or_rounds_significant_digits():
    assert dec(0.1) == Decimal("0.1") and str(dec(0.1)) == "0.1"
    assert format_decimal(dec(0.0499999, 3)) == "0.0500"
    assert format_decimal(dec(1.23456e-8, 2)) == "0.000000012"
    assert format_decimal(dec(0.0, 3)) == "0.00"
    assert format_decimal(dec("2.50")) == "2.50"
    with pytest.raises(ValueError):
        dec(float("nan"))
    with pytest.raises(ValueError):
        dec(1.0, 0)


def test_si_values_written_without_exponent(certificate):
    tiny = Quantity(
        None,
        Real(
            Decimal("1.5E-9"), r"\metre", ExpandedUncertainty(Decimal("2E-10"), Decimal(2), Decimal("0.95"))
        ),
    )
    measurement = certificate.measurement_results[0]
    result = dataclasses.replace(measurement.results[0], quantities=(tiny,))
    changed = dataclasses.replace(
        certificate, measurement_results=(dataclasses.replace(measurement, results=(result,)),)
    )
    xml = build(changed)
    assert b"<si:value>0.0000000015</si:value>" in xml
    assert b"<si:uncertainty>0.0000000002</si:uncertainty>" in xml
    assert b"E-" not in xml
    assert parse(xml) == changed


def test_build_rejects_float_values(certificate):
    measurement = certificate.measurement_results[0]
    bad = Quantity(None, Real(0.1, r"\metre"))  # type: ignore[arg-type]
    result = dataclasses.replace(measurement.results[0], quantities=(bad,))
    changed = dataclasses.replace(
        certificate, measurement_results=(dataclasses.replace(measurement, results=(result,)),)
    )
    with pytest.raises(DccError, match=r"si:value must be a decimal\.Decimal"):
        build(changed)


def test_build_requires_item_identifications(certificate):
    item = dataclasses.replace(certificate.items[0], identifications=())
    with pytest.raises(DccError, match="identifications") as info:
        build(dataclasses.replace(certificate, items=(item,)))
    assert info.value.element == "dcc:identifications"


def test_build_requires_laboratory_location(certificate):
    lab = dataclasses.replace(
        certificate.laboratory, contact=dataclasses.replace(certificate.laboratory.contact, location=None)
    )
    with pytest.raises(DccError, match="dcc:location"):
        build(dataclasses.replace(certificate, laboratory=lab))


def test_malformed_xml_reports_line():
    with pytest.raises(DccError) as info:
        parse(
            b'<?xml version="1.0"?>\n<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc">\n<a>\n</b>'
        )
    assert info.value.line == 4
    assert "malformed XML" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_wrong_root_and_namespace():
    with pytest.raises(DccError, match="expected dcc:digitalCalibrationCertificate"):
        parse(b"<certificate/>")
    with pytest.raises(DccError, match=re.escape("namespace 'https://example.org/dcc'")):
        parse(b'<digitalCalibrationCertificate xmlns="https://example.org/dcc" schemaVersion="3.3.0"/>')


def test_missing_required_field_names_the_element(example_xml):
    xml = example_xml.replace(b"<dcc:uniqueIdentifier>VN-DMC-M-2026-0042</dcc:uniqueIdentifier>", b"")
    with pytest.raises(DccError, match="dcc:uniqueIdentifier") as info:
        parse(xml)
    assert info.value.element == "dcc:uniqueIdentifier"
    assert info.value.line == 13  # the dcc:coreData element


def test_missing_unit_names_the_element(example_xml):
    xml = example_xml.replace(b"<si:unit>\\percent</si:unit>", b"", 1)
    with pytest.raises(DccError, match="missing required element si:unit in si:real"):
        parse(xml)


def test_bad_number_and_date(example_xml):
    with pytest.raises(DccError, match="si:value: not a number"):
        parse(example_xml.replace(b"<si:value>20.3</si:value>", b"<si:value>twenty</si:value>"))
    with pytest.raises(DccError, match="is not a date"):
        parse(example_xml.replace(b"2026-11-16", b"16/11/2026"))


def test_no_entity_expansion_or_dtd():
    evil = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc">&lol2;</dcc:digitalCalibrationCertificate>"""
    with pytest.raises(DccError, match="DTD"):
        parse(evil)
    external = b"""<?xml version="1.0"?>
<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><x/>"""
    with pytest.raises(DccError, match="DTD"):
        parse(external)


def test_unsupported_quantity_is_an_error_not_silently_dropped(example_xml):
    xml = example_xml.replace(b"<si:real>", b"<si:hybrid><si:real>", 1).replace(
        b"</si:real>", b"</si:real></si:hybrid>", 1
    )
    with pytest.raises(DccError, match="si:hybrid"):
        parse(xml)


def test_text_helpers(certificate):
    name = certificate.items[0].name
    assert name.get("vi") == "Quả cân 1 kg, cấp chính xác E2"
    assert name.get("de") == name.get("en")
    assert name.languages() == ("en", "vi")
    assert certificate.items[0].serial_number == "W-23-0815"
    assert len(list(certificate.iter_quantities())) == 3


def test_real_of_rounds_like_a_certificate():
    real = Real.of(20.2834, r"\degreecelsius", uncertainty=0.2)
    assert (format_decimal(real.value), format_decimal(real.uncertainty.uncertainty)) == ("20.28", "0.20")
    assert real.uncertainty.coverage_factor == 2 and real.uncertainty.coverage_probability == Decimal("0.95")
    real = Real.of(1.00000123, r"\kilogram", uncertainty=4.87e-7)
    assert (format_decimal(real.value), format_decimal(real.uncertainty.uncertainty)) == (
        "1.00000123",
        "0.00000049",
    )
    assert format_decimal(Real.of(1234.5678, r"\metre", uncertainty=12.3).value) == "1235"
    assert format_decimal(Real.of(3.14159, r"\one", digits=3).value) == "3.14"
    assert Real.of("2.50", r"\volt").value.as_tuple().exponent == -2
