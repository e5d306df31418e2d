"""Pages and API of the national catalogue (Django test client)."""

import pytest
from django.test import Client

from nqi.core.models import ApiToken
from nqi.core.roles import EDITOR
from nqi.standards.national.models import NationalStandard, ReviewItem

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def client_(vn):
    return Client()


def test_list_search_and_facets(client_):
    page = client_.get("/national/", {"q": "quản lý", "country": "VN"})
    assert page.status_code == 200 and "TCVN ISO 9001:2015" in page.content.decode()
    page = client_.get("/national/", {"degree": "MOD"})
    body = page.content.decode()
    assert "TCVN 4255:2008" in body and "TCVN ISO 9001:2015" not in body
    rows = client_.get("/national/", {"status": "draft"}, HTTP_HX_REQUEST="true")
    assert "TCVN 5000:2020" in rows.content.decode() and "<html" not in rows.content.decode()


def test_standard_page_shows_adoptions_and_history(client_):
    std = NationalStandard.objects.get(designation="TCVN ISO 9001:2015")
    body = client_.get(std.get_absolute_url()).content.decode()
    assert "ISO 9001:2015" in body and "TCVN ISO 9001:2008" in body and 'id="history"' in body


def test_dashboard_worklists_and_exports(client_):
    body = client_.get("/national/harmonization/", {"country": "VN"}).content.decode()
    assert body.count("<svg") >= 4 and "66.7 %" in body
    assert "Demo data" not in body
    assert client_.get("/national/harmonization/", {"country": "ZZ"}).status_code == 404
    body = client_.get("/national/harmonization/outdated/", {"country": "VN"}).content.decode()
    assert "ISO 14001:2015" in body
    body = client_.get("/national/harmonization/candidates/", {"country": "VN"}).content.decode()
    assert "ISO 3166-1:2020" in body
    csv = client_.get("/national/harmonization/candidates/", {"country": "VN", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "ISO 3166-1:2020" in csv.content.decode()
    xlsx = client_.get("/national/harmonization/candidates/", {"country": "VN", "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    for fmt in ("csv", "xlsx"):
        assert client_.get(f"/national/import/template.{fmt}").status_code == 200
    assert client_.get("/national/import/template.exe").status_code == 404


def test_review_queue_resolution_in_the_browser_form(client_, make_user):
    make_user("ed", EDITOR)
    client_.login(username="ed", password="pw-Secret-123")
    item = ReviewItem.objects.get(reference__contains="10993")
    assert "10993" in client_.get("/national/review/").content.decode()
    response = client_.post(
        f"/national/review/{item.pk}/", {"action": "correct", "reference": "ISO 9001:2015"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "corrected"


def test_alerts_page_follow_and_unfollow(client_, make_user):
    make_user("al")
    client_.login(username="al", password="pw-Secret-123")
    client_.post("/national/alerts/", {"kind": "document", "value": "ISO 9001"})
    body = client_.get("/national/alerts/").content.decode()
    assert "ISO 9001" in body


def test_api_reads(client_):
    items = client_.get("/api/v1/national/standards", {"country": "vn", "q": "9001"}).json()["items"]
    assert {i["designation"] for i in items} >= {"TCVN ISO 9001:2015"}
    std = items[0]
    detail = client_.get(f"/api/v1/national/standards/{std['id']}").json()
    assert detail["adoptions"][0]["document_status"] in ("published", "review", "withdrawn")
    rate = client_.get("/api/v1/national/countries/VN/rate").json()
    assert rate["overall"] == {"key": "all", "total": 6, "part": 4, "rate": 0.6667}
    assert client_.get("/api/v1/national/countries/VN/coverage").json()["overall"]["part"] == 3
    assert client_.get("/api/v1/national/countries/VN/trend").status_code == 200
    outdated = client_.get("/api/v1/national/countries/VN/outdated", {"reason": "new_edition"}).json()
    assert [i["suggestion"] for i in outdated["items"]] == ["ISO 14001:2015"]
    assert client_.get("/api/v1/national/countries/VN/candidates").json()["count"] > 0
    missing = client_.get("/api/v1/national/countries/ZZ/rate")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    review = client_.get("/api/v1/national/review", {"country": "VN"}).json()
    assert review["count"] == 1


def test_api_writes(client_, make_user):
    item = ReviewItem.objects.get()
    url = f"/api/v1/national/review/{item.pk}"
    assert client_.post(url, {"action": "reject"}, content_type="application/json").status_code == 401
    _token, key = ApiToken.issue(make_user("ed", EDITOR), "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    bad = client_.post(
        url, {"action": "correct", "reference": "nonsense"}, content_type="application/json", **auth
    )
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM
    ok = client_.post(url, {"action": "reject"}, content_type="application/json", **auth)
    assert ok.status_code == 200 and ok.json()["state"] == "rejected"
    watch = client_.post(
        "/api/v1/national/watches",
        {"kind": "ics", "value": "03.120"},
        content_type="application/json",
        **auth,
    )
    assert watch.status_code == 201
    assert client_.get("/api/v1/national/watches", **auth).json()[0]["value"] == "03.120"
    assert client_.delete(f"/api/v1/national/watches/{watch.json()['id']}", **auth).status_code == 204
    assert client_.get("/api/v1/national/notifications", **auth).json()["count"] == 0
