"""The calibration record API over HTTP: reads, drafts, budget, issue, revise (409s), withdraw."""

from __future__ import annotations

import pytest
from django.test import Client

from nqi.core.models import ApiToken
from nqi.metrology.models import CalibrationRecord
from nqi.metrology.services import calibrations as services
from tests.metrology import test_calibrations_setup
from tests.metrology.test_calibrations_setup import DAY, points

cal = test_calibrations_setup.cal  # the shared fixture

pytestmark = pytest.mark.django_db

BASE = "/api/v1/metrology/calibrations"
PROBLEM = "application/problem+json"


def bearer(user) -> dict:
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def payload(cal, **fields) -> dict:
    return {
        "item_id": cal.item.pk,
        "laboratory_id": cal.net.vmi.pk,
        "customer_id": cal.net.quatest.pk,
        "calibrated_on": DAY.isoformat(),
        "temperature": 20.3,
        "points": points(5e-7, -2.1e-6),
        "standard_ids": [cal.reference.pk],
        **fields,
    }


def test_read_list_filters_and_detail(cal):
    issued = services.issue(cal.net.vmi_user, cal.draft())
    api = Client()
    body = api.get(BASE).json()
    assert body["count"] == 2 and body["items"][0]["certificate_number"] == issued.certificate_number
    assert body["items"][0]["url"] == f"/metrology/calibrations/{issued.pk}/"
    found = api.get(BASE, {"item_id": cal.item.pk, "verdict": "pass", "status": "issued"}).json()
    assert [r["id"] for r in found["items"]] == [issued.pk]
    assert api.get(BASE, {"q": "VMI-2026-0000", "date_from": "2026-02-01"}).json()["count"] == 1
    assert api.get(BASE, {"verdict": "great"}).status_code == 422
    assert api.get(BASE, {"laboratory_id": 0}).status_code == 422
    detail = api.get(f"{BASE}/{issued.pk}").json()
    assert [p["found_verdict"] for p in detail["points"]] == ["pass", "pass"]
    assert detail["points"][0]["error_found"] == pytest.approx(5e-7)
    assert detail["standards"] == [
        {
            "standard_id": cal.reference.pk,
            "standard": str(cal.reference),
            "standard_calibration_id": cal.reference_record.pk,
            "standard_certificate": cal.reference_record.certificate_number,
        }
    ]
    assert detail["links"]["dcc"].endswith("/dcc.xml") and detail["superseded_by_id"] is None
    history = api.get(f"{BASE}/{issued.pk}/history").json()
    assert history[0]["changes"]["status"] == ["draft", "issued"]
    missing = api.get(f"{BASE}/999999")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM


def test_create_draft_errors_and_permissions(cal):
    api = Client()
    assert api.post(BASE, payload(cal), content_type="application/json").status_code == 401
    denied = api.post(BASE, payload(cal), content_type="application/json", **bearer(cal.net.quatest_user))
    assert denied.status_code == 403 and denied["Content-Type"] == PROBLEM
    rows = points(1e-7, 2e-7, 3e-7)
    rows[2]["unit"] = "furlong"
    bad = api.post(
        BASE, payload(cal, points=rows), content_type="application/json", **bearer(cal.net.vmi_user)
    )
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM
    assert [e["field"] for e in bad.json()["errors"]] == ["points[2].unit"]
    unknown = api.post(
        BASE,
        payload(cal, item_id=987654, standard_ids=[987655]),
        content_type="application/json",
        **bearer(cal.net.vmi_user),
    )
    assert {e["field"] for e in unknown.json()["errors"]} == {"item_id", "standard_ids"}
    nan = '{"item_id": 1, "laboratory_id": 1, "calibrated_on": "2026-03-02", "temperature": NaN}'
    assert api.post(BASE, nan, content_type="application/json", **bearer(cal.net.vmi_user)).status_code == 422
    created = api.post(BASE, payload(cal), content_type="application/json", **bearer(cal.net.vmi_user))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["certificate_number"] == "VMI-2026-00002"
    assert len(body["points"]) == 2 and body["temperature"] == 20.3 and "dcc" not in body["links"]


