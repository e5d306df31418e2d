"""DCC import: round trip of NQI's own DCC, a foreign DCC from another NMI, and refused files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nqi.metrology.certificates.importing import import_dcc, read_dcc
from nqi.metrology.models import CalibrationPoint, CalibrationRecord, Instrument, RecordStatus
from tests.metrology import test_certificates_setup

certs = test_certificates_setup.certs  # the shared fixture
DATA = Path(__file__).parent / "data" / "dcc"
POINT_FIELDS = (
    "quantity",
    "unit",
    "nominal",
    "reference",
    "as_found",
    "as_left",
    "uncertainty",
    "coverage_factor",
    "mpe",
)


def _renumbered(xml: bytes, old: str, new: str) -> bytes:
    return xml.replace(f"<dcc:uniqueIdentifier>{old}<".encode(), f"<dcc:uniqueIdentifier>{new}<".encode())


def _points(record) -> list[tuple]:
    return [tuple(getattr(p, f) for f in POINT_FIELDS) for p in record.points.order_by("position")]


def test_round_trip_gives_the_same_points(certs):
    record = certs.record
    plan = read_dcc(record.dcc_xml.encode())
    assert plan.number == record.certificate_number and plan.serial == "SN-330-4411"
    expected = [dict(zip(POINT_FIELDS, row, strict=True)) for row in _points(record)]
    for row, want in zip(plan.points, expected, strict=True):
        assert {k: row.get(k) for k in POINT_FIELDS} == want
    assert plan.conditions == {"temperature": 20.4, "humidity": 48.0, "pressure": 1008.5}
    assert plan.standard_numbers == [certs.standard_record.certificate_number]

    # Imported by the same laboratory under a new number: a draft with the same points and standards.
    xml = _renumbered(record.dcc_xml.encode(), record.certificate_number, "VMI-2026-IMPORT-1")
    imported = import_dcc(certs.net.vmi_user, xml, certs.net.vmi)
    assert imported.status == RecordStatus.DRAFT and not imported.external
    assert imported.item == certs.item and imported.laboratory == certs.net.vmi
    assert imported.customer == certs.net.quatest
    assert _points(imported) == _points(record)
    assert set(imported.standards_used.values_list("standard__asset_number", flat=True)) == {"W-1"}


def test_foreign_dcc_becomes_an_external_issued_record(certs):
    net = certs.net
    xml = (DATA / "kriss_weight_1kg.xml").read_bytes()
    record = import_dcc(net.vmi_user, xml, net.vmi)
    assert record.status == RecordStatus.ISSUED and record.external
    assert record.laboratory == net.kriss and record.certificate_number == "KRISS-M-2026-0815"
    assert record.dcc_xml.encode() == xml and len(record.dcc_sha256) == 64
    assert record.calibrated_on.isoformat() == "2026-02-04" and record.issued_on.isoformat() == "2026-02-10"
    assert (record.temperature, record.humidity, record.pressure) == (20.1, 45.0, 1012.3)
    assert "BIPM-2025-77" in record.remarks  # the standard's certificate is not recorded here
    item = record.item
    assert (item.owner, item.serial_number, item.asset_number) == (net.vmi, "KR-E1-0042", "VMI-W-1KG")
    assert item.last_calibrated == record.calibrated_on
    points = [(p.quantity, p.unit, p.nominal, p.as_found, p.uncertainty) for p in record.points.all()]
    assert points == [
        ("Conventional mass", "kg", 1.0, 1.00000023, 1.6e-07),
        ("Deviation from nominal", "mg", 0.23, 0.23, 0.16),
    ]
    # The same file again is refused; so is the certificate of a lab the user does not belong to.
    with pytest.raises(ValidationError, match="already recorded"):
        import_dcc(net.vmi_user, xml, net.vmi)
    with pytest.raises(PermissionDenied):
        import_dcc(net.quatest_user, xml, net.vmi)

    # An issuer that cannot be matched must be chosen; a chosen item must have the DCC's serial.
    xml = _renumbered(xml, "KRISS-M-2026-0815", "KRISS-M-2026-0816")
    xml = xml.replace(b"<dcc:calibrationLaboratoryCode>KRISS<", b"<dcc:calibrationLaboratoryCode>XYZ<")
    xml = xml.replace(b"Korea Research Institute of Standards and Science", b"Some Lab")
    with pytest.raises(ValidationError, match="not known: choose it"):
        import_dcc(net.vmi_user, xml, net.vmi)
    with pytest.raises(ValidationError, match="serial number KR-E1-0042"):
        import_dcc(net.vmi_user, xml, net.vmi, laboratory=net.kriss, item=certs.working)
    record = import_dcc(net.vmi_user, xml, net.vmi, laboratory=net.kriss)
    assert record.laboratory == net.kriss and record.external


BAD_FILES = {
    "not_xml.xml": "malformed XML",
    "wrong_root.xml": "dcc:digitalCalibrationCertificate",
    "unknown_unit.xml": r"\furlong",
    "no_serial.xml": "no serial number",
}


def test_bad_files_are_refused_with_a_clear_error_and_nothing_is_written(certs, settings):
    def counts():
        return (
            CalibrationRecord.objects.count(),
            CalibrationPoint.objects.count(),
            Instrument.objects.count(),
        )

    before = counts()
    for name, message in BAD_FILES.items():
        with pytest.raises(ValidationError) as caught:
            import_dcc(certs.net.vmi_user, (DATA / name).read_bytes(), certs.net.vmi)
        errors = caught.value.message_dict["file"]
        assert any(message in error for error in errors), (name, errors)
    for content, message in ((b"", "empty"), ("é".encode("latin-1") + b"<x/>", "UTF-8")):
        with pytest.raises(ValidationError, match=message):
            import_dcc(certs.net.vmi_user, content, certs.net.vmi)
    settings.NQI_DCC_SCHEMA_DIR = str(DATA / "strict_schema")  # the configured XSD applies too
    with pytest.raises(ValidationError, match=r"9\.9\.9"):
        import_dcc(certs.net.vmi_user, (DATA / "kriss_weight_1kg.xml").read_bytes(), certs.net.vmi)
    assert counts() == before
