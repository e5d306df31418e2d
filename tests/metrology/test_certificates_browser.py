"""Public verification in a real Chromium: type the number, see the state, follow the revision."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from nqi.metrology.services.calibrations import issue, revise
from tests.metrology import test_certificates_setup

certs = test_certificates_setup.certs  # the shared fixture
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_verify_a_certificate_and_follow_its_revision(live_server, certs, page):
    record = certs.record
    revision = issue(certs.net.admin, revise(certs.net.admin, record, "Wrong serial number"))
    page.goto(live_server.url + "/verify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify a certificate")
    page.get_by_label("Certificate number").fill(record.certificate_number)
    page.get_by_role("button", name="Verify").click()
    result = page.locator("#verification")
    expect(result).to_have_attribute("data-state", "superseded")
    expect(result).to_contain_text("Genuine")
    expect(result).to_contain_text("SN-330-4411")
    page.locator("#successor").click()
    expect(page.locator("#verification")).to_have_attribute("data-state", "current")
    expect(page.get_by_role("heading", level=1)).to_contain_text(revision.certificate_number)
    page.goto(live_server.url + "/verify/")
    page.get_by_label("Certificate number").fill("FAKE-2026-00001")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verification")).to_have_attribute("data-state", "unknown")
    expect(page.locator("#verification")).to_contain_text("Not found")
