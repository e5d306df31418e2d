"""A metrologist records a calibration in a real Chromium: draft with two points, issue, verdicts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.metrology import test_calibrations_setup

cal = test_calibrations_setup.cal  # the shared fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, site, username):
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Secret-123")
    page.get_by_role("button", name="Log in").last.click()


def fill_point(page, index: int, as_found: str) -> None:
    values = {"quantity": "mass", "unit": "kg", "nominal": "1", "as_found": as_found}
    values |= {"uncertainty": "6e-7", "mpe": "1.6e-6"}
    for name, value in values.items():
        page.fill(f"#id_points-{index}-{name}", value)


def test_record_draft_with_two_points_and_issue(live_server, cal, page):
    site = live_server.url
    login(page, site, "vmi")
    page.goto(site + "/metrology/calibrations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calibrations")
    page.get_by_role("link", name="Record a calibration").click()
    page.select_option("#id_laboratory", str(cal.net.vmi.pk))
    page.fill("#id_item", str(cal.item.pk))
    page.fill("#id_calibrated_on", "2026-03-02")
    page.select_option("#id_standards", [str(cal.reference.pk)])
    fill_point(page, 0, "1.0000005")
    fill_point(page, 1, "1.0000021")  # 2.1 mg off: outside ±1.6 mg
    page.fill("#id_points-1-unit", "furlong")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#point-row-1")).to_contain_text("Unknown unit")  # 422, the row keeps its values
    page.fill("#id_points-1-unit", "kg")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#record-state")).to_contain_text("Draft")
    expect(page.locator("#points tbody tr")).to_have_count(2)
    page.locator("#record-actions").get_by_role("link", name="Issue").click()
    page.get_by_role("button", name="Issue").click()
    expect(page.locator(".messages")).to_contain_text("issued")
    expect(page.locator("#points .verdict-pass").first).to_have_text("Pass")
    expect(page.locator("#points .verdict-fail").first).to_have_text("Fail")
    expect(page.locator("#as-found .verdict")).to_have_text("Fail")
    expect(page.locator("#standards")).to_contain_text(cal.reference_record.certificate_number)
