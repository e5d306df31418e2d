"""Comparison pages: list and filters, blind detail, forms with 422, the pilot's analysis and publication."""

from __future__ import annotations

import pytest
from django.test import Client

from nqi.metrology.models import Comparison, Participant
from tests.metrology import test_comparisons_setup

kc = test_comparisons_setup.kc  # the fixture

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_filters_and_rows(kc):
    client = Client()
    page = client.get("/metrology/comparisons/").content.decode()
    assert "APMP.M.M-K1" in page and 'href="/metrology/comparisons/"' in page  # row and sub-navigation
    assert "New comparison" not in page
    rows = client.get(
        "/metrology/comparisons/", {"q": "apmp", "kind": "key"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in rows and "APMP.M.M-K1" in rows
    none = client.get(
        "/metrology/comparisons/", {"status": "published", "service": "999999999999"}
    ).content.decode()
    assert "No comparisons match." in none
    assert "New comparison" in logged_in(kc.net.vmi_user).get("/metrology/comparisons/").content.decode()
    create_and_edit_forms(kc)


def create_and_edit_forms(kc):
    net = kc.net
    client = logged_in(net.vmi_user)
    assert Client().get("/metrology/comparisons/new/").status_code == 302  # to the login page
    form = {
        "identifier": "NPT-2026-01",
        "title": "National PT: DC voltage 10 V",
        "kind": "proficiency",
        "service": net.voltage.pk,
        "measurand": "Output voltage of a 10 V reference",
        "quantity": "",
        "unit": "kg",
        "pilot": net.vmi.pk,
        "method": "algorithm_a",
        "starts_on": "2026-03-01",
        "results_due": "2026-02-01",
    }
    bad = client.post("/metrology/comparisons/new/", form)
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "does not measure the service" in body and "due before the measurements start" in body
    created = client.post("/metrology/comparisons/new/", {**form, "unit": "", "results_due": "2026-04-01"})
    assert created.status_code == 302, created.content.decode()
    comparison = Comparison.objects.get(identifier="NPT-2026-01")
    assert comparison.unit == "V" and comparison.method == "algorithm_a"
    other = logged_in(net.quatest_user)
    assert other.get(f"/metrology/comparisons/{comparison.pk}/edit/").status_code == 403
    edited = client.post(
        f"/metrology/comparisons/{comparison.pk}/edit/", {**form, "unit": "mV", "results_due": "2026-05-01"}
    )
    assert edited.status_code == 302
    comparison.refresh_from_db()
    assert comparison.unit == "mV" and comparison.results_due.isoformat() == "2026-05-01"


def test_blind_detail_submission_and_publication(kc):
    net, comparison = kc.net, kc.comparison
    url = comparison.get_absolute_url()
    quatest = kc.participants["QUATEST1"]
    kc.submit_all()
    # QUATEST sees its own result and a form for it, not the others'.
    page = logged_in(net.quatest_user).get(url).content.decode()
    assert "10.3" in page and "11.5" not in page and "confidential until publication" in page
    assert f"/participants/{quatest.pk}/result/" in page and "Run analysis" not in page
    bad = logged_in(net.quatest_user).post(
        f"{url}participants/{quatest.pk}/result/",
        {f"p{quatest.pk}-value": "10.2", f"p{quatest.pk}-coverage_factor": "2"},
    )
    assert bad.status_code == 422 and "Give the expanded uncertainty U." in bad.content.decode()
    assert (
        logged_in(net.quatest_user)
        .post(f"{url}participants/{kc.participants['KRISS'].pk}/result/", {"value": "1"})
        .status_code
        == 403
    )
    ok = logged_in(net.quatest_user).post(
        f"{url}participants/{quatest.pk}/result/",
        {
            f"p{quatest.pk}-value": "10.25",
            f"p{quatest.pk}-uncertainty": "0.4",
            f"p{quatest.pk}-coverage_factor": "2",
        },
    )
    assert ok.status_code == 302
    assert Participant.objects.get(pk=quatest.pk).value == 10.25
    public = Client().get(url).content.decode()
    assert "10.25" not in public and "11.5" not in public
    # The pilot sees everything, runs the analysis (a preview) and publishes.
    pilot = logged_in(net.vmi_user)
    assert "11.5" in pilot.get(url).content.decode()
    assert pilot.post(f"{url}analyse/", {"sigma_pt": "-1"}).status_code == 422
    assert pilot.post(f"{url}analyse/", {"sigma_pt": ""}).status_code == 302
    preview = pilot.get(url).content.decode()
    assert "Analysis preview (not published)" in preview and "<svg" in preview
    assert "Analysis preview" not in Client().get(url).content.decode()  # still confidential
    assert pilot.post(f"{url}publish/").status_code == 302
    report = Client().get(url).content.decode()
    assert 'id="report"' in report and "11.5" in report and "Birge ratio" in report and "<svg" in report
    assert 'verdict verdict-fail">no<' in report  # KRISS is not equivalent


def test_pilot_controls_and_errors(kc):
    net, comparison = kc.net, kc.comparison
    url = comparison.get_absolute_url()
    pilot = logged_in(net.vmi_user)
    duplicate = pilot.post(f"{url}participants/", {"laboratory": net.vmi.pk, "code": ""})
    assert duplicate.status_code == 422 and "already takes part" in duplicate.content.decode()
    assert pilot.post(f"{url}participants/", {"laboratory": net.bipm.pk, "code": "B1"}).status_code == 302
    bipm = Participant.objects.get(comparison=comparison, laboratory=net.bipm)
    assert logged_in(net.quatest_user).post(f"{url}participants/{bipm.pk}/remove/").status_code == 403
    assert pilot.post(f"{url}participants/{bipm.pk}/remove/").status_code == 302
    too_few = pilot.post(f"{url}analyse/", {})
    assert too_few.status_code == 422 and "have been submitted" in too_few.content.decode()
    assert pilot.post(f"{url}publish/").status_code == 422
    assert pilot.post(f"{url}status/", {"status": "cancelled"}).status_code == 302
    assert Comparison.objects.get(pk=comparison.pk).status == "cancelled"
    assert pilot.post(f"{url}status/", {"status": "running"}).status_code == 422