def test_patch_budget_issue_then_409(cal):
    api, auth = Client(), bearer(cal.net.vmi_user)
    record = api.post(BASE, payload(cal), content_type="application/json", **auth).json()
    url = f"{BASE}/{record['id']}"
    patched = api.patch(
        url, {"remarks": "Checked twice.", "points": points(5e-7)}, content_type="application/json", **auth
    )
    assert patched.status_code == 200 and patched.json()["remarks"] == "Checked twice."
    assert len(patched.json()["points"]) == 1 and patched.json()["temperature"] == 20.3  # unset: unchanged
    assert api.patch(url, {"item_id": None}, content_type="application/json", **auth).status_code == 422
    spec = {
        "model": "E = I - m_s",
        "inputs": [
            {"name": "I", "value": 1.0000005, "uncertainty": 2e-7, "unit": "kg"},
            {"name": "m_s", "value": 1.0, "uncertainty": 1.5e-7, "unit": "kg"},
        ],
        "k": 2,
    }
    budget = api.put(
        f"{url}/budget", {"spec": spec, "point_index": 0}, content_type="application/json", **auth
    )
    assert budget.status_code == 200, budget.content
    assert budget.json()["points"][0]["uncertainty"] == pytest.approx(5e-7)
    assert budget.json()["budget"]["result"]["rows"][1]["sensitivity"] == -1
    broken = {**spec, "inputs": [spec["inputs"][0], {**spec["inputs"][1], "distribution": "lognormal"}]}
    bad = api.put(f"{url}/budget", {"spec": broken}, content_type="application/json", **auth)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "budget.inputs[1]"
    issued = api.post(f"{url}/issue", content_type="application/json", **auth)
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    assert issued.json()["as_found_verdict"] == "pass"
    for method, path, body in (
        ("patch", "", {"remarks": "late"}),
        ("put", "/budget", {"spec": spec}),
        ("post", "/issue", None),
    ):
        conflict = getattr(api, method)(url + path, body, content_type="application/json", **auth)
        assert conflict.status_code == 409 and conflict["Content-Type"] == PROBLEM, path
    assert CalibrationRecord.objects.get(pk=record["id"]).remarks == "Checked twice."


def test_issue_problems_are_422(cal, make_instrument):
    api, auth = Client(), bearer(cal.net.vmi_user)
    working = make_instrument(asset="W-9", name="Working weight", level="working")
    record = api.post(
        BASE, payload(cal, standard_ids=[working.pk]), content_type="application/json", **auth
    ).json()
    refused = api.post(f"{BASE}/{record['id']}/issue", content_type="application/json", **auth)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "standards",
            "message": "Standard W-9 Working weight had no valid calibration on 2026-03-02.",
        }
    ]
    other = api.post(
        f"{BASE}/{record['id']}/issue", content_type="application/json", **bearer(cal.net.quatest_user)
    )
    assert other.status_code == 403


def test_revise_and_withdraw(cal):
    api, auth = Client(), bearer(cal.net.vmi_user)
    original = services.issue(cal.net.vmi_user, cal.draft())
    url = f"{BASE}/{original.pk}"
    assert (
        api.post(f"{url}/revise", {"reason": ""}, content_type="application/json", **auth).status_code == 422
    )
    revision = api.post(
        f"{url}/revise", {"reason": "Wrong customer."}, content_type="application/json", **auth
    )
    assert revision.status_code == 201
    body = revision.json()
    assert (
        body["certificate_number"] == f"{original.certificate_number}/R1"
        and body["supersedes_id"] == original.pk
    )
    again = api.post(f"{url}/revise", {"reason": "Again."}, content_type="application/json", **auth)
    assert again.status_code == 409
    assert api.post(f"{BASE}/{body['id']}/issue", content_type="application/json", **auth).status_code == 200
    old = api.get(url).json()
    assert old["status"] == "superseded" and old["superseded_by_id"] == body["id"]
    assert (
        api.post(f"{url}/revise", {"reason": "Late."}, content_type="application/json", **auth).status_code
        == 409
    )
    assert (
        api.post(f"{url}/withdraw", {"reason": "x"}, content_type="application/json", **auth).status_code
        == 409
    )
    withdrawn = api.post(
        f"{BASE}/{body['id']}/withdraw", {"reason": "Invalid."}, content_type="application/json", **auth
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawal_reason"] == "Invalid."
    draft = cal.draft()
    discarded = api.post(
        f"{BASE}/{draft.pk}/withdraw", {"reason": "Twice."}, content_type="application/json", **auth
    )
    assert discarded.status_code == 204 and not CalibrationRecord.objects.filter(pk=draft.pk).exists()


def test_openapi_declares_the_conflicts():
    schema = Client().get("/api/v1/openapi.json").json()
    operations = schema["paths"]["/api/v1/metrology/calibrations/{record_id}"]
    assert "409" in operations["patch"]["responses"] and "404" in operations["get"]["responses"]
    assert (
        "204" in schema["paths"]["/api/v1/metrology/calibrations/{record_id}/withdraw"]["post"]["responses"]
    )
