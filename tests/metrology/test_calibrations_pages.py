"""Calibration record pages: list and filters, detail, the draft form (422s), budget, issue/revise/withdraw."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from nqi.metrology.models import CalibrationRecord
from nqi.metrology.services import calibrations as services
from tests.metrology import test_calibrations_setup
from tests.metrology.test_calibrations_setup import DAY

cal = test_calibrations_setup.cal  # the shared fixture

pytestmark = pytest.mark.django_db

LIST = "/metrology/calibrations/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(cal, rows, **fields) -> dict:
    """POST data of the draft form: record fields, the points formset and the standards."""
    data = {
        "certificate_number": "",
        "laboratory": cal.net.vmi.pk,
        "item": cal.item.pk,
        "calibrated_on": DAY.isoformat(),
        "decision_rule": "simple",
        "guard_band_factor": "1.0",
        "standards": [cal.reference.pk],
        "points-TOTAL_FORMS": str(len(rows)),
        "points-INITIAL_FORMS": "0",
        "points-MIN_NUM_FORMS": "0",
        "points-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"points-{index}-{name}"] = value
    return data


POINT = {
    "quantity": "mass",
    "unit": "kg",
    "nominal": "1",
    "as_found": "1.0000005",
    "uncertainty": "6e-7",
    "coverage_factor": "2",
    "mpe": "1.6e-6",
}


def test_list_filters_and_htmx_rows(cal):
    first = services.issue(cal.net.vmi_user, cal.draft())
    draft = cal.draft(calibrated_on=dt.date(2026, 4, 1), errors=(3e-6,))
    client = Client()
    page = client.get(LIST).content.decode()
    assert 'aria-current="page">Calibrations<' in page  # the sub-navigation
    for number in (
        first.certificate_number,
        draft.certificate_number,
        cal.reference_record.certificate_number,
    ):
        assert number in page

    def numbers(**params) -> set[str]:
        html = client.get(LIST, params, HTTP_HX_REQUEST="true").content.decode()
        assert "<html" not in html
        return {
            r.certificate_number
            for r in CalibrationRecord.objects.all()
            if r.certificate_number + "<" in html
        }

    assert numbers(q=first.certificate_number) == {first.certificate_number}  # exact
    assert numbers(q="VMI-2026-0000") == {
        first.certificate_number,
        draft.certificate_number,
        "VMI-2026-00001",
    }
    assert numbers(q="R-1") == {"VMI-2026-00001"}  # the asset number of an item
    assert numbers(q="QUATEST W-1") == {first.certificate_number, draft.certificate_number}
    assert numbers(status="draft") == {draft.certificate_number}
    assert numbers(verdict="pass") == {first.certificate_number, "VMI-2026-00001"}
    assert numbers(date_from="2026-03-10") == {draft.certificate_number}
    assert numbers(date_to="2026-01-31") == {"VMI-2026-00001"}
    assert numbers(laboratory_id=cal.net.quatest.pk) == set()
    assert numbers(item_id=cal.item.pk, status="issued") == {first.certificate_number}
    revision = services.revise(cal.net.vmi_user, first, "Correction.")
    assert numbers(q=first.certificate_number) == {first.certificate_number, revision.certificate_number}
    # Malformed filters are ignored, not an error page.
    assert (
        client.get(
            LIST, {"status": "bogus", "date_from": "soon", "laboratory_id": "x", "page": "-3"}
        ).status_code
        == 200
    )


def test_list_pages_without_counting(cal):
    for day in range(30):
        CalibrationRecord.objects.create(
            certificate_number=f"X-{day:02d}",
            item=cal.item,
            laboratory=cal.net.vmi,
            calibrated_on=dt.date(2025, 1, 1) + dt.timedelta(days=day),
        )
    client = Client()
    first = client.get(LIST).content.decode()
    assert "X-29<" in first and "X-05<" not in first and 'rel="next"' in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "X-04<" in second and 'rel="prev"' in second and 'rel="next"' not in second


def test_detail_shows_points_verdicts_standards_and_links(cal):
    record = cal.draft(errors=(5e-7, -2.1e-6))
    client = Client()
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Draft: not a certificate" in page and "(checked again when issued)" in page
    assert "certificate.pdf" not in page  # no certificate before issue
    issued = services.issue(cal.net.vmi_user, record)
    page = client.get(issued.get_absolute_url()).content.decode()
    assert '<span class="verdict verdict-pass">Pass</span>' in page
    assert '<span class="verdict verdict-fail">Fail</span>' in page
    assert "0.9999979" in page and "-0.0000021" in page and "1.6e-06" in page  # reading, error, MPE
    assert cal.reference_record.get_absolute_url() in page and cal.reference_record.certificate_number in page
    for link in ("certificate.pdf", "dcc.xml", "traceability/"):
        assert f"/metrology/calibrations/{issued.pk}/{link}" in page
    assert "Edit" not in page.split('id="record-actions"')[0][-200:]  # anonymous: no actions
    owner_page = logged_in(cal.net.vmi_user).get(issued.get_absolute_url()).content.decode()
    assert f"/metrology/calibrations/{issued.pk}/revise/" in owner_page
    assert f"/metrology/calibrations/{issued.pk}/edit/" not in owner_page
    assert client.get("/metrology/calibrations/999999/").status_code == 404


def test_superseded_and_withdrawn_say_so(cal):
    original = services.issue(cal.net.vmi_user, cal.draft())
    revision = services.revise(cal.net.vmi_user, original, "Wrong customer.")
    services.issue(cal.net.vmi_user, revision)
    client = Client()
    page = client.get(original.get_absolute_url()).content.decode()
    assert "This certificate is superseded." in page and revision.certificate_number in page
    assert "Wrong customer." in page
    services.withdraw(cal.net.vmi_user, revision, "Balance out of tolerance.")
    page = client.get(revision.get_absolute_url()).content.decode()
    assert "This certificate was withdrawn and is not valid." in page and "Balance out of tolerance." in page
    assert original.certificate_number in page  # the chain back


def test_create_form_errors_are_422_next_to_the_field(cal):
    client = logged_in(cal.net.vmi_user)
    assert client.get("/metrology/calibrations/new/").status_code == 200
    bad_row = {**POINT, "unit": "furlong"}
    response = client.post(
        "/metrology/calibrations/new/", form_data(cal, [POINT, POINT, bad_row], received_on="2026-03-05")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Unknown unit “furlong”" in html and 'id="point-row-2"' in html
    row = html.split('id="point-row-2"')[1].split("</tr>")[0]
    assert "furlong" in row and 'class="has-error"' in row
    assert "The item was received after the calibration date." in html
    assert not CalibrationRecord.objects.filter(item=cal.item).exists()
    anonymous = Client().get("/metrology/calibrations/new/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_create_edit_issue_revise_withdraw_through_pages(cal):
    client = logged_in(cal.net.vmi_user)
    blank = {name: "" for name in POINT}
    response = client.post(
        "/metrology/calibrations/new/", form_data(cal, [POINT, {**POINT, "as_found": "0.9999990"}, blank])
    )
    assert response.status_code == 302, response.content.decode()
    record = CalibrationRecord.objects.get(item=cal.item)
    assert record.points.count() == 2 and list(record.standards_used.values_list("standard", flat=True)) == [
        cal.reference.pk
    ]
    edit = f"/metrology/calibrations/{record.pk}/edit/"
    data = form_data(
        cal, [POINT, POINT], remarks="Checked.", **{"points-INITIAL_FORMS": "2", "points-1-DELETE": "on"}
    )
    assert client.post(edit, data).status_code == 302
    record.refresh_from_db()
    assert record.remarks == "Checked." and record.points.count() == 1
    assert client.get(f"/metrology/calibrations/{record.pk}/issue/").status_code == 200
    assert client.post(f"/metrology/calibrations/{record.pk}/issue/").status_code == 302
    record.refresh_from_db()
    assert record.status == "issued" and record.as_found_verdict == "pass"
    assert client.get(edit).status_code == 302  # issued: back to the record with a message
    revise = f"/metrology/calibrations/{record.pk}/revise/"
    assert client.post(revise, {"reason": ""}).status_code == 422
    assert client.post(revise, {"reason": "Wrong date."}).status_code == 302
    revision = CalibrationRecord.objects.get(supersedes=record)
    withdraw = f"/metrology/calibrations/{record.pk}/withdraw/"
    assert client.post(withdraw, {"reason": "Invalid."}).status_code == 302
    record.refresh_from_db()
    assert record.status == "withdrawn"
    assert (
        client.post(f"/metrology/calibrations/{revision.pk}/withdraw/", {"reason": "Not needed."}).status_code
        == 302
    )
    assert not CalibrationRecord.objects.filter(pk=revision.pk).exists()


def test_issue_page_lists_the_problems(cal, make_instrument):
    uncalibrated = make_instrument(asset="W-9", name="Working weight", level="working")
    record = cal.draft(standards=[uncalibrated])
    response = logged_in(cal.net.vmi_user).post(f"/metrology/calibrations/{record.pk}/issue/")
    assert response.status_code == 422
    assert "Standard W-9 Working weight had no valid calibration on 2026-03-02." in response.content.decode()


def test_other_laboratories_may_not_write(cal):
    record = cal.draft()
    other = logged_in(cal.net.quatest_user)
    for action in ("edit", "issue", "revise", "withdraw", "budget"):
        assert other.get(f"/metrology/calibrations/{record.pk}/{action}/").status_code == 403, action
    form = other.get("/metrology/calibrations/new/").content.decode()
    assert f'<option value="{cal.net.vmi.pk}"' not in form  # only their own laboratory to choose


def test_budget_page_toml_and_errors(cal):
    record = cal.draft()
    client = logged_in(cal.net.vmi_user)
    url = f"/metrology/calibrations/{record.pk}/budget/"
    assert "E = I - (m_s + dm)" in client.get(url).content.decode()  # an example to start from
    toml = """
model = "E = I - m_s"
k = 2
[output_units]
E = "kg"
[[inputs]]
name = "I"
value = 1.0000005
uncertainty = 2e-7
unit = "kg"
[[inputs]]
name = "m_s"
value = 1.0
uncertainty = 1.5e-7
unit = "kg"
"""
    assert client.post(url, {"spec": toml, "point": "0"}).status_code == 302
    record.refresh_from_db()
    assert record.budget["result"]["expanded_uncertainty"] == pytest.approx(5e-7)
    assert record.points.get(position=0).uncertainty == pytest.approx(5e-7)
    page = Client().get(record.get_absolute_url()).content.decode()
    assert "Sensitivity coefficient" in page and "m_s" in page
    bad = client.post(url, {"spec": toml.replace("1.5e-7", "-1"), "point": ""})
    assert bad.status_code == 422 and "inputs[1]: input &#x27;m_s&#x27;: negative" in bad.content.decode()
    assert client.post(url, {"spec": "{not json", "point": ""}).status_code == 422
