import pytest

from nqi.organizations.demo import load_all
from nqi.organizations.models import Country, Organization, Person

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent(demo_data):
    counts = (Country.objects.count(), Organization.objects.count(), Person.objects.count())
    assert counts[0] == 249 and counts[1] >= 40 and counts[2] >= 20
    again = load_all()
    assert all(s.created == 0 and s.updated == 0 for s in again.values())
    assert (Country.objects.count(), Organization.objects.count(), Person.objects.count()) == counts


def test_seeded_bodies_have_five_language_names_and_parents(demo_data):
    for org in Organization.objects.all():
        assert set(org.name_i18n) == {"vi", "uz", "kk", "ru"}, org.seed_key
    vmi = Organization.objects.get(seed_key="vn-vmi")
    assert vmi.parent is not None and vmi.parent.seed_key == "vn-stameq"
    assert Organization.objects.get(acronym="ISO").country is None


def test_country_names_use_modern_forms(demo_data):
    korea = Country.objects.get(code="KR")
    assert korea.name_i18n["vi"] == "Hàn Quốc"
    assert Country.objects.get(code="UZ").name_i18n["uz"] == "O‘zbekiston"
    assert Country.objects.get(code="KZ").name_i18n["kk"] == "Қазақстан"
