"""In a real Chromium: a metrologist records a CMC, submits it for review, filters the list live,
and finds it in the network view."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_metrologist_records_a_cmc_and_sees_it_in_the_network(live_server, net, page):
    site = live_server.url
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", "vmi")
    page.fill("#id_password", "pw-Secret-123")
    page.get_by_role("button", name="Log in").last.click()
    page.goto(site + "/metrology/cmcs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calibration and measurement capabilities")
    page.get_by_role("link", name="Add CMC").click()
    page.select_option("#id_laboratory", str(net.vmi.pk))
    page.select_option("#id_service", str(net.mass.pk))
    page.fill("#id_range_low", "0.001")
    page.fill("#id_range_high", "20")
    page.fill("#id_uncertainty_low", "0.01")
    page.fill("#id_uncertainty_high", "30")
    page.fill("#id_uncertainty_unit", "furlong")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field.has-error")).to_contain_text("Unknown unit")
    page.fill("#id_uncertainty_unit", "mg")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#cmc-status")).to_contain_text("Draft")
    page.get_by_role("button", name="Move to “Internally reviewed”").click()
    expect(page.locator("#cmc-status")).to_contain_text("Internally reviewed")

    page.goto(site + "/metrology/cmcs/")
    page.fill("#cmc-q", "platinum")
    expect(page.locator("#cmc-results")).to_contain_text("No CMCs match.")
    page.fill("#cmc-q", "weights")
    expect(page.locator("#cmc-results")).to_contain_text("1 CMC")

    page.get_by_role("link", name="Network and gaps").click()
    page.select_option("#network-country", "VN")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#service-m-11 svg")).to_be_visible()
    expect(page.locator("#gaps")).to_contain_text("Platinum resistance thermometers")
