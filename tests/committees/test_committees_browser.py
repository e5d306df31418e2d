"""The consultation in a real Chromium: an expert logs in, votes and comments; the secretary submits."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, site, username):
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Secret-123")
    page.get_by_role("button", name="Log in").last.click()


def test_expert_votes_and_secretary_submits(live_server, world, page):
    site = live_server.url
    ballot = world["ballot"]
    page.goto(site + "/")
    page.get_by_role("link", name="Committees").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mirror committees")
    login(page, site, "expert")
    page.goto(site + ballot.get_absolute_url())
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.locator("#votes")).to_contain_text("Approve: 1")
    page.fill("#id_clause", "4.2")
    page.select_option("#id_comment_type", "ed")
    page.fill("#id_comment", "Typo in the title.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#comments")).to_contain_text("Typo in the title.")
    page.context.clear_cookies()
    login(page, site, "sec")
    page.goto(site + ballot.get_absolute_url())
    page.locator("#position").get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Record national vote").click()
    page.get_by_role("button", name="Mark submitted").click()
    expect(page.locator("#national-vote")).to_contain_text("submitted")
