"""KCDB-shaped JSON: import of a real file, export, the round trip, and all-or-nothing imports that
report every rejected record."""

import json
from pathlib import Path

import pytest

from nqi.metrology import kcdb
from nqi.metrology.demo.taxonomy import load_taxonomy
from nqi.metrology.models import Cmc
from nqi.metrology.services.capabilities import cmc_uncertainty_at

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture
def taxonomy(net):
    load_taxonomy()
    return net


def read(name: str) -> list:
    return kcdb.parse_document((DATA / name).read_bytes())


def test_import_export_round_trip(taxonomy):
    records = read("kcdb_cmcs.json")
    dry = kcdb.import_records(records, dry_run=True)
    assert (dry.created, dry.errors) == (6, []) and not Cmc.objects.exists()
    report = kcdb.import_records(records)
    assert (report.created, report.updated, report.unchanged, report.errors) == (6, 0, 0, [])

    voltage = Cmc.objects.get(kcdb_code="APMP-EM-VN-00000T02-1")  # matched by its labels, not a code
    assert voltage.service.code == "EM-1.1" and voltage.uncertainty_kind == "relative"
    assert voltage.traceability_source.acronym == "KRISS" and voltage.status == "published"
    thermometer = Cmc.objects.get(kcdb_code="APMP-T-VN-00000T03-1")
    assert thermometer.uncertainty_kind == "equation" and thermometer.status == "regional_review"
    assert cmc_uncertainty_at(thermometer, 100) == pytest.approx((0.002**2 + 0.0015**2) ** 0.5)
    quatest = Cmc.objects.get(kcdb_code="NQI-M-VN-QT1-0001")
    assert quatest.uncertainty_table == [[0.001, 0.01], [1.0, 0.5], [10.0, 5.0]]
    assert Cmc.objects.get(kcdb_code="APMP-M-KR-00000T05-1").laboratory.acronym == "KRISS"

    document = kcdb.export_document(kcdb.export_queryset())
    assert document["totalElements"] == 6
    exported = {r["kcdbCode"]: r for r in document["data"]}
    weights = exported["APMP-M-VN-00000T01-1"]
    assert weights["cmc"] == {"lowerLimit": 1e-06, "upperLimit": 20.0, "unit": "kg"}
    assert weights["cmcUncertainty"] == {"lowerLimit": 0.003, "upperLimit": 30.0, "unit": "mg"}
    assert (weights["metrologyAreaLabel"], weights["nmiCode"], weights["countryCode"]) == ("M", "VMI", "VN")
    assert (
        weights["branchValue"] == "Mass"
        and weights["individualServiceValue"] == "Weights of classes E1 to M3"
    )
    assert weights["parameters"] == [{"parameterName": "Accuracy class", "parameterValue": "E2 and below"}]
    assert (weights["approvalDate"], weights["publicationDate"], weights["status"]) == (
        "2019-05-20",
        "2019-06-01",
        "Published",
    )
    assert exported["APMP-T-VN-00000T03-1"]["uncertaintyEquation"]["equation"] == "Q[0.002, 1.5e-5*x]"
    table = json.loads(exported["NQI-M-VN-QT1-0001"]["uncertaintyTable"]["tableContents"])
    assert table["row_2"] == {"col_1": 1.0, "col_2": 0.5}
    assert exported["NQI-M-UZ-NIM-0001"]["uncertaintyMode"] == "Relative"

    # Re-importing the export changes nothing; a changed record updates its CMC in place.
    text = json.dumps(document)
    again = kcdb.import_records(kcdb.parse_document(text))
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 6, [])
    changed = json.loads(text)
    changed["data"][0]["cmc"]["upperLimit"] = 50
    update = kcdb.import_records(kcdb.records_of(changed))
    assert (update.created, update.updated) == (0, 1) and Cmc.objects.count() == 6
    code = changed["data"][0]["kcdbCode"]
    assert Cmc.objects.get(kcdb_code=code).range_high == 50

    # Into an empty register, the export recreates the same CMCs.
    before = {c.kcdb_code: (c.range_low, c.range_high, c.unit, c.uncertainty_kind) for c in Cmc.objects.all()}
    Cmc.objects.all().delete()
    assert kcdb.import_records(kcdb.records_of(changed)).created == 6
    after = {c.kcdb_code: (c.range_low, c.range_high, c.unit, c.uncertainty_kind) for c in Cmc.objects.all()}
    assert after == before


def test_every_rejected_record_is_reported_and_nothing_is_written(taxonomy):
    report = kcdb.import_records(read("kcdb_invalid.json"))
    assert not Cmc.objects.exists() and report.created == 1  # the one good record was not written
    found = {(e.index, e.field) for e in report.errors}
    assert found == {
        (1, "nmiCode"),
        (2, "nqiServiceCode"),
        (3, "cmc.upperLimit"),
        (4, "cmc.unit"),
        (5, "cmc.lowerLimit"),
        (6, "approvalDate"),
        (7, "uncertaintyEquation.equation"),
        (8, "kcdbCode"),
        (9, "record"),
        (10, "status"),
    }
    messages = {index: " ".join(e.message for e in report.errors if e.index == index) for index in range(11)}
    assert "NOPE" in messages[1] and "X-9.9" in messages[2] and "record 0" in messages[8]
    assert "furlong" in messages[4] and "“y”" in messages[7] and "Approved?" in messages[10]
    error = report.as_validation_error()
    assert "data[4].cmc.unit" in error.message_dict
    with pytest.raises(kcdb.KcdbFormatError):
        kcdb.parse_document(b"{not json")
    with pytest.raises(kcdb.KcdbFormatError):
        kcdb.parse_document(b'{"data": 5}')


def test_import_rows_need_permission_and_publishing_an_administrator(taxonomy):
    records = read("kcdb_cmcs.json")
    report = kcdb.import_records(records, user=taxonomy.vmi_user)
    problems = {(e.index, e.field) for e in report.errors}
    # VMI's own published CMCs need an administrator; other laboratories are out of scope.
    assert (0, "status") in problems and (1, "status") in problems
    assert (3, "nmiCode") in problems and (4, "nmiCode") in problems and (5, "nmiCode") in problems
    assert (2, "status") not in problems and (2, "nmiCode") not in problems  # regional review: fine
    assert not Cmc.objects.exists()
    assert kcdb.import_records(records, user=taxonomy.admin).created == 6
