"""The catalogue API over real ISO and IEC records: filters, details, exports, problem documents."""

import csv
import io
import json

import pytest
from django.test import Client

from nqi.standards.models import IcsCode, InternationalCommittee, InternationalDocument

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api(catalogue):
    return Client()


def doc(canonical: str) -> InternationalDocument:
    return InternationalDocument.objects.get(canonical=canonical)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "iso 9001 2015"},
        {"q": "ИСО 9001"},
        {"q": "quality management"},
        {"q": "quality", "sort": "-published"},
        {"publisher": "IEC", "current_only": "true"},
        {"stage_group": "withdrawn", "ics_field": "03"},
        {"committee": "ISO/TC 176", "year_from": "2000", "year_to": "2015"},
        {"ics": "03.120", "source": "iso", "sort": "reference"},
        {"deliverable_type": "IS", "q": "management"},
    ],
)
def test_api_filters_equal_page_filters(api, params):
    page = api.get("/catalogue/", {**params, "current_only": "1"} if params.get("current_only") else params)
    expected = [d.pk for d in page.context["page"].object_list]
    body = api.get("/api/v1/documents", {**params, "limit": 25}).json()
    assert body["count"] == page.context["page"].paginator.count
    assert [item["id"] for item in body["items"]] == expected


def test_identifier_lookup(api):
    items = api.get("/api/v1/documents", {"q": "iso 9001 2015"}).json()["items"]
    assert items[0]["canonical"] == "ISO 9001:2015"
    items = api.get("/api/v1/documents", {"q": "ИСО 9001", "limit": 100}).json()["items"]
    assert items and {item["base"] for item in items} == {"ISO 9001"}


def test_document_detail(api):
    current = doc("ISO 9001:2015")
    body = api.get(f"/api/v1/documents/{current.pk}").json()
    assert body["canonical"] == "ISO 9001:2015" and body["stage_group"] == "review"
    assert body["committee_ref"] == "ISO/TC 176/SC 2"
    assert [ics["code"] for ics in body["ics"]] == ["03.100.70", "03.120.10"]
    assert {ref["canonical"] for ref in body["replaces"]} >= {"ISO 9001:2008"}
    assert {ref["canonical"] for ref in body["replaced_by"]} == {"ISO/CD 9001.2"}
    assert [ref["canonical"] for ref in body["supplements"]] == ["ISO 9001:2015/Amd 1:2024"]
    assert body["url"] == current.get_absolute_url()
    assert isinstance(body["events"], list)


def test_not_found_is_a_problem_document(api):
    for url in ["/api/v1/documents/999999999", "/api/v1/committees/999999999", "/api/v1/ics/99.999"]:
        response = api.get(url)
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM
        assert response.json()["status"] == 404
    invalid = api.get("/api/v1/documents", {"stage_group": "nope"})
    assert invalid.status_code == 422 and invalid["Content-Type"] == PROBLEM


def test_exports(api):
    params = {"committee": "ISO/TC 176"}
    count = api.get("/api/v1/documents", params).json()["count"]
    response = api.get("/api/v1/documents/export.csv", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == count > 0 and all(row["committee_ref"].startswith("ISO/TC 176") for row in rows)
    ranked = api.get("/api/v1/documents/export.json", {"q": "quality management"})
    items = json.loads(b"".join(ranked.streaming_content))
    assert len(items) == api.get("/api/v1/documents", {"q": "quality management"}).json()["count"]
    assert [item["id"] for item in items[:25]] == [
        item["id"]
        for item in api.get("/api/v1/documents", {"q": "quality management", "limit": 25}).json()["items"]
    ]


def test_ics(api):
    fields = api.get("/api/v1/ics", {"level": 1, "limit": 100}).json()
    assert fields["count"] == IcsCode.objects.filter(level=1).count()
    children = api.get("/api/v1/ics", {"parent": "03.120"}).json()["items"]
    assert [c["code"] for c in children] == ["03.120.10", "03.120.20"]
    body = api.get("/api/v1/ics/03.120.10").json()
    assert [a["code"] for a in body["ancestors"]] == ["03", "03.120"]
    assert body["parent"] == "03.120" and body["current_documents"] >= 1


def test_committees(api):
    tc = InternationalCommittee.objects.get(reference="ISO/TC 176")
    listing = api.get("/api/v1/committees", {"kind": "SC", "q": "quality"}).json()
    assert listing["count"] >= 1 and all("SC" in item["reference"] for item in listing["items"])
    member = tc.memberships.filter(status="P").first().member_acronym
    with_member = api.get("/api/v1/committees", {"member": member, "limit": 100}).json()["items"]
    assert "ISO/TC 176" in {item["reference"] for item in with_member}
    body = api.get(f"/api/v1/committees/{tc.pk}").json()
    assert member in body["p_members"] and body["o_members"]
    assert not set(body["p_members"]) & set(body["o_members"])
    assert {c["reference"] for c in body["children"]} >= {
        "ISO/TC 176/SC 1",
        "ISO/TC 176/SC 2",
        "ISO/TC 176/SC 3",
    }
    sc2 = InternationalCommittee.objects.get(reference="ISO/TC 176/SC 2")
    programme = api.get(f"/api/v1/committees/{sc2.pk}").json()["work_programme"]
    assert programme["development"] == 1 and sum(programme.values()) == sc2.documents.count()


def test_changes(api):
    body = api.get("/api/v1/changes", {"since": "2000-01-01"}).json()
    assert body["count"] >= 0
    assert api.get("/api/v1/changes", {"kind": "nope"}).status_code == 422
