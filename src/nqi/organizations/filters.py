"""Filters shared by the list pages and the API, so both answer the same question the same way."""

from django.db.models import Count, Prefetch, QuerySet
from ninja import Field, Schema

from nqi.core.search import ranked
from nqi.organizations.models import Affiliation, Organization, OrganizationKind, Person


class OrganizationFilters(Schema):
    q: str | None = Field(None, description="Search words (any language, prefix match)")
    kind: OrganizationKind | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    parent_id: int | None = None
    iso_member: bool | None = Field(None, description="Only ISO member bodies (true) or non-members (false)")
    active: bool | None = None


def filter_organizations(filters: OrganizationFilters) -> QuerySet[Organization]:
    queryset = Organization.objects.select_related("country", "parent")
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.country:
        queryset = queryset.filter(country__code=filters.country.upper())
    if filters.parent_id:
        queryset = queryset.filter(parent_id=filters.parent_id)
    if filters.iso_member is not None:
        queryset = queryset.filter(iso_member_id__isnull=not filters.iso_member)
    if filters.active is not None:
        queryset = queryset.filter(is_active=filters.active)
    return ranked(queryset, filters.q, "name", "pk")


class PersonFilters(Schema):
    q: str | None = Field(None, description="Search words (prefix match)")
    organization_id: int | None = None
    country: str | None = None


def filter_people(filters: PersonFilters) -> QuerySet[Person]:
    queryset = Person.objects.select_related("country").prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization"))
    )
    if filters.organization_id:
        queryset = queryset.filter(affiliations__organization_id=filters.organization_id).distinct()
    if filters.country:
        queryset = queryset.filter(country__code=filters.country.upper())
    return ranked(queryset, filters.q, "family_name", "given_name", "pk")


def kind_counts() -> dict[str, int]:
    return dict(Organization.objects.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
