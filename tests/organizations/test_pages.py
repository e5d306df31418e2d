"""Server-rendered pages: languages, search, permissions, editing with field errors."""

import pytest
from django.test import Client

from nqi.core.audit import history_for
from nqi.core.roles import EDITOR
from nqi.organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(demo_data):
    return Client()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Organizations"),
        ("vi", "Tổ chức"),
        ("ru", "Организации"),
        ("kk", "Ұйымдар"),
        ("uz", "Tashkilotlar"),
    ],
)
def test_home_page_speaks_each_language(site, language, expected):
    site.cookies["nqi_language"] = language
    response = site.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert expected in html


def test_translated_names_follow_the_language(site):
    vmi = Organization.objects.get(seed_key="vn-vmi")
    site.cookies["nqi_language"] = "vi"
    assert vmi.name_i18n["vi"] in site.get(vmi.get_absolute_url()).content.decode()


def test_list_search_and_htmx_partial(site):
    full = site.get("/organizations/", {"q": "metrology institute"})
    assert full.status_code == 200 and "<html" in full.content.decode()
    partial = site.get("/organizations/", {"q": "metrology institute"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "VMI" in body and "UzNIM" in body


def test_global_search_finds_people_and_organizations(site):
    body = site.get("/search/", {"q": "vmi"}).content.decode()
    assert "Vietnam Metrology Institute" in body


def test_edit_requires_login_and_scope(site, make_user):
    vmi = Organization.objects.get(seed_key="vn-vmi")
    uznim = Organization.objects.get(acronym="UzNIM")
    response = site.get(f"/organizations/{vmi.pk}/edit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    make_user("ed", EDITOR, organization=vmi)
    site.login(username="ed", password="pw-Secret-123")
    assert site.get(f"/organizations/{vmi.pk}/edit/").status_code == 200
    assert site.get(f"/organizations/{uznim.pk}/edit/").status_code == 403


def test_edit_with_errors_is_422_and_keeps_data(site, make_user):
    vmi = Organization.objects.get(seed_key="vn-vmi")
    make_user("ed", EDITOR, organization=vmi)
    site.login(username="ed", password="pw-Secret-123")
    form = {"name": "", "kind": "nmi", "website": "not a url", "is_active": "on"}
    response = site.post(f"/organizations/{vmi.pk}/edit/", form)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {"name", "website"} <= set(errors)
    assert Organization.objects.get(pk=vmi.pk).name == "Vietnam Metrology Institute"


def test_successful_edit_shows_in_history(site, make_user):
    vmi = Organization.objects.get(seed_key="vn-vmi")
    make_user("ed", EDITOR, organization=vmi)
    site.login(username="ed", password="pw-Secret-123")
    form = {
        "name": vmi.name,
        "kind": "nmi",
        "acronym": "VMI",
        "website": "https://vmi.example.org",
        "parent": vmi.parent_id,
        "country": vmi.country_id,
        "name_vi": "Viện Đo lường Việt Nam",
        "is_active": "on",
    }
    response = site.post(f"/organizations/{vmi.pk}/edit/", form)
    assert response.status_code == 302
    entry = history_for(vmi).first()
    assert entry.actor_label == "ed" and entry.changes["website"][1] == "https://vmi.example.org"
    page = site.get(vmi.get_absolute_url()).content.decode()
    assert "https://vmi.example.org" in page and "ed" in page


def test_unknown_page_is_404(site):
    assert site.get("/organizations/999999/").status_code == 404
