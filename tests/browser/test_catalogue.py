"""The international catalogue in a real Chromium: live search, a document, its edition chain."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(transactional_db):
    """The real ISO and IEC records of tests/standards/data, imported (as that package's fixture)."""
    from nqi.standards.importing.documents import import_documents
    from nqi.standards.importing.service import import_iso_open_data
    from tests.standards.conftest import DATA

    runs = import_iso_open_data(
        [DATA / "ics_sample.csv", DATA / "committees_2025.jsonl", DATA / "iso_sample.jsonl"]
    )
    runs.append(import_documents([DATA / "iec_sample.jsonl"], "iec"))
    return runs


@pytest.fixture
def site(live_server, catalogue):
    return live_server.url


def test_search_open_a_document_and_follow_the_edition_chain(site, page):
    page.goto(site + "/catalogue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("International catalogue")
    page.fill("#catalogue-q", "iso 9001 2015")
    results = page.locator("#catalogue-results")
    expect(results.locator("tbody tr").first).to_contain_text("ISO 9001:2015")
    expect(results).not_to_contain_text("IEC 60529")
    expect(page).to_have_url(re.compile(r"q=iso(\+|%20)9001(\+|%20)2015"))  # pushed by htmx
    results.get_by_role("link", name="ISO 9001:2015", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ISO 9001:2015")
    editions = page.locator("#editions")
    expect(editions.locator("[aria-current=true]")).to_contain_text("ISO 9001:2015")
    editions.get_by_role("link", name="ISO 9001:2008").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ISO 9001:2008")
    expect(page.locator("#doc-status")).to_have_text("Withdrawn")
    expect(page.locator("footer")).to_contain_text("ISO Open Data")


def test_facet_narrows_the_results(site, page):
    page.goto(site + "/catalogue/")
    page.locator(".facets").get_by_role("link", name="IEC", exact=True).click()
    expect(page.locator("#catalogue-results tbody tr").first).to_contain_text("IEC")
    expect(page.locator("#catalogue-results")).not_to_contain_text("ISO 9001")
