"""The equipment register in a real Chromium: filter the list live, open an instrument's history,
log in and mark it damaged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_the_list_and_open_an_instrument(live_server, net, make_instrument, page):
    last = timezone.localdate() - dt.timedelta(days=400)
    quantity = {"quantity": "mass", "unit": "kg", "interval_days": 365, "last_calibrated": last}
    balance = make_instrument(
        asset="BAL-1", name="Analytical balance", manufacturer="Mettler", quantities=[quantity]
    )
    make_instrument(owner=net.quatest, asset="W-20", name="Weight 20 kg")
    site = live_server.url

    page.goto(site + "/metrology/instruments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Equipment register")
    expect(page.locator("#instrument-results")).to_contain_text("2 instruments")
    page.fill("#instrument-q", "mettler")  # live search, no submit
    expect(page.locator("#instrument-results")).to_contain_text("1 instrument")
    expect(page.locator("#instrument-results")).not_to_contain_text("W-20")
    page.select_option("#instrument-due", "overdue")
    expect(page).to_have_url(re.compile(r"q=mettler.*due=overdue"))  # the filters are in the address
    expect(page.locator("#instrument-results")).to_contain_text("1 overdue")
    page.get_by_role("link", name="BAL-1").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("BAL-1")
    expect(page.locator("#quantities")).to_contain_text("overdue")
    expect(page.locator("#calibrations")).to_contain_text("No calibrations recorded.")

    page.goto(site + f"/accounts/login/?next={balance.get_absolute_url()}")
    page.fill("#id_username", "vmi")
    page.fill("#id_password", "pw-Secret-123")
    page.get_by_role("button", name="Log in").last.click()
    page.get_by_role("link", name="Change status").click()
    page.select_option("#id_status", "damaged")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".error")).to_contain_text("a note is required")
    page.fill("#id_note", "Fell off the bench.")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("#identity")).to_contain_text("Damaged")
    expect(page.locator("#history")).to_contain_text("Fell off the bench.")
