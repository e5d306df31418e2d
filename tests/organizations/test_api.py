"""The organizations API through HTTP: reads, token writes, problem details, history."""

import pytest
from django.test import Client

from nqi.core.models import ApiToken
from nqi.core.roles import ADMINISTRATOR, EDITOR
from nqi.organizations.models import Organization

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api(demo_data):
    return Client()


def bearer(user):
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_list_search_and_filters(api):
    body = api.get("/api/v1/organizations", {"q": "uzbekistan"}).json()
    assert body["count"] >= 3 and all(item["country"] == "UZ" for item in body["items"])
    nmis = api.get("/api/v1/organizations", {"kind": "nmi", "limit": 100}).json()
    assert nmis["count"] >= 3 and {i["kind"] for i in nmis["items"]} == {"nmi"}
    members = api.get("/api/v1/organizations", {"iso_member": "true", "limit": 100}).json()["items"]
    assert members and all(item["iso_member_id"] for item in members)
    vn = api.get("/api/v1/organizations", {"country": "vn", "limit": 100}).json()["items"]
    assert {item["country"] for item in vn} == {"VN"}


def test_names_in_all_languages(api):
    body = api.get("/api/v1/organizations", {"q": "VMI"}).json()
    vmi = next(item for item in body["items"] if item["acronym"] == "VMI")
    assert set(vmi["names"]) == {"en", "vi", "uz", "kk", "ru"}


def test_not_found_is_a_problem_document(api):
    response = api.get("/api/v1/organizations/999999")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 404 and response.json()["title"] == "Not found"


def test_bad_query_parameter_is_422_with_field_errors(api):
    response = api.get("/api/v1/organizations", {"kind": "galaxy"})
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]


def test_writes_need_authentication(api):
    response = api.post(
        "/api/v1/organizations", {"name": "X", "kind": "nsb"}, content_type="application/json"
    )
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_token_is_refused(api, make_user):
    user = make_user("boss", ADMINISTRATOR)
    token, key = ApiToken.issue(user, "old")
    token.revoked = True
    token.save()
    response = api.post(
        "/api/v1/organizations",
        {"name": "X", "kind": "nsb"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 401


def test_create_and_patch_with_token_are_audited(api, make_user):
    admin = make_user("boss", ADMINISTRATOR)
    auth = bearer(admin)
    created = api.post(
        "/api/v1/organizations",
        {
            "name": "Hanoi Calibration Lab",
            "kind": "laboratory",
            "country": "VN",
            "name_i18n": {"vi": "Phòng hiệu chuẩn Hà Nội"},
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    org_id = created.json()["id"]
    patched = api.patch(
        f"/api/v1/organizations/{org_id}", {"acronym": "HCL"}, content_type="application/json", **auth
    )
    assert patched.status_code == 200 and patched.json()["acronym"] == "HCL"
    history = api.get(f"/api/v1/organizations/{org_id}/history").json()
    assert [h["action"] for h in history] == ["update", "create"]
    assert history[0]["user"] == "boss" and history[0]["source"] == "api"
    assert history[0]["changes"] == {"acronym": ["", "HCL"]}


def test_invalid_write_names_every_bad_field_and_writes_nothing(api, make_user):
    auth = bearer(make_user("boss", ADMINISTRATOR))
    before = Organization.objects.count()
    response = api.post(
        "/api/v1/organizations",
        {"name": "", "kind": "nsb", "country": "QQ"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert "name" in {e["field"] for e in response.json()["errors"]}
    response = api.post(
        "/api/v1/organizations",
        {"name": "Z", "kind": "nsb", "country": "QQ", "parent_id": 987654},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"country", "parent_id"}
    assert Organization.objects.count() == before


def test_editor_out_of_scope_gets_403(api, make_user):
    vmi = Organization.objects.get(seed_key="vn-vmi")
    uznim = Organization.objects.get(acronym="UzNIM")
    auth = bearer(make_user("ed", EDITOR, organization=vmi))
    ok = api.patch(
        f"/api/v1/organizations/{vmi.pk}",
        {"website": "https://vmi.example"},
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 200
    denied = api.patch(
        f"/api/v1/organizations/{uznim.pk}",
        {"website": "https://x.example"},
        content_type="application/json",
        **auth,
    )
    assert denied.status_code == 403 and denied["Content-Type"] == PROBLEM


def test_people_and_countries(api):
    people = api.get("/api/v1/people", {"limit": 5}).json()
    assert people["count"] >= 20 and people["items"][0]["affiliations"]
    country = api.get("/api/v1/countries/uz").json()
    assert country["names"]["uz"] == "O‘zbekiston"
    found = api.get("/api/v1/countries", {"q": "Қазақстан"}).json()["items"]
    assert [c["code"] for c in found] == ["KZ"]


def test_openapi_document_declares_problem_responses(api):
    schema = api.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/organizations"]["post"]
    assert "application/problem+json" in post["responses"]["422"]["content"]
