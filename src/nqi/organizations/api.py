"""REST endpoints for countries, organizations and people."""

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS, ChangeOut, Pagination, change_history
from nqi.organizations import services
from nqi.organizations.filters import OrganizationFilters, PersonFilters, filter_organizations, filter_people
from nqi.organizations.models import Country, Organization, OrganizationKind, Person

router = Router(tags=["organizations"])


class CountryOut(Schema):
    code: str
    alpha3: str
    numeric: str
    name: str
    names: dict[str, str]

    @staticmethod
    def resolve_names(obj: Country) -> dict[str, str]:
        return {"en": obj.name, **(obj.name_i18n or {})}


class OrganizationRef(Schema):
    id: int
    name: str
    acronym: str


class OrganizationOut(Schema):
    id: int
    name: str
    names: dict[str, str]
    display_name: str
    kind: OrganizationKind
    acronym: str
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    parent: OrganizationRef | None = None
    iso_member_id: int | None = None
    iso_acronym: str
    website: str
    email: str
    address: str
    description: str
    is_active: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_names(obj: Organization) -> dict[str, str]:
        return {"en": obj.name, **(obj.name_i18n or {})}

    @staticmethod
    def resolve_country(obj: Organization) -> str | None:
        return obj.country.code if obj.country_id else None


class OrganizationIn(Schema):
    name: str = Field(..., min_length=1, max_length=300)
    name_i18n: dict[str, str] = Field(default_factory=dict, description="Names in vi, uz, kk, ru")
    kind: OrganizationKind
    acronym: str = Field("", max_length=50)
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")
    parent_id: int | None = None
    iso_member_id: int | None = Field(None, ge=1, le=2_147_483_647)
    iso_acronym: str = Field("", max_length=50)
    website: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    address: str = ""
    description: str = ""
    is_active: bool = True


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=300)
    name_i18n: dict[str, str] | None = None
    kind: OrganizationKind | None = None
    acronym: str | None = Field(None, max_length=50)
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$")
    parent_id: int | None = None
    iso_member_id: int | None = Field(None, ge=1, le=2_147_483_647)
    iso_acronym: str | None = Field(None, max_length=50)
    website: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    address: str | None = None
    description: str | None = None
    is_active: bool | None = None


class AffiliationOut(Schema):
    id: int
    person_id: int
    organization: OrganizationRef
    role: str
    title: str
    start: dt.date | None
    end: dt.date | None


class PersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    name_native: str
    email: str
    country: str | None = None
    affiliations: list[AffiliationOut]

    @staticmethod
    def resolve_country(obj: Person) -> str | None:
        return obj.country.code if obj.country_id else None

    @staticmethod
    def resolve_affiliations(obj: Person) -> list[Any]:
        return list(obj.affiliations.all())


class PersonIn(Schema):
    given_name: str = Field(..., min_length=1, max_length=100)
    family_name: str = Field(..., min_length=1, max_length=100)
    name_native: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=50)
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$")
    notes: str = ""


def _resolve_refs(data: dict[str, Any]) -> dict[str, Any]:
    """Turn the API's plain codes and ids into model instances, with field errors when unknown."""
    from django.core.exceptions import ValidationError

    errors: dict[str, str] = {}
    if "country" in data:
        code = data.pop("country")
        if code is None:
            data["country"] = None
        else:
            data["country"] = Country.objects.filter(code=code.upper()).first()
            if data["country"] is None:
                errors["country"] = f"Unknown country code {code!r}."
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = Organization.objects.filter(pk=parent_id).first() if parent_id else None
        if parent_id and data["parent"] is None:
            errors["parent_id"] = f"No organization with id {parent_id}."
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/countries", response={200: list[CountryOut], **READ_ERRORS}, summary="List countries")
@paginate(Pagination)
def list_countries(request, q: str | None = None):
    from nqi.core.search import ranked

    return ranked(Country.objects.all(), q, "name")


@router.get("/countries/{code}", response={200: CountryOut, **READ_ERRORS}, summary="One country")
def get_country(request, code: str):
    return get_object_or_404(Country, code=code.upper())


@router.get(
    "/organizations",
    response={200: list[OrganizationOut], **READ_ERRORS},
    summary="Search and filter organizations",
)
@paginate(Pagination)
def list_organizations(request, filters: Query[OrganizationFilters]):
    return filter_organizations(filters)


@router.get(
    "/organizations/{org_id}", response={200: OrganizationOut, **READ_ERRORS}, summary="One organization"
)
def get_organization(request, org_id: int):
    return get_object_or_404(Organization.objects.select_related("country", "parent"), pk=org_id)


@router.get(
    "/organizations/{org_id}/history",
    response={200: list[ChangeOut], **READ_ERRORS},
    summary="Change history",
)
def organization_history(request, org_id: int):
    return change_history(get_object_or_404(Organization, pk=org_id))


@router.post(
    "/organizations",
    response={201: OrganizationOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Add an organization",
)
def create_organization(request, payload: OrganizationIn):
    org = services.create_organization(request.auth, _resolve_refs(payload.model_dump()))
    return 201, org


@router.patch(
    "/organizations/{org_id}",
    response={200: OrganizationOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Change an organization",
)
def update_organization(request, org_id: int, payload: OrganizationPatch):
    org = get_object_or_404(Organization, pk=org_id)
    data = _resolve_refs(payload.model_dump(exclude_unset=True))
    return services.update_organization(request.auth, org, data)


@router.delete(
    "/organizations/{org_id}",
    response={204: None, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Delete an organization",
)
def delete_organization(request, org_id: int):
    services.delete_organization(request.auth, get_object_or_404(Organization, pk=org_id))
    return 204, None


@router.get("/people", response={200: list[PersonOut], **READ_ERRORS}, summary="Search and filter people")
@paginate(Pagination)
def list_people(request, filters: Query[PersonFilters]):
    return filter_people(filters)


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS}, summary="One person")
def get_person(request, person_id: int):
    return get_object_or_404(Person.objects.select_related("country"), pk=person_id)


@router.get(
    "/people/{person_id}/history", response={200: list[ChangeOut], **READ_ERRORS}, summary="Change history"
)
def person_history(request, person_id: int):
    return change_history(get_object_or_404(Person, pk=person_id))


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS}, auth=WRITE_AUTH, summary="Add a person")
def create_person(request, payload: PersonIn):
    return 201, services.save_person(request.auth, None, _resolve_refs(payload.model_dump()))


@router.put(
    "/people/{person_id}",
    response={200: PersonOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Change a person",
)
def update_person(request, person_id: int, payload: PersonIn):
    person = get_object_or_404(Person, pk=person_id)
    return services.save_person(request.auth, person, _resolve_refs(payload.model_dump()))
