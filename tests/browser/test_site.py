"""The site in a real Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

import re

import pytest
from playwright.sync_api import expect

from nqi.core.audit import history_for
from nqi.core.roles import EDITOR
from nqi.organizations.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_HEADINGS = {
    "en": "National quality infrastructure",
    "vi": "Hạ tầng chất lượng quốc gia",
    "uz": "Milliy sifat infratuzilmasi",
    "kk": "Ұлттық сапа инфрақұрылымы",
    "ru": "Национальная инфраструктура качества",
}


@pytest.fixture
def site(live_server, demo_data):
    return live_server.url


def test_home_page_in_each_language(site, page):
    for language, heading in HOME_HEADINGS.items():
        page.context.add_cookies([{"name": "nqi_language", "value": language, "url": site}])
        page.goto(site + "/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_switching_language_with_the_switcher(site, page):
    page.goto(site + "/organizations/")
    page.select_option("#lang-select", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Организации")
    page.select_option("#lang-select", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổ chức")


def test_live_search_shows_results(site, page):
    page.goto(site + "/organizations/")
    page.fill("#org-q", "metrology institute")
    expect(page.locator("#org-results")).to_contain_text("Vietnam Metrology Institute")
    expect(page.locator("#org-results")).not_to_contain_text("International Organization for Standardization")
    page.goto(site + "/")
    page.fill("#home-q", "o'zbekiston")
    expect(page.locator("#home-results")).to_contain_text("Uzbek")


def test_login_edit_and_see_history(site, page, make_user):
    vmi = Organization.objects.get(seed_key="vn-vmi")
    make_user("editor1", EDITOR, organization=vmi)
    page.goto(site + f"/organizations/{vmi.pk}/edit/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("#id_username", "editor1")
    page.fill("#id_password", "pw-Secret-123")
    page.get_by_role("button", name="Log in").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit organization")
    page.fill("#id_website", "https://vmi.example.org")
    page.fill("#id_name_ru", "Вьетнамский институт метрологии")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vietnam Metrology Institute")
    history = page.locator("#history")
    expect(history).to_contain_text("editor1")
    expect(history).to_contain_text("https://vmi.example.org")
    assert history_for(vmi).first().actor_label == "editor1"


def test_invalid_edit_shows_field_errors(site, page, make_user):
    vmi = Organization.objects.get(seed_key="vn-vmi")
    make_user("editor2", EDITOR, organization=vmi)
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", "editor2")
    page.fill("#id_password", "pw-Secret-123")
    page.get_by_role("button", name="Log in").last.click()
    page.goto(site + f"/organizations/{vmi.pk}/edit/")
    page.fill("#id_name", "")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field.has-error")).to_have_count(1)
    assert Organization.objects.get(pk=vmi.pk).name == "Vietnam Metrology Institute"
