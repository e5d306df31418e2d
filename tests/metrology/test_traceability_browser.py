"""In a real Chromium: find a broken chain of a laboratory, open its graph, then the reverse
traceability of the standard behind it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.metrology.test_traceability_chains import chain, set_status  # noqa: F401
from tests.metrology.test_traceability_reverse import drift  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_broken_chain_to_graph_to_reverse_traceability(live_server, drift, page):  # noqa: F811
    set_status(drift.c_s2, "withdrawn")
    site = live_server.url
    page.goto(site + "/metrology/traceability/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Traceability: broken chains")
    page.get_by_label("Laboratory").select_option(str(drift.net.quatest.pk))
    page.get_by_label("From", exact=True).fill("2024-01-01")
    page.get_by_label("To", exact=True).fill("2025-12-31")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#broken")).to_contain_text("VIA-1")
    expect(page.locator("#at-risk")).to_contain_text("Q-W2")
    page.locator("#broken tr", has_text="VIA-1").get_by_role("link", name="Chain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Traceability of VIA-1")
    expect(page.locator("#trace-verdict")).to_contain_text("Broken")
    expect(page.locator("svg.trace-graph g.node.verdict-broken").first).to_be_visible()
    expect(page.locator("#trace-list")).to_contain_text("has been withdrawn")
    page.goto(site + f"/metrology/instruments/{drift.w.pk}/reverse/")
    page.get_by_label("Include what the affected standards supported in turn").check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#affected")).to_contain_text("VIA-2")
    expect(page.locator("#customers")).to_contain_text("UzNIM")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV for recall letters").click()
    assert download.value.suggested_filename == "reverse-traceability-W-2025.csv"
