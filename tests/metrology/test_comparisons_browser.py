"""A comparison in a real Chromium: a participant submits its result blind; the pilot analyses and publishes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.metrology import test_comparisons_setup
from tests.metrology.test_comparisons_setup import RESULTS

kc = test_comparisons_setup.kc  # the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, site, username):
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Secret-123")
    page.get_by_role("button", name="Log in").last.click()


def test_participant_submits_and_pilot_publishes(live_server, kc, page):
    site = live_server.url
    kc.submit_all({code: result for code, result in RESULTS.items() if code != "QUATEST1"})
    login(page, site, "quatest")
    page.goto(site + "/metrology/comparisons/")
    page.get_by_role("link", name="APMP.M.M-K1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("APMP.M.M-K1")
    expect(page.locator("#participants")).to_contain_text("confidential until publication")
    form = page.locator("form.result-form")
    form.get_by_label("Result").fill("10.30")
    form.get_by_label("Expanded uncertainty U").fill("0.40")
    form.get_by_role("button", name="Submit result").click()
    expect(page.locator("#participants tbody")).to_contain_text("10.3")
    expect(page.locator("#participants tbody")).not_to_contain_text("11.5")  # KRISS's result stays hidden

    page.context.clear_cookies()
    login(page, site, "vmi")
    page.goto(site + kc.comparison.get_absolute_url())
    page.get_by_role("button", name="Run analysis").click()
    expect(page.locator("#report h2")).to_have_text("Analysis preview (not published)")
    page.get_by_role("button", name="Publish the report").click()
    expect(page.locator("#report h2")).to_have_text("Report")
    expect(page.locator("#reference-value")).to_contain_text("10.388")
    expect(page.locator("#report svg")).to_be_visible()
    page.context.clear_cookies()
    page.goto(site + "/metrology/mra/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mutual-recognition matrix")
