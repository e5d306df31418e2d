"""validate(): NQI's built-in structural checks and the D-SI unit grammar."""

from __future__ import annotations

import pytest

from nqi.dcc import DccError, Problem, check_unit, is_valid_unit, validate

from .conftest import EXAMPLE_XML


def messages(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems]


def test_example_is_valid(example_xml):
    assert validate(example_xml) == []
    assert validate(EXAMPLE_XML) == []


def test_missing_unique_identifier(example_xml):
    xml = example_xml.replace(b"<dcc:uniqueIdentifier>VN-DMC-M-2026-0042</dcc:uniqueIdentifier>", b"")
    (problem,) = validate(xml)
    assert problem.message == "missing required element dcc:uniqueIdentifier in dcc:coreData"
    assert problem.line == 13
    assert problem.path == "/dcc:digitalCalibrationCertificate/dcc:administrativeData/dcc:coreData"
    assert "line 13" in str(problem)


def test_empty_unique_identifier(example_xml):
    xml = example_xml.replace(b">VN-DMC-M-2026-0042<", b"> <")
    (problem,) = validate(xml)
    assert "dcc:uniqueIdentifier must not be empty" in problem.message
    assert problem.line == 19


def test_wrong_order(example_xml):
    begin = b"<dcc:beginPerformanceDate>2026-11-16</dcc:beginPerformanceDate>"
    end = b"<dcc:endPerformanceDate>2026-11-18</dcc:endPerformanceDate>"
    xml = example_xml.replace(begin, b"@@").replace(end, begin).replace(b"@@", end)
    problems = validate(xml)
    assert "dcc:beginPerformanceDate is out of order: it must come before dcc:endPerformanceDate" in messages(
        problems
    )


def test_end_before_begin(example_xml):
    xml = example_xml.replace(b"<dcc:endPerformanceDate>2026-11-18", b"<dcc:endPerformanceDate>2026-11-01")
    assert messages(validate(xml)) == [
        "endPerformanceDate 2026-11-01 is before beginPerformanceDate 2026-11-16"
    ]


def test_undeclared_and_missing_mandatory_language(example_xml):
    xml = example_xml.replace(
        b'<dcc:content lang="vi">Qu\xe1\xba\xa3 c\xc3\xa2n 1 kg, c\xe1\xba\xa5p ch\xc3\xadnh x\xc3\xa1c E2',
        b'<dcc:content lang="fr">Poids 1 kg',
    )
    problems = validate(xml)
    assert "language 'fr' is not declared in dcc:usedLangCodeISO639_1" in messages(problems)
    assert "no text in mandatory language 'vi'" in messages(problems)


def test_bad_codes(example_xml):
    xml = example_xml.replace(b"<dcc:countryCodeISO3166_1>VN<", b"<dcc:countryCodeISO3166_1>Viet Nam<")
    xml = xml.replace(b"<dcc:performanceLocation>laboratory<", b"<dcc:performanceLocation>lab<")
    found = messages(validate(xml))
    assert "'Viet Nam' is not an ISO 3166-1 country code (two capital letters)" in found
    assert any(m.startswith("'lab' is not one of: laboratory") for m in found)


def test_real_without_value_and_unit(example_xml):
    xml = example_xml.replace(b"<si:value>20.3</si:value>", b"").replace(
        b"<si:unit>\\degreecelsius</si:unit>", b""
    )
    found = messages(validate(xml))
    assert "missing required element si:value in si:real" in found
    assert "missing required element si:unit in si:real" in found


def test_uncertainty_rules(example_xml):
    xml = example_xml.replace(
        b"<si:uncertainty>0.2</si:uncertainty>", b"<si:uncertainty>-0.2</si:uncertainty>"
    )
    xml = xml.replace(
        b"<si:coverageFactor>2</si:coverageFactor>", b"<si:coverageFactor>0</si:coverageFactor>", 1
    )
    xml = xml.replace(
        b"<si:coverageProbability>0.95</si:coverageProbability>",
        b"<si:coverageProbability>1.5</si:coverageProbability>",
        1,
    )
    problems = validate(xml)
    assert sorted(messages(problems)) == [
        "coverage factor 0 must be greater than 0",
        "coverage probability 1.5 must be in (0, 1]",
        "uncertainty -0.2 is negative",
    ]
    assert all(p.line is not None and p.line > 200 for p in problems)


def test_bad_unit_and_number(example_xml):
    xml = example_xml.replace(b"<si:unit>\\percent</si:unit>", b"<si:unit>\\procent</si:unit>")
    xml = xml.replace(b"<si:value>1008.5</si:value>", b"<si:value>1008,5</si:value>")
    found = messages(validate(xml))
    assert "D-SI unit '\\\\procent': unknown unit token \\procent" in found
    assert "'1008,5' is not a finite number" in found


