"""build_dcc / check_dcc: the DCC of a real issued record, units, languages, conformity, the XSD hook."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from nqi.dcc import parse, validate
from nqi.metrology.certificates.dcc import build_dcc, check_dcc
from nqi.metrology.certificates.dsi_units import UnitConversionError, from_dsi, to_dsi
from tests.metrology import test_certificates_setup

certs = test_certificates_setup.certs  # the shared fixture
DATA = Path(__file__).parent / "data" / "dcc"
STRICT_SCHEMA = DATA / "strict_schema"


@pytest.mark.parametrize(
    ("symbol", "dsi"),
    [
        ("kg", r"\kilogram"),
        ("g", r"\gram"),
        ("mg", r"\milli\gram"),
        ("°C", r"\degreecelsius"),
        ("K", r"\kelvin"),
        ("V", r"\volt"),
        ("mV", r"\milli\volt"),
        ("Ω", r"\ohm"),
        ("ohm", r"\ohm"),
        ("kΩ", r"\kilo\ohm"),
        ("Pa", r"\pascal"),
        ("kPa", r"\kilo\pascal"),
        ("MPa", r"\mega\pascal"),
        ("hPa", r"\hecto\pascal"),
        ("bar", r"\bar"),
        ("N", r"\newton"),
        ("N m", r"\newton\metre"),
        ("m", r"\metre"),
        ("mm", r"\milli\metre"),
        ("µm", r"\micro\metre"),
        ("Hz", r"\hertz"),
        ("s", r"\second"),
        ("min", r"\minute"),
        ("lx", r"\lux"),
        ("dB", r"\decibel"),
        ("m/s^2", r"\metre\per\second\tothe{2}"),
        ("kg/m^3", r"\kilogram\per\metre\tothe{3}"),
        ("J/(kg K)", r"\joule\per\kilogram\per\kelvin"),
        ("%", r"\percent"),
        ("mol/mol", r"\mole\per\mole"),
        ("pH", r"\one"),
        ("", r"\one"),
    ],
)
def test_unit_table(symbol, dsi):
    assert to_dsi(symbol) == dsi
    if symbol not in ("ohm", "pH", ""):  # the preferred symbol comes back
        assert from_dsi(dsi) == symbol


@pytest.mark.parametrize("symbol", ["furlong", "m/", "(m", "mkg", "kkg"])
def test_unknown_units_are_named_in_the_error(symbol):
    with pytest.raises(UnitConversionError, match=r"unit '.*' cannot be converted"):
        to_dsi(symbol)


def test_issued_record_has_a_valid_dcc_with_points_standards_and_environment(certs):
    record = certs.record
    xml = record.dcc_xml.encode("utf-8")
    assert validate(xml) == []
    assert record.dcc_sha256 == hashlib.sha256(xml).hexdigest()
    assert build_dcc(record) == xml  # deterministic: rebuilding gives the same bytes
    certificate = parse(xml)
    assert certificate.unique_identifier == record.certificate_number
    assert certificate.core.country_code == "VN"
    assert certificate.core.used_languages == certificate.core.mandatory_languages == ("en", "vi")
    assert certificate.core.issue_date.isoformat() == "2026-03-05"
    item = certificate.items[0]
    assert item.serial_number == "SN-330-4411" and item.model == "HMT330"
    assert certificate.laboratory.code == "VMI"
    signers = [p for p in certificate.responsible_persons if p.main_signer]
    assert [str(p.person.name) for p in signers] == [str(certs.people[1])]
    measurement = certificate.measurement_results[0]
    assert [str(result.name) for result in measurement.results] == ["temperature", "relative humidity"]
    equipment = {str(e.name): e.certificate_number for e in measurement.measuring_equipments}
    assert equipment == {
        "National temperature standard": None,
        "Reference thermometer": certs.standard_record.certificate_number,
    }
    conditions = {c.ref_type: c.quantities[0].value for c in measurement.influence_conditions}
    assert conditions["nqi_ambientTemperature"].unit == r"\degreecelsius"
    assert conditions["nqi_relativeHumidity"].unit == r"\percent"
    assert conditions["nqi_airPressure"].value == Decimal("1008.5")
    assert conditions["nqi_airPressure"].unit == r"\hecto\pascal"
    temperature = {q.ref_type: q.value for q in measurement.results[0].quantities}
    assert temperature["nqi_nominalValue"].values == (Decimal(0), Decimal(20), Decimal(40))
    assert temperature["nqi_errorAsFound"].values == (Decimal("0.08"), Decimal("0.19"), Decimal("0.32"))
    assert temperature["nqi_indicationAsLeft"].labels == ("P1", "P3")  # P2 was not adjusted
    uncertainty = temperature["nqi_errorAsFound"].uncertainty
    assert uncertainty.uncertainties == (Decimal("0.12"),) * 3
    assert uncertainty.coverage_factors == (Decimal(2),)
    assert uncertainty.coverage_probabilities == (Decimal("0.95"),)
    humidity = {q.ref_type: q.value for q in measurement.results[1].quantities}
    assert humidity["nqi_indicationAsFound"].units == (r"\percent",)
    assert humidity["nqi_indicationAsFound"].uncertainty.coverage_factors == (Decimal("2.1"),)
    statements = {s.ref_type: s for s in certificate.statements}
    assert statements["nqi_conformityAsFound"].conformity == "fail"  # 84.1 % vs 80 % ± 3 %
    assert statements["nqi_traceability"].traceable is True
    assert "r = 0.5" in str(statements["nqi_decisionRule"].declaration)
    assert certificate.comment is None


def test_indeterminate_is_a_conditional_statement_and_revisions_say_what_they_replace(certs):
    from nqi.metrology.services.calibrations import issue, revise, save_draft

    net = certs.net
    record = certs.draft(customer=None, adjusted=False)
    # Only the 40 °C point: error 0.32 within MPE 0.3 + w (0.06) → indeterminate, but above ±MPE.
    rows = [{"quantity": "temperature", "unit": "°C", "nominal": 40, "as_found": 40.32}]
    rows = [{**row, "uncertainty": 0.12, "mpe": 0.3} for row in rows]
    record = issue(net.admin, save_draft(net.admin, record, {}, points=rows), issued_on=None)
    certificate = parse(record.dcc_xml.encode())
    statements = {s.ref_type: s.conformity for s in certificate.statements}
    assert record.as_found_verdict == "indeterminate"
    assert statements["nqi_conformityAsFound"] == "conditionalFail"
    assert str(certificate.customer.name) == net.quatest.name  # no customer: the item's owner
    revision = revise(net.admin, record, "Wrong nominal value")
    revision = issue(net.admin, revision)
    comment = parse(revision.dcc_xml.encode()).comment
    assert record.certificate_number in comment.get("en") and "Wrong nominal value" in comment.get("vi")


def test_languages_missing_data_and_the_schema_folder(certs, make_instrument, settings):
    from nqi.metrology.models import RecordStatus
    from nqi.metrology.services.calibrations import issue

    xml = certs.record.dcc_xml.encode()
    assert check_dcc(xml) == []
    problems = check_dcc(xml, schema=str(STRICT_SCHEMA))
    assert len(problems) == 1 and "9.9.9" in problems[0] and problems[0].endswith("(XSD)")
    assert check_dcc(b"<not-closed") and "malformed XML" in check_dcc(b"<not-closed")[0]
    assert "not found" in check_dcc(xml, schema=str(DATA / "missing"))[0]

    settings.NQI_DCC_SCHEMA_DIR = str(STRICT_SCHEMA)
    assert check_dcc(xml) == problems
    draft = certs.draft()
    with pytest.raises(ValidationError) as caught:
        issue(certs.net.admin, draft)
    assert "9.9.9" in " ".join(caught.value.message_dict["dcc"])
    draft.refresh_from_db()
    assert draft.status == RecordStatus.DRAFT and draft.dcc_xml == ""

    # A laboratory outside NQI's UI languages writes English only; bad data are named.
    from nqi.metrology.models import CalibrationPoint
    from nqi.metrology.services.calibrations import save_draft

    settings.NQI_DCC_SCHEMA_DIR = ""
    net = certs.net
    item = make_instrument(owner=net.kriss, asset="K-1", level="instrument")
    draft = save_draft(
        net.admin,
        None,
        {"item": item, "laboratory": net.kriss, "calibrated_on": certs.record.calibrated_on},
        points=[{"quantity": "mass", "unit": "kg", "nominal": 1, "as_found": 1.000001, "uncertainty": 2e-6}],
    )
    certificate = parse(build_dcc(draft))
    assert certificate.core.used_languages == ("en",) and certificate.core.country_code == "KR"
    assert certificate.measurement_results[0].results[0].quantities[0].value.units == (r"\kilogram",)

    CalibrationPoint.objects.filter(record=draft).update(unit="furlong")  # bypassing the validator
    with pytest.raises(ValidationError) as caught:
        build_dcc(draft)
    assert "furlong" in " ".join(caught.value.messages)
    draft.laboratory = net.bipm  # the BIPM has no country in the register
    with pytest.raises(ValidationError, match="has no country"):
        build_dcc(draft)
