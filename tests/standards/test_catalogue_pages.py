"""Pages of the international catalogue over real ISO and IEC records (the ``catalogue`` fixture)."""

import csv
import io
import json

import pytest
from django.test import Client

from nqi.standards.models import InternationalCommittee, InternationalDocument

pytestmark = pytest.mark.django_db

ISO_ATTRIBUTION = "© ISO — ISO Open Data, https://www.iso.org/open-data.html, ODC-By 1.0"
IEC_ATTRIBUTION = "IEC catalogue metadata, webstore.iec.ch"


@pytest.fixture
def site(catalogue):
    return Client()


def doc(canonical: str) -> InternationalDocument:
    return InternationalDocument.objects.get(canonical=canonical)


def canonicals(response) -> list[str]:
    return [d.canonical for d in response.context["page"]]


def test_list_shows_both_catalogues_with_facets_and_attribution(site):
    response = site.get("/catalogue/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ISO_ATTRIBUTION in html and IEC_ATTRIBUTION in html
    facets = response.context["facets"]
    total = response.context["page"].paginator.count
    assert total == InternationalDocument.objects.count()
    assert sum(n for _value, n in facets["stage_group"]) == total
    assert {"ISO", "IEC", "ISO/IEC"} <= {value for value, _n in facets["publisher"]}
    assert (
        dict(facets["committee"])["ISO/TC 176/SC 2"]
        == InternationalDocument.objects.filter(committee_ref="ISO/TC 176/SC 2").count()
    )
    assert (
        sum(n for _decade, n in facets["decade"]) == InternationalDocument.objects.exclude(year=None).count()
    )


def test_facets_follow_the_filters(site):
    response = site.get("/catalogue/", {"publisher": "IEC", "current_only": "1"})
    facets = response.context["facets"]
    assert [value for value, _n in facets["publisher"]] == ["IEC"]
    assert {value for value, _n in facets["stage_group"]} <= {"published", "review"}
    expected = InternationalDocument.objects.filter(
        publisher="IEC", stage_group__in=["published", "review"]
    ).count()
    assert response.context["page"].paginator.count == expected > 0


def test_filters(site):
    in_development = canonicals(site.get("/catalogue/", {"stage_group": "development"}))
    assert "ISO/CD 9001.2" in in_development and "ISO 9001:2015" not in in_development
    casco = canonicals(site.get("/catalogue/", {"committee": "ISO/CASCO"}))
    assert casco and all("17025" in c for c in casco)
    tc176 = canonicals(site.get("/catalogue/", {"committee": "ISO/TC 176"}))  # includes its sub-committees
    assert "ISO 9001:2015" in tc176
    ics = canonicals(site.get("/catalogue/", {"ics": "03.120.20"}))
    assert ics and all("17025" in c for c in ics)
    field = site.get("/catalogue/", {"ics_field": "01"}).context["page"].paginator.count
    assert field == InternationalDocument.objects.filter(ics_field="01").count() > 0
    years = canonicals(site.get("/catalogue/", {"year_from": "2015", "year_to": "2015", "source": "iso"}))
    assert set(years) == set(
        InternationalDocument.objects.filter(year=2015, source="iso").values_list("canonical", flat=True)
    )
    newest = canonicals(site.get("/catalogue/", {"q": "quality management", "sort": "-published"}))
    dates = [doc(c).publication_date for c in newest if doc(c).publication_date]
    assert dates == sorted(dates, reverse=True)


def test_unknown_filter_values_are_ignored(site):
    response = site.get("/catalogue/", {"stage_group": "nope", "year_from": "x", "sort": "?"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == InternationalDocument.objects.count()


def test_identifier_lookup_finds_the_edition_first(site):
    found = canonicals(site.get("/catalogue/", {"q": "iso 9001 2015"}))
    assert found[0] == "ISO 9001:2015"
    assert found[1] == "ISO 9001:2015/Amd 1:2024"  # the same edition comes next
    assert all(doc(c).base == "ISO 9001" for c in found)


def test_identifier_lookup_in_cyrillic(site):
    found = canonicals(site.get("/catalogue/", {"q": "ИСО 9001"}))
    assert found[0] == "ISO 9001:2015"  # the most recent edition, supplements after the editions
    assert set(found) == set(
        InternationalDocument.objects.filter(base="ISO 9001").values_list("canonical", flat=True)
    )


def test_identifier_with_copublisher_and_full_text_fallback(site):
    found = canonicals(site.get("/catalogue/", {"q": "ISO/IEC 17025"}))
    assert found[0] == "ISO/IEC 17025:2017" and all("17025" in c for c in found)
    words = canonicals(site.get("/catalogue/", {"q": "environmental management"}))
    assert words and all("14001" in c for c in words)


def test_htmx_partial(site):
    partial = site.get("/catalogue/", {"q": "iso 9001 2015"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "ISO 9001:2015" in body and "facets" in body
    full = site.get("/catalogue/", {"q": "iso 9001 2015"})
    assert "<html" in full.content.decode()


def test_document_page(site):
    current = doc("ISO 9001:2015")
    html = site.get(current.get_absolute_url()).content.decode()
    assert "Quality management systems" in html
    assert current.stage_label in html and "Under review" in html
    # edition chain, oldest to newest, the current one highlighted
    chain = [
        "ISO 9001:1987",
        "ISO 9001:1994",
        "ISO 9001:2000",
        "ISO 9001:2008",
        "ISO 9001:2015",
        "ISO/CD 9001.2",
    ]
    editions = html[html.index('id="editions"') :]
    positions = [editions.index(ref) for ref in chain]
    assert positions == sorted(positions)
    assert '<li aria-current="true" class="current"><strong>ISO 9001:2015</strong>' in editions
    # amendments, ICS breadcrumbs, committee link, attribution
    supplements = html[html.index('id="supplements"') :]
    assert "ISO 9001:2015/Amd 1:2024" in supplements
    ics = html[html.index('id="ics"') :]
    assert (
        ics.index('href="/ics/03/"') < ics.index('href="/ics/03.120/"') < ics.index('href="/ics/03.120.10/"')
    )
    committee = InternationalCommittee.objects.get(reference="ISO/TC 176/SC 2")
    assert f'href="{committee.get_absolute_url()}"' in html
    assert ISO_ATTRIBUTION in html


def test_following_the_chain_from_the_oldest_edition(site):
    html = site.get(doc("ISO 9001:1987").get_absolute_url()).content.decode()
    editions = html[html.index('id="editions"') :]
    assert f'href="{doc("ISO 9001:2015").get_absolute_url()}"' in editions


def test_supplement_page_links_its_base(site):
    amendment = doc("ISO 9001:2015/Amd 1:2024")
    html = site.get(amendment.get_absolute_url()).content.decode()
    assert f'href="{doc("ISO 9001:2015").get_absolute_url()}"' in html


def test_iec_document_shows_stability_date_and_iec_attribution(site):
    iec = doc("IEC 61010-1:2010")
    html = site.get(iec.get_absolute_url()).content.decode()
    assert "Stable until" in html and "2026" in html
    assert IEC_ATTRIBUTION in html and "ODC-By" not in html


def test_missing_pages_are_404(site):
    assert site.get("/catalogue/999999999/").status_code == 404
    assert site.get("/ics/99.999/").status_code == 404
    assert site.get("/committees/999999999/").status_code == 404


def test_ics_browser(site):
    html = site.get("/ics/").content.decode()
    assert 'href="/ics/03/"' in html
    field = site.get("/ics/03/")
    counts = dict((code.code, n) for code, n in field.context["children"])
    current_quality = InternationalDocument.objects.filter(
        ics__code__startswith="03.120", stage_group__in=["published", "review"]
    ).distinct()
    assert counts["03.120"] == current_quality.count() > 0
    leaf = site.get("/ics/03.120.10/")
    leaf_html = leaf.content.decode()
    assert 'href="/ics/03/"' in leaf_html and 'href="/ics/03.120/"' in leaf_html  # breadcrumbs
    listed = {d.canonical for d in leaf.context["page"]}
    assert "ISO 9001:2015" in listed and "ISO 9001:2008" not in listed  # current documents only


def test_committee_list_and_page(site):
    listing = site.get("/committees/", {"q": "quality"})
    assert "ISO/TC 176" in listing.content.decode()
    partial = site.get("/committees/", {"member": "AFNOR"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    tc = InternationalCommittee.objects.get(reference="ISO/TC 176/SC 2")
    response = site.get(tc.get_absolute_url())
    html = response.content.decode()
    p_members = set(tc.memberships.filter(status="P").values_list("member_acronym", flat=True))
    o_members = set(tc.memberships.filter(status="O").values_list("member_acronym", flat=True))
    assert p_members and o_members
    assert set(response.context["p_members"]) == p_members
    assert set(response.context["o_members"]) == o_members
    assert 'id="p-members"' in html and 'id="o-members"' in html
    assert f'href="{tc.parent.get_absolute_url()}"' in html  # parent committee
    programme = {value: n for value, _label, n in response.context["programme"]}
    assert programme["development"] == 1 and "ISO/CD 9001.2" in html
    assert sum(programme.values()) == tc.documents.count()
    parent_html = site.get(tc.parent.get_absolute_url()).content.decode()
    assert f'href="{tc.get_absolute_url()}"' in parent_html  # sub-committees listed


def test_changes_page(site):
    response = site.get("/changes/")
    assert response.status_code == 200
    assert site.get("/changes/", {"kind": "withdrawn", "since": "2020-01-01"}).status_code == 200


def test_exports_hold_the_filtered_set(site):
    params = {"q": "quality management", "current_only": "1"}
    expected = site.get("/catalogue/", params).context["page"].paginator.count
    assert expected > 0
    response = site.get("/catalogue/export.csv", params)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == expected
    assert {row["stage_group"] for row in rows} <= {"published", "review"}
    everything = site.get("/catalogue/export.json")
    items = json.loads(b"".join(everything.streaming_content))
    assert len(items) == InternationalDocument.objects.count()
    assert {"canonical", "title_en", "stage_group", "ics_codes"} <= set(items[0])


def test_global_search_includes_documents_and_committees(site):
    html = site.get("/search/", {"q": "quality management"}).content.decode()
    assert "International documents" in html and "ISO 9001:2015" in html
    assert "Committees" in html and "ISO/TC 176" in html


def test_navigation_has_the_catalogue(site):
    assert 'href="/catalogue/"' in site.get("/").content.decode()
