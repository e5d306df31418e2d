"""The search service on the database in use (run on SQLite and again on PostgreSQL)."""

import pytest

from nqi.core.search import filter_queryset, reindex, search
from nqi.organizations.models import Country, Organization, OrganizationKind, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(db):
    vn = Country.objects.create(code="VN", alpha3="VNM", name="Viet Nam", name_i18n={"vi": "Việt Nam"})
    uz = Country.objects.create(code="UZ", alpha3="UZB", name="Uzbekistan", name_i18n={"uz": "O‘zbekiston"})
    kz = Country.objects.create(code="KZ", alpha3="KAZ", name="Kazakhstan", name_i18n={"ru": "Казахстан"})
    make = Organization.objects.create
    return {
        "stameq": make(
            name="National Committee for Standards, Metrology and Quality",
            acronym="STAMEQ",
            kind=OrganizationKind.NSB,
            country=vn,
            name_i18n={"vi": "Ủy ban Tiêu chuẩn Đo lường Chất lượng Quốc gia"},
        ),
        "vmi": make(
            name="Vietnam Metrology Institute",
            acronym="VMI",
            kind=OrganizationKind.NMI,
            country=vn,
            name_i18n={"vi": "Viện Đo lường Việt Nam"},
        ),
        "uznim": make(
            name="Uzbek National Institute of Metrology",
            acronym="UzNIM",
            kind=OrganizationKind.NMI,
            country=uz,
            name_i18n={"uz": "O‘zbekiston milliy metrologiya instituti"},
        ),
        "kz": make(
            name="Committee for Technical Regulation and Metrology",
            acronym="",
            kind="government_agency",
            country=kz,
            name_i18n={"ru": "Комитет технического регулирования и метрологии, ёмкость"},
        ),
    }


def acronyms(results):
    return sorted(o.acronym or o.name for o in results)


def test_diacritics_and_d_stroke_are_folded(orgs):
    assert acronyms(search(Organization, "do luong")) == ["STAMEQ", "VMI"]
    assert acronyms(search(Organization, "ĐO LƯỜNG")) == ["STAMEQ", "VMI"]
    assert acronyms(search(Organization, "Viện")) == ["VMI"]


def test_uzbek_apostrophes_match_every_variant(orgs):
    for query in ["O‘zbekiston", "O'zbekiston", "Oʻzbekiston", "ozbekiston", "O`zbek"]:
        assert acronyms(search(Organization, query)) == ["UzNIM"], query


def test_cyrillic_yo_matches_ye(orgs):
    assert len(search(Organization, "емкость")) == 1
    assert len(search(Organization, "ёмкость")) == 1


def test_prefix_and_all_terms_required(orgs):
    assert acronyms(search(Organization, "metrol")) == sorted(
        ["Committee for Technical Regulation and Metrology", "STAMEQ", "UzNIM", "VMI"]
    )
    assert acronyms(search(Organization, "metrol viet")) == ["STAMEQ", "VMI"]
    assert search(Organization, "metrology zzzz") == []


def test_country_names_are_part_of_the_organization_document(orgs):
    assert acronyms(search(Organization, "Казахстан")) == ["Committee for Technical Regulation and Metrology"]


def test_ranking_prefers_more_matches(orgs):
    best = search(Organization, "metrology institute vietnam")[0]
    assert best.acronym == "VMI"


def test_empty_or_punctuation_query_does_not_filter(orgs):
    queryset = Organization.objects.all()
    assert filter_queryset(queryset, "").count() == 4
    assert filter_queryset(queryset, " /— ").count() == 4
    assert search(Organization, "") == []


def test_query_syntax_characters_are_harmless(orgs):
    for query in [
        '"',
        "AND OR NOT",
        "*",
        "metro*",
        "a:b",
        "(vmi",
        "vmi)",
        "' OR 1=1 --",
        "-vmi",
        "^vmi",
        "vmi & !x",
    ]:
        list(search(Organization, query))  # must not raise


def test_index_follows_updates_and_deletes(orgs):
    vmi = orgs["vmi"]
    vmi.name = "Vietnam Institute of Weights"
    vmi.save()
    assert search(Organization, "weights")[0].pk == vmi.pk
    vmi.delete()
    assert search(Organization, "weights") == []


def test_reindex_rebuilds_entries(orgs):
    from nqi.core.models import SearchEntry

    SearchEntry.objects.filter(kind="organizations.organization").delete()
    assert search(Organization, "metrology") == []
    assert reindex(Organization) == 4
    assert len(search(Organization, "metrology")) == 4


def test_people_search_covers_affiliations(orgs):
    person = Person.objects.create(given_name="Nguyễn Văn", family_name="An")
    person.affiliations.create(organization=orgs["vmi"], role="metrologist")
    assert [p.pk for p in search(Person, "nguyen vmi")] == [person.pk]


def test_ranked_orders_by_relevance_or_falls_back(orgs):
    from nqi.core.search import ranked

    assert ranked(Organization.objects.all(), "metrology institute vietnam", "name")[0].acronym == "VMI"
    # "©" has no searchable word: no filter, plain order, no error
    assert [o.name for o in ranked(Organization.objects.all(), "©", "name")] == sorted(
        o.name for o in orgs.values()
    )


def test_nul_characters_are_refused_with_400(client):
    response = client.get("/api/v1/organizations", {"country": "v\x00n"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "country"
    response = client.post(
        "/api/v1/organizations", '{"name": "a\\u0000b", "kind": "nsb"}', content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "body"
    assert client.get("/organizations/", {"q": "\x00"}).status_code == 400


def test_rank_tables_are_dropped_when_the_request_ends(orgs):
    from django.db import DEFAULT_DB_ALIAS, connections

    from nqi.core.search import drop_rank_tables

    search(Organization, "metrology")
    names = set(connections[DEFAULT_DB_ALIAS].__dict__["_nqi_rank_tables"])
    assert names
    drop_rank_tables()
    assert "_nqi_rank_tables" not in connections[DEFAULT_DB_ALIAS].__dict__
    assert len(search(Organization, "metrology")) == 4  # rebuilt on demand
