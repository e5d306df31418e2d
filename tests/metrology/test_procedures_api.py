"""The procedures API over HTTP: reads with the unshared rule, writes, versions, export and import."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from nqi.core.models import ApiToken
from nqi.metrology.models import Procedure
from tests.metrology import test_procedures_setup
from tests.metrology.test_procedures_setup import DATA

lib = test_procedures_setup.lib  # the fixture

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
BASE = "/api/v1/metrology/procedures"


def bearer(user) -> dict[str, str]:
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_reads_hide_unshared_procedures(lib):
    net = lib.net
    api = Client()
    body = api.get(BASE).json()
    assert body["count"] == 2 and {p["code"] for p in body["items"]} == {"VMI-M-01", "Q1-T-01"}
    assert api.get(BASE, {"q": "comparator"}).json()["count"] == 0
    mine = api.get(BASE, {"q": "comparator"}, **bearer(net.vmi_user)).json()
    assert [p["code"] for p in mine["items"]] == ["VMI-INT-02"]
    missing = api.get(f"{BASE}/{lib.internal.pk}", **bearer(net.quatest_user))
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    one = api.get(f"{BASE}/{lib.mass.pk}").json()
    assert one["titles"]["vi"].startswith("Hiệu chuẩn") and one["services"] == ["M-1.1"]
    assert [(v["language"], v["status"]) for v in one["versions"]] == [("en", "current"), ("vi", "draft")]
    assert api.get(BASE, {"language": "vi", "area": "M"}).json()["count"] == 1
    assert api.get(BASE, {"language": "xx"}).status_code == 422
    assert api.get(f"{BASE}/99999999999999").status_code == 422
    export_and_import(lib)


def test_writes_versions_and_errors(lib):
    net = lib.net
    api = Client()
    payload = {
        "code": "VMI-T-02",
        "title": "Thermocouples",
        "owner_id": net.vmi.pk,
        "area": "T",
        "services": ["T-1.1"],
    }
    assert api.post(BASE, payload, content_type="application/json").status_code == 401
    assert (
        api.post(BASE, payload, content_type="application/json", **bearer(net.quatest_user)).status_code
        == 403
    )
    unknown = api.post(
        BASE,
        {**payload, "services": ["T-1.1", "Z-9"]},
        content_type="application/json",
        **bearer(net.vmi_user),
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0] == {
        "field": "services",
        "message": "Unknown service code(s): Z-9",
    }
    created = api.post(BASE, payload, content_type="application/json", **bearer(net.vmi_user))
    assert created.status_code == 201 and created.json()["services"] == ["T-1.1"]
    url = f"{BASE}/{created.json()['id']}"
    clash = api.patch(url, {"code": "VMI-M-01"}, content_type="application/json", **bearer(net.vmi_user))
    assert clash.status_code == 422 and clash.json()["errors"][0]["field"] == "code"
    shared = api.patch(
        url,
        {"shared": False, "title_i18n": {"ru": "Термопары"}},
        content_type="application/json",
        **bearer(net.vmi_user),
    )
    assert shared.json()["shared"] is False and shared.json()["titles"]["ru"] == "Термопары"
    version = {"version": "1", "language": "en", "status": "current", "body": "Compare in a bath."}
    assert (
        api.post(
            f"{url}/versions", version, content_type="application/json", **bearer(net.quatest_user)
        ).status_code
        == 404
    )
    added = api.post(f"{url}/versions", version, content_type="application/json", **bearer(net.vmi_user))
    assert added.status_code == 201 and added.json()["status"] == "current"
    second = api.post(
        f"{url}/versions",
        {**version, "version": "2"},
        content_type="application/json",
        **bearer(net.vmi_user),
    )
    assert second.status_code == 201
    statuses = {v["version"]: v["status"] for v in api.get(url, **bearer(net.vmi_user)).json()["versions"]}
    assert statuses == {"1": "superseded", "2": "current"}


def export_and_import(lib):
    net = lib.net
    api = Client()
    exported = api.get(f"{BASE}/export.json", {"owner_id": net.vmi.pk}).json()
    assert exported["format"] == "nqi.metrology.procedures/1"
    assert [p["code"] for p in exported["procedures"]] == ["VMI-M-01"]
    document = json.loads((DATA / "procedures_exchange.json").read_text(encoding="utf-8"))
    url = f"{BASE}/import?owner_id={net.uznim.pk}"
    assert api.post(url, document, content_type="application/json", **bearer(net.vmi_user)).status_code == 403
    imported = api.post(url, document, content_type="application/json", **bearer(net.admin))
    assert imported.status_code == 201, imported.content
    body = imported.json()
    assert [p["code"] for p in body["created"]] == ["UZ-M-011", "UZ-T-004"] and body["unknown_services"] == [
        "M-7.3"
    ]
    again = api.post(url, document, content_type="application/json", **bearer(net.admin))
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "procedures[0].code"
    assert Procedure.objects.filter(owner=net.uznim).count() == 2
