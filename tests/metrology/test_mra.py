"""The mutual-recognition matrix: cell states from published CMCs and comparisons, filters, CSV, page, API."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from nqi.metrology import mra
from nqi.metrology.models import Cmc
from nqi.metrology.services import comparisons as services
from tests.metrology import test_comparisons_setup

kc = test_comparisons_setup.kc  # the fixture

pytestmark = pytest.mark.django_db


def cmc(laboratory, service, status="published", **data) -> Cmc:
    fields = {"quantity": service.quantity, "range_low": 0.001, "range_high": 1.0, "unit": service.unit}
    return Cmc.objects.create(
        laboratory=laboratory, service=service, status=status, uncertainty_low=1e-8, **fields | data
    )


@pytest.fixture
def matrix_world(kc):
    net = kc.net
    kc.submit_all()
    services.run_analysis(net.vmi_user, kc.comparison)
    services.publish(net.vmi_user, kc.comparison)
    cmc(net.vmi, net.mass)  # + equivalent in APMP.M.M-K1 → recognised
    cmc(net.kriss, net.mass)  # not equivalent → CMC without comparison evidence
    cmc(net.uznim, net.mass, status="draft")  # a draft CMC does not count; UzNIM was not equivalent
    cmc(net.kriss, net.temperature)  # another service and area
    return kc


def test_cells_states_and_evidence(matrix_world, django_assert_max_num_queries):
    net = matrix_world.net
    with django_assert_max_num_queries(4):
        matrix = mra.build()
    assert [s.code for s in matrix.services] == ["M-1.1", "T-1.1"]
    assert {lab.acronym for lab in matrix.laboratories} == {"VMI", "QUATEST 1", "KRISS"}
    assert matrix.cell(net.mass.pk, net.vmi.pk).state == mra.RECOGNISED
    assert matrix.cell(net.mass.pk, net.quatest.pk).state == mra.COMPARISON_ONLY
    assert matrix.cell(net.mass.pk, net.kriss.pk).state == mra.CMC_ONLY
    assert matrix.cell(net.mass.pk, net.uznim.pk) is None
    evidence = matrix.cell(net.mass.pk, net.vmi.pk).evidence
    assert evidence.identifier == "APMP.M.M-K1" and evidence.en == pytest.approx(0.962, abs=1e-3)
    assert matrix.counts() == {mra.RECOGNISED: 1, mra.CMC_ONLY: 2, mra.COMPARISON_ONLY: 1}
    vietnam = mra.build(countries=["vn"])
    assert {lab.acronym for lab in vietnam.laboratories} == {"VMI", "QUATEST 1"}
    thermometry = mra.build(area="T")
    assert [s.code for s in thermometry.services] == ["T-1.1"] and len(thermometry.cells) == 1
    page_csv_and_api(matrix_world)


def page_csv_and_api(matrix_world):
    net = matrix_world.net
    client = Client()
    page = client.get("/metrology/mra/", {"countries": "VN,KR"}).content.decode()
    assert 'id="mra-matrix"' in page and "APMP.M.M-K1" in page and "state-recognised" in page
    assert "state-cmc_only" in page and "state-comparison_only" in page
    empty = client.get("/metrology/mra/", {"countries": "UZ"}).content.decode()
    assert "No published CMCs or comparison results match." in empty
    response = client.get("/metrology/mra/matrix.csv", {"area": "M"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_lab = {row["Laboratory"]: row for row in rows}
    assert set(by_lab) == {"VMI", "QUATEST 1", "KRISS"}
    assert by_lab["VMI"]["State"] == "recognised" and by_lab["VMI"]["Comparison"] == "APMP.M.M-K1"
    assert by_lab["KRISS"]["Published CMC"] == "yes" and by_lab["KRISS"]["Comparison"] == ""
    body = client.get("/api/v1/metrology/mra", {"countries": "VN"}).json()
    assert {s["code"] for s in body["services"]} == {"M-1.1"}
    cells = {(c["service_id"], c["laboratory_id"]): c for c in body["cells"]}
    assert cells[(net.mass.pk, net.vmi.pk)]["state"] == "recognised"
    assert cells[(net.mass.pk, net.quatest.pk)]["comparison"] == "APMP.M.M-K1"
