"""The equipment API over HTTP: register, filter, patch with quantities, status, calibrations,
intervals and the due list, with problem+json errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from nqi.core.models import ApiToken
from nqi.metrology.models import CalibrationRecord, Instrument

pytestmark = pytest.mark.django_db

BASE = "/api/v1/metrology"
PROBLEM = "application/problem+json"


def bearer(user):
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def send(method: str, url: str, payload, user=None):
    headers = bearer(user) if user else {}
    return getattr(Client(), method)(url, payload, content_type="application/json", **headers)


def fields_of(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_register_read_patch_and_history(net):
    payload = {
        "owner_id": net.vmi.pk,
        "asset_number": "DMM-7",
        "name": "Digital multimeter",
        "level": "working",
        "manufacturer": "Keysight",
        "model": "34470A",
        "quantities": [
            {"quantity": "DC voltage", "unit": "V", "range_low": 0, "range_high": 1000, "interval_days": 365},
            {"quantity": "resistance", "unit": "ohm", "interval_days": 730, "interval_method": "staircase"},
        ],
    }
    assert send("post", f"{BASE}/instruments", payload).status_code == 401
    assert send("post", f"{BASE}/instruments", payload, net.quatest_user).status_code == 403
    created = send("post", f"{BASE}/instruments", payload, net.vmi_user)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"] == "VMI" and body["due_state"] == "never" and len(body["quantities"]) == 2
    instrument_id = body["id"]

    listed = Client().get(f"{BASE}/instruments", {"q": "keysight", "owner_id": net.vmi.pk}).json()
    assert listed["count"] == 1 and listed["items"][0]["asset_number"] == "DMM-7"
    assert Client().get(f"{BASE}/instruments", {"owner_id": net.quatest.pk}).json()["count"] == 0
    assert Client().get(f"{BASE}/instruments", {"due": "never", "level": "working"}).json()["count"] == 1

    voltage = next(q for q in body["quantities"] if q["quantity"] == "DC voltage")
    last = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    patch = {"location": "Lab 2", "quantities": [{**voltage, "interval_days": 180, "last_calibrated": last}]}
    patched = send("patch", f"{BASE}/instruments/{instrument_id}", patch, net.vmi_user)
    assert patched.status_code == 200, patched.content
    result = patched.json()
    assert result["location"] == "Lab 2" and [q["quantity"] for q in result["quantities"]] == ["DC voltage"]
    assert result["next_due"] == (timezone.localdate() + dt.timedelta(days=170)).isoformat()
    assert result["name"] == "Digital multimeter"  # unset fields stay
    history = Client().get(f"{BASE}/instruments/{instrument_id}/history").json()
    assert history[0]["changes"]["location"] == ["", "Lab 2"] and history[-1]["action"] == "create"


def test_errors_are_problems_with_fields(net, make_instrument):
    instrument = make_instrument(asset="E-1")
    base = {"owner_id": net.vmi.pk, "asset_number": "E-1", "name": "Weight"}
    duplicate = send("post", f"{BASE}/instruments", base, net.vmi_user)
    assert duplicate.status_code == 422 and duplicate["Content-Type"] == PROBLEM
    assert fields_of(duplicate) == {"asset_number"}
    bad_unit = {**base, "asset_number": "E-2", "quantities": [{"quantity": "mass", "unit": "stone"}]}
    assert fields_of(send("post", f"{BASE}/instruments", bad_unit, net.vmi_user)) == {"quantities[0].unit"}
    unknown_owner = send("post", f"{BASE}/instruments", {**base, "owner_id": 99999999}, net.admin)
    assert unknown_owner.status_code == 422 and fields_of(unknown_owner) == {"owner_id"}
    too_long = send("post", f"{BASE}/instruments", {**base, "interval": 3, "name": "x" * 201}, net.vmi_user)
    assert too_long.status_code == 422
    nul = send("patch", f"{BASE}/instruments/{instrument.pk}", {"notes": "a\x00b"}, net.vmi_user)
    assert nul.status_code in (400, 422) and nul["Content-Type"] == PROBLEM  # never a 500
    missing = Client().get(f"{BASE}/instruments/99999999")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    assert Client().get(f"{BASE}/instruments", {"due": "sometime"}).status_code == 422
    assert (
        send("patch", f"{BASE}/instruments/{instrument.pk}", {"name": "x"}, net.quatest_user).status_code
        == 403
    )


def test_status_calibrations_interval_and_due(net, make_instrument):
    today = timezone.localdate()
    quantity = {
        "quantity": "mass",
        "unit": "kg",
        "mpe": 1e-6,
        "last_calibrated": today - dt.timedelta(days=400),
    }
    late = make_instrument(asset="L-1", quantities=[quantity])
    make_instrument(owner=net.quatest, asset="Q-1", quantities=[{**quantity, "last_calibrated": today}])
    for n, day in enumerate((dt.date(2024, 1, 5), today - dt.timedelta(days=400))):
        CalibrationRecord.objects.create(
            certificate_number=f"L-1/{n}",
            item=late,
            laboratory=net.vmi,
            calibrated_on=day,
            status="issued",
            as_found_verdict="pass",
            as_left_verdict="pass",
        )
    due = Client().get(f"{BASE}/due", {"days": 30}).json()
    assert [row["asset_number"] for row in due["items"]] == ["L-1"] and due["items"][0]["days_overdue"] == 35
    assert Client().get(f"{BASE}/due", {"days": 400, "overdue": "false"}).json()["count"] == 1
    assert Client().get(f"{BASE}/due", {"owner": net.quatest.pk, "days": 400}).json()["count"] == 1
    assert Client().get(f"{BASE}/due", {"days": 5000}).status_code == 422

    calibrations = Client().get(f"{BASE}/instruments/{late.pk}/calibrations").json()
    assert [c["certificate_number"] for c in calibrations["items"]] == ["L-1/1", "L-1/0"]
    assert calibrations["items"][0]["laboratory"] == "VMI"

    interval = Client().get(f"{BASE}/instruments/{late.pk}/interval").json()
    row = interval["quantities"][0]
    assert row["staircase"] == 402 and row["fixed"] == 365 and row["statistical"]["sufficient"] is False
    assert [h["counted"] for h in row["history"]] == [False, True]
    assert interval["settings"]["increase"] == 0.1
    apply = {"quantity_id": row["quantity_id"], "method": "staircase", "adopt_method": True}
    assert send("post", f"{BASE}/instruments/{late.pk}/interval", apply, net.quatest_user).status_code == 403
    applied = send("post", f"{BASE}/instruments/{late.pk}/interval", apply, net.vmi_user)
    assert applied.status_code == 200 and applied.json()["quantities"][0]["interval_days"] == 402
    refused = send(
        "post", f"{BASE}/instruments/{late.pk}/interval", {**apply, "method": "statistical"}, net.vmi_user
    )
    assert refused.status_code == 422 and fields_of(refused) == {"method"}
    other = send(
        "post", f"{BASE}/instruments/{late.pk}/interval", {**apply, "quantity_id": 99999}, net.vmi_user
    )
    assert other.status_code == 404

    retire = send("post", f"{BASE}/instruments/{late.pk}/status", {"status": "retired"}, net.vmi_user)
    assert retire.status_code == 422 and fields_of(retire) == {"note"}
    retired = send(
        "post",
        f"{BASE}/instruments/{late.pk}/status",
        {"status": "retired", "note": "Worn out"},
        net.vmi_user,
    )
    assert retired.status_code == 200 and retired.json()["due_state"] == "out_of_service"
    assert Instrument.objects.get(pk=late.pk).status == "retired"
    assert Client().get(f"{BASE}/due", {"days": 30}).json()["count"] == 0
