"""The comparisons API over HTTP: reads, blind participants, the pilot's flow, problem+json errors; the CLI."""

from __future__ import annotations

import pytest
from django.test import Client
from typer.testing import CliRunner

from nqi.core.models import ApiToken
from tests.metrology import test_comparisons_setup

kc = test_comparisons_setup.kc  # the fixture

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
BASE = "/api/v1/metrology"


def bearer(user) -> dict[str, str]:
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def reads_filters_and_errors(kc):
    api = Client()
    body = api.get(f"{BASE}/comparisons", {"q": "mass", "kind": "key", "status": "running"}).json()
    assert body["count"] == 1 and body["items"][0]["identifier"] == "APMP.M.M-K1"
    assert body["items"][0]["pilot"] == "VMI" and body["items"][0]["service_code"] == "M-1.1"
    assert api.get(f"{BASE}/comparisons", {"service_id": kc.net.voltage.pk}).json()["count"] == 0
    for url in (f"{BASE}/comparisons/999999", f"{BASE}/comparisons/{kc.comparison.pk}/analysis"):
        missing = api.get(url)
        assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    huge = api.get(f"{BASE}/comparisons/99999999999999999999")
    assert huge.status_code == 422 and huge["Content-Type"] == PROBLEM
    history = api.get(f"{BASE}/comparisons/{kc.comparison.pk}/history").json()
    assert history[-1]["action"] == "create"


def test_blind_participants_and_pilot_flow(kc):
    cli_comparison_analyse(kc)
    net, comparison = kc.net, kc.comparison
    api = Client()
    url = f"{BASE}/comparisons/{comparison.pk}"
    quatest = kc.participants["QUATEST1"]
    result_url = f"{url}/participants/{quatest.pk}/result"
    payload = {"value": 10.3, "uncertainty": 0.4, "coverage_factor": 2}
    assert api.put(result_url, payload, content_type="application/json").status_code == 401
    denied = api.put(result_url, payload, content_type="application/json", **bearer(net.vmi_user))
    assert denied.status_code == 403 and denied["Content-Type"] == PROBLEM
    bad = api.put(result_url, {"value": 10.3}, content_type="application/json", **bearer(net.quatest_user))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "uncertainty"
    mine = api.put(result_url, payload, content_type="application/json", **bearer(net.quatest_user))
    assert mine.status_code == 200 and mine.json()["value"] == 10.3
    kc.submit_all()
    # Anonymous and other participants see who submitted, not what.
    rows = {p["code"]: p for p in api.get(f"{url}/participants").json()}
    assert rows["KRISS"]["submitted"] is True and rows["KRISS"]["value"] is None
    own = {p["code"]: p for p in api.get(f"{url}/participants", **bearer(net.quatest_user)).json()}
    assert own["QUATEST1"]["value"] == 10.3 and own["KRISS"]["value"] is None
    pilot = bearer(net.vmi_user)
    assert {p["code"]: p for p in api.get(f"{url}/participants", **pilot).json()}["KRISS"]["value"] == 11.5
    assert (
        api.post(
            f"{url}/analysis", {}, content_type="application/json", **bearer(net.quatest_user)
        ).status_code
        == 403
    )
    preview = api.post(f"{url}/analysis", {}, content_type="application/json", **pilot)
    assert preview.status_code == 200 and preview.json()["method"] == "weighted-mean"
    assert api.get(f"{url}/analysis").status_code == 404  # not public before publication
    assert api.get(f"{url}/analysis", **pilot).json()["reference"] == preview.json()["reference"]
    published = api.post(f"{url}/publish", **pilot)
    assert published.status_code == 200 and published.json()["status"] == "published"
    report = api.get(f"{url}/analysis").json()
    assert report["reference"]["value"] == pytest.approx(10.388)
    rows = {p["code"]: p for p in api.get(f"{url}/participants").json()}
    assert (
        rows["KRISS"]["value"] == 11.5 and rows["KRISS"]["equivalent"] is False and rows["VMI"]["equivalent"]
    )


def test_create_patch_status_and_participants(kc):
    reads_filters_and_errors(kc)
    net = kc.net
    api = Client()
    payload = {
        "identifier": "CCM.M-K1",
        "title": "Key comparison of 1 kg",
        "kind": "key",
        "service_id": net.mass.pk,
        "measurand": "Mass of a 1 kg standard",
        "pilot_id": net.vmi.pk,
        "method": "lcs",
    }
    assert api.post(f"{BASE}/comparisons", payload, content_type="application/json").status_code == 401
    wrong = api.post(
        f"{BASE}/comparisons", payload, content_type="application/json", **bearer(net.quatest_user)
    )
    assert wrong.status_code == 403
    unknown = api.post(
        f"{BASE}/comparisons",
        {**payload, "pilot_id": 2_000_000_000},
        content_type="application/json",
        **bearer(net.vmi_user),
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "pilot_id"
    bad_method = api.post(
        f"{BASE}/comparisons",
        {**payload, "method": "x"},
        content_type="application/json",
        **bearer(net.vmi_user),
    )
    assert bad_method.status_code == 422
    created = api.post(
        f"{BASE}/comparisons", payload, content_type="application/json", **bearer(net.vmi_user)
    )
    assert created.status_code == 201, created.content
    comparison = created.json()
    assert comparison["unit"] == "kg" and comparison["status"] == "planned"
    url = f"{BASE}/comparisons/{comparison['id']}"
    patched = api.patch(url, {"nominal": 1.0}, content_type="application/json", **bearer(net.vmi_user))
    assert patched.json()["nominal"] == 1.0
    added = api.post(
        f"{url}/participants",
        {"laboratory_id": net.kriss.pk},
        content_type="application/json",
        **bearer(net.vmi_user),
    )
    assert added.status_code == 201 and added.json()["code"] == "KRISS"
    assert api.delete(f"{url}/participants/{added.json()['id']}", **bearer(net.vmi_user)).status_code == 204
    assert (
        api.post(
            f"{url}/status", {"status": "published"}, content_type="application/json", **bearer(net.vmi_user)
        ).status_code
        == 422
    )
    running = api.post(
        f"{url}/status", {"status": "running"}, content_type="application/json", **bearer(net.vmi_user)
    )
    assert running.json()["status"] == "running"


def cli_comparison_analyse(kc):
    from nqi.cli.main import app

    runner = CliRunner()
    few = runner.invoke(app, ["metrology", "comparison-analyse", "APMP.M.M-K1"])
    assert few.exit_code == 1 and "at least 2 results" in few.output
    assert runner.invoke(app, ["metrology", "comparison-analyse", "NOPE"]).exit_code == 1
    kc.submit_all()
    result = runner.invoke(app, ["metrology", "comparison-analyse", "APMP.M.M-K1"])
    assert result.exit_code == 0, result.output
    assert (
        "reference value: 10.388" in result.output
        and "KRISS" in result.output
        and "NOT consistent" in result.output
    )
    as_json = runner.invoke(app, ["metrology", "comparison-analyse", "APMP.M.M-K1", "--json"])
    assert '"method": "weighted-mean"' in as_json.output
    kc.comparison.refresh_from_db()
    assert kc.comparison.status == "running" and not kc.comparison.analysis  # read-only