def test_real_list_lengths_and_units(example_xml):
    xml = example_xml.replace(
        b"<si:unitXMLList>\\milli\\gram</si:unitXMLList>",
        b"<si:unitXMLList>\\milli\\gram \\gram</si:unitXMLList>"
        b"<si:expandedUncXMLList><si:uncertaintyXMLList>0.1 -0.1 0.1</si:uncertaintyXMLList>"
        b"<si:coverageFactorXMLList>2</si:coverageFactorXMLList>"
        b"<si:coverageProbabilityXMLList>0.95</si:coverageProbabilityXMLList></si:expandedUncXMLList>",
    )
    found = messages(validate(xml))
    assert "si:unitXMLList has 2 entries; expected 1 or 5 (one per value)" in found
    assert "si:uncertaintyXMLList has 3 entries; expected 1 or 5 (one per value)" in found
    assert "uncertainty -0.1 is negative" in found


def test_wrong_namespace_of_child(example_xml):
    xml = example_xml.replace(b"<dcc:measurementResults>", b'<measurementResults xmlns="urn:other">').replace(
        b"</dcc:measurementResults>", b"</measurementResults>"
    )
    found = messages(validate(xml))
    assert "measurementResults is in 'urn:other', expected namespace 'https://ptb.de/dcc'" in found
    assert "missing required element dcc:measurementResults in dcc:digitalCalibrationCertificate" in found


def test_unexpected_and_duplicate_elements(example_xml):
    xml = example_xml.replace(
        b"<dcc:model>E2-1KG-CYL</dcc:model>",
        b"<dcc:model>A</dcc:model><dcc:model>B</dcc:model><dcc:colour>red</dcc:colour>",
    )
    found = messages(validate(xml))
    assert "dcc:model may occur at most 1 time(s) here" in found
    assert "unexpected element dcc:colour in dcc:item" in found


def test_wrong_root_and_version():
    (problem,) = validate(b'<dcc:certificate xmlns:dcc="https://ptb.de/dcc"/>')
    assert problem.message == "root element is dcc:certificate, expected dcc:digitalCalibrationCertificate"
    found = messages(
        validate(b'<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="2.4.0"/>')
    )
    assert "schemaVersion '2.4.0' is not a DCC 3.x version" in found
    assert "missing required element dcc:administrativeData in dcc:digitalCalibrationCertificate" in found


def test_malformed_xml_raises():
    with pytest.raises(DccError) as info:
        validate(b"<a>\n<b></a>")
    assert info.value.line == 2


def test_administrative_data_is_an_all_group(example_xml):
    """In DCC 3.3.0 administrativeData is xs:all: its children may come in any order."""
    start = example_xml.index(b"    <dcc:customer>")
    end = example_xml.index(b"</dcc:customer>") + len(b"</dcc:customer>\n")
    customer = example_xml[start:end]
    xml = example_xml[:start] + example_xml[end:]
    position = xml.index(b"    <dcc:dccSoftware>")
    xml = xml[:position] + customer + xml[position:]
    assert validate(xml) == []


@pytest.mark.parametrize(
    "unit",
    [
        r"\metre",
        r"\kilogram",
        r"\degreecelsius",
        r"\ohm",
        r"\volt",
        r"\milli\metre",
        r"\percent",
        r"\hour",
        r"\minute",
        r"\metre\second\tothe{-2}",
        r"\metre\per\second",
        r"\kilo\gram\metre\tothe{2}\second\tothe{-3}",
        r"\micro\ohm\per\volt",
        r"\one",
        r"\hecto\pascal",
        r"\metre\tothe{0.5}",
    ],
)
def test_valid_units(unit):
    assert check_unit(unit) == []
    assert is_valid_unit(unit)


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("", "empty unit string"),
        ("metre", "unexpected text 'metre' at position 1"),
        (r"\meter", r"unknown unit token \meter"),
        (r"\milli", "unit string ends with a prefix"),
        (r"\metre\per", r"unit string ends with \per"),
        (r"\milli\kilogram", r"\kilogram does not take a prefix (\milli)"),
        (r"\kilo\percent", r"\percent does not take a prefix (\kilo)"),
        (r"\milli\micro\metre", r"two prefixes in a row (\milli\micro)"),
        (r"\tothe{2}", r"\tothe must follow a unit"),
        (r"\metre\tothe{two}", r"\tothe needs a numeric exponent in braces, got 'two'"),
        (r"\metre\tothe", r"\tothe needs a numeric exponent in braces, got None"),
        (r"\metre \second", "unexpected text ' \\\\second' at position 7"),
        (r"\metre{2}", r"\metre takes no argument"),
    ],
)
def test_invalid_units(unit, message):
    assert message in check_unit(unit)
    assert not is_valid_unit(unit)
