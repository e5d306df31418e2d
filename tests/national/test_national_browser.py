"""The national catalogue in a real Chromium: live search, dashboard charts, review decision."""

import re

import pytest
from playwright.sync_api import expect

from nqi.core.roles import EDITOR
from nqi.standards.national.models import ReviewItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, vn):
    return live_server.url


def test_live_search_and_standard_page(site, page):
    page.goto(site + "/national/")
    page.fill("#nat-q", "bảo vệ")
    expect(page.locator("#nat-results")).to_contain_text("TCVN 4255:2008")
    expect(page.locator("#nat-results")).not_to_contain_text("TCVN ISO 9001:2015")
    page.get_by_role("link", name="TCVN 4255:2008").click()
    expect(page.locator("#adoptions")).to_contain_text("IEC 60529:1989")


def test_dashboard_charts_in_russian(site, page):
    page.context.add_cookies([{"name": "nqi_language", "value": "ru", "url": site}])
    page.goto(site + "/national/harmonization/?country=VN")
    expect(page.locator("#summary")).to_contain_text(re.compile(r"66[.,]7"))  # localized decimal
    assert page.locator(".charts svg").count() >= 4


def test_editor_corrects_a_review_item(site, page, make_user):
    make_user("ed", EDITOR)
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "pw-Secret-123")
    page.get_by_role("button", name="Log in").last.click()
    page.goto(site + "/national/review/")
    item = ReviewItem.objects.get()
    page.fill(f"#ref-{item.pk}", "ISO 9001:2015")
    page.get_by_role("button", name="Correct").click()
    expect(page.locator("#review")).to_contain_text("Nothing to review")
    item.refresh_from_db()
    assert item.state == "corrected"
