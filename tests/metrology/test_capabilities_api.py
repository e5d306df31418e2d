"""The CMC, accreditation, service and network endpoints over HTTP."""

import json
from pathlib import Path

import pytest
from django.test import Client

from nqi.core.models import ApiToken
from nqi.metrology.demo.taxonomy import load_taxonomy
from nqi.metrology.models import Accreditation, Cmc

pytestmark = pytest.mark.django_db

BASE = "/api/v1/metrology"
PROBLEM = "application/problem+json"
DATA = Path(__file__).parent / "data"


def bearer(user):
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(url, payload, user=None, method="post"):
    headers = bearer(user) if user else {}
    return getattr(Client(), method)(url, payload, content_type="application/json", **headers)


def payload(net, **changes):
    return {
        "laboratory_id": net.vmi.pk,
        "service_id": net.mass.pk,
        "range_low": 0.001,
        "range_high": 20,
        "unit": "kg",
        "uncertainty_low": 0.01,
        "uncertainty_high": 30,
        "uncertainty_unit": "mg",
        "parameters": [{"name": "Class", "value": "E2"}],
        **changes,
    }


def test_create_change_and_publish_a_cmc(net):
    assert post(f"{BASE}/cmcs", payload(net)).status_code == 401
    denied = post(f"{BASE}/cmcs", payload(net), net.quatest_user)
    assert denied.status_code == 403 and denied["Content-Type"] == PROBLEM
    bad = post(f"{BASE}/cmcs", payload(net, range_low=50, unit="V", service_id=999999), net.vmi_user)
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"service_id"}
    bad = post(f"{BASE}/cmcs", payload(net, range_low=50, uncertainty_unit="V"), net.vmi_user)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"range_high", "uncertainty_unit"}
    created = post(f"{BASE}/cmcs", payload(net), net.vmi_user)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["quantity"], body["country"], body["service_code"]) == (
        "draft",
        "mass",
        "VN",
        "M-1.1",
    )
    url = f"{BASE}/cmcs/{body['id']}"
    changed = post(url, {"range_high": 50, "method": "Subdivision"}, net.vmi_user, method="patch")
    assert changed.status_code == 200 and changed.json()["range_high"] == 50
    for status in ("internal_review", "regional_review"):
        assert post(f"{url}/status", {"status": status}, net.vmi_user).status_code == 200
    assert post(f"{url}/status", {"status": "published"}, net.vmi_user).status_code == 403
    backwards = post(f"{url}/status", {"status": "internal_review"}, net.admin)
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "status"
    assert post(f"{url}/status", {"status": "bogus"}, net.admin).status_code == 422
    published = post(f"{url}/status", {"status": "published", "approved_on": "2026-10-01"}, net.admin)
    assert published.status_code == 200 and published.json()["approved_on"] == "2026-10-01"
    frozen = post(url, {"range_high": 10}, net.admin, method="patch")
    assert frozen.status_code == 422 and "cannot be changed" in frozen.json()["errors"][0]["message"]
    history = Client().get(f"{url}/history").json()
    assert history[0]["action"] == "update" and history[-1]["action"] == "create"


def test_read_search_export_and_network(net):
    load_taxonomy()
    report = post(
        f"{BASE}/cmcs/import", json.loads((DATA / "kcdb_cmcs.json").read_text(encoding="utf-8")), net.admin
    )
    assert report.status_code == 200 and report.json()["created"] == 6
    api = Client()
    listed = api.get(f"{BASE}/cmcs", {"country": "VN", "status": "published"}).json()
    assert listed["count"] == 2
    assert {i["kcdb_code"] for i in listed["items"]} == {"APMP-M-VN-00000T01-1", "APMP-EM-VN-00000T02-1"}
    covering = api.get(f"{BASE}/cmcs", {"covers": 500, "unit": "kPa"}).json()
    assert [i["laboratory"] for i in covering["items"]] == ["KRISS"]
    assert api.get(f"{BASE}/cmcs", {"covers": 1, "unit": "furlong"}).status_code == 422
    assert api.get(f"{BASE}/cmcs", {"q": "platinum"}).json()["count"] == 1
    assert api.get(f"{BASE}/cmcs", {"country": "VNM"}).status_code == 422
    weights = Cmc.objects.get(kcdb_code="APMP-M-VN-00000T01-1")
    detail = api.get(f"{BASE}/cmcs/{weights.pk}").json()
    assert detail["parameters"] == [{"name": "Accuracy class", "value": "E2 and below"}]
    at = api.get(f"{BASE}/cmcs/{weights.pk}/uncertainty", {"x": 20000, "unit": "g"}).json()
    assert at["covered"] and at["expanded_uncertainty"] == pytest.approx(30e-6)
    assert not api.get(f"{BASE}/cmcs/{weights.pk}/uncertainty", {"x": 30, "unit": "kg"}).json()["covered"]
    missing = api.get(f"{BASE}/cmcs/999999")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM

    exported = api.get(f"{BASE}/cmcs/export.json", {"laboratory": "vmi", "status": "published"}).json()
    assert {r["kcdbCode"] for r in exported["data"]} == {"APMP-M-VN-00000T01-1", "APMP-EM-VN-00000T02-1"}
    services = api.get(f"{BASE}/services", {"area": "T", "limit": 100}).json()
    assert services["count"] == 8 and services["items"][0]["names"]["vi"] == "Nhiệt kế điện trở bạch kim"
    found = api.get(f"{BASE}/network", {"country": "VN"}).json()
    areas = {a["code"]: a for a in found["areas"]}
    assert [s["service"] for s in areas["M"]["services"]] == ["M-1.1"]
    assert "M-4.1" in found["gaps"]["uncovered"] and found["gaps"]["nmi_only"] == ["EM-1.1", "T-1.1"]
    assert api.get(f"{BASE}/network").json()["gaps"] is None


def test_imports_report_every_row_and_accreditations(net):
    load_taxonomy()
    document = json.loads((DATA / "kcdb_invalid.json").read_text(encoding="utf-8"))
    assert post(f"{BASE}/cmcs/import", document).status_code == 401
    rejected = post(f"{BASE}/cmcs/import", document, net.admin)
    assert rejected.status_code == 422 and rejected["Content-Type"] == PROBLEM
    fields = {e["field"] for e in rejected.json()["errors"]}
    assert {"data[1].nmiCode", "data[4].cmc.unit", "data[9].record", "data[10].status"} <= fields
    assert not Cmc.objects.exists()

    accreditation = {
        "laboratory_id": net.quatest.pk,
        "body_id": net.boa.pk,
        "number": "VILAS 001",
        "valid_from": "2022-01-01",
        "valid_until": "2027-01-01",
    }
    assert post(f"{BASE}/accreditations", accreditation, net.vmi_user).status_code == 403
    bad = post(f"{BASE}/accreditations", {**accreditation, "valid_until": "2021-01-01"}, net.quatest_user)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "valid_until"
    created = post(f"{BASE}/accreditations", accreditation, net.quatest_user)
    assert created.status_code == 201 and created.json()["is_current"]
    pk = created.json()["id"]
    suspended = post(f"{BASE}/accreditations/{pk}", {"status": "suspended"}, net.quatest_user, method="patch")
    assert suspended.status_code == 200 and not suspended.json()["is_current"]
    assert Accreditation.objects.get(pk=pk).status == "suspended"
    listed = Client().get(f"{BASE}/accreditations", {"laboratory": net.quatest.pk, "current": "false"}).json()
    assert listed["count"] == 1
