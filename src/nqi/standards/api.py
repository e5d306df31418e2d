"""REST endpoints of the international catalogue: documents, ICS, committees and changes."""

import datetime as dt
import re
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from nqi.core.api import READ_ERRORS, Pagination
from nqi.standards import exports
from nqi.standards.filters import (
    DocumentFilters,
    IcsFilters,
    InternationalCommitteeFilters,
    filter_changes,
    filter_committees,
    filter_documents,
    filter_ics,
)
from nqi.standards.models import (
    ChangeEvent,
    CommitteeMembership,
    IcsCode,
    InternationalCommittee,
    InternationalDocument,
    Source,
)
from nqi.standards.stages import StageGroup

router = Router(tags=["catalogue"])

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class InternationalDocumentRef(Schema):
    id: int
    reference: str
    canonical: str
    stage_group: StageGroup
    year: int | None = None


class InternationalDocumentOut(Schema):
    id: int
    source: Source
    reference: str
    canonical: str
    base: str
    edition_ref: str
    publisher: str
    deliverable_type: str
    supplement_type: str
    title_en: str
    title_fr: str
    titles: dict[str, str]
    publication_date: dt.date | None = None
    date_precision: str
    year: int | None = None
    edition: int | None = None
    stage: int | None = None
    stage_label: str
    stage_group: StageGroup
    status: str
    ics_codes: list[str]
    committee_ref: str
    committee_id: int | None = None
    supplement_to_id: int | None = None
    languages: list[str]
    pages: int | None = None
    stable_until: dt.date | None = None
    url: str

    @staticmethod
    def resolve_titles(obj: InternationalDocument) -> dict[str, str]:
        titles = {"en": obj.title_en}
        if obj.title_fr:
            titles["fr"] = obj.title_fr
        titles.update({k: v for k, v in (obj.title_i18n or {}).items() if isinstance(v, str)})
        return titles

    @staticmethod
    def resolve_ics_codes(obj: InternationalDocument) -> list[str]:
        return [str(code) for code in obj.ics_codes or []]

    @staticmethod
    def resolve_languages(obj: InternationalDocument) -> list[str]:
        return [str(code) for code in obj.languages or []]

    @staticmethod
    def resolve_url(obj: InternationalDocument) -> str:
        return obj.get_absolute_url()


class IcsCodeRef(Schema):
    code: str
    title_en: str


class CatalogueEventOut(Schema):
    id: int
    kind: ChangeEvent.Kind
    date: dt.date
    old_value: str
    new_value: str


class InternationalDocumentDetail(InternationalDocumentOut):
    scope_html: str
    ics: list[IcsCodeRef]
    supplement_to: InternationalDocumentRef | None = None
    supplements: list[InternationalDocumentRef]
    replaces: list[InternationalDocumentRef]
    replaced_by: list[InternationalDocumentRef]
    events: list[CatalogueEventOut]

    @staticmethod
    def resolve_ics(obj: InternationalDocument) -> list[Any]:
        return list(obj.ics.all())

    @staticmethod
    def resolve_supplements(obj: InternationalDocument) -> list[Any]:
        return list(obj.supplements.order_by("sort_key"))

    @staticmethod
    def resolve_replaces(obj: InternationalDocument) -> list[Any]:
        return list(obj.replaces.order_by("sort_key"))

    @staticmethod
    def resolve_replaced_by(obj: InternationalDocument) -> list[Any]:
        return list(obj.replaced_by.order_by("sort_key"))

    @staticmethod
    def resolve_events(obj: InternationalDocument) -> list[Any]:
        return list(obj.events.order_by("date", "id"))


class IcsCodeOut(Schema):
    code: str
    level: int
    parent: str | None = None
    title_en: str
    title_fr: str
    url: str

    @staticmethod
    def resolve_parent(obj: IcsCode) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_url(obj: IcsCode) -> str:
        return obj.get_absolute_url()


class IcsCodeDetail(IcsCodeOut):
    scope_en: str
    ancestors: list[IcsCodeRef]
    children: list[IcsCodeRef]
    current_documents: int = Field(description="Published documents and those under review")

    @staticmethod
    def resolve_ancestors(obj: IcsCode) -> list[Any]:
        return obj.ancestors()

    @staticmethod
    def resolve_children(obj: IcsCode) -> list[Any]:
        return list(obj.children.order_by("code"))

    @staticmethod
    def resolve_current_documents(obj: IcsCode) -> int:
        return filter_documents(DocumentFilters(ics=obj.code, current_only=True)).count()


class InternationalCommitteeRef(Schema):
    id: int
    reference: str
    title_en: str


class InternationalCommitteeOut(Schema):
    id: int
    source: Source
    reference: str
    kind: str
    status: str
    title_en: str
    title_fr: str
    secretariat: str
    creation_date: dt.date | None = None
    parent: InternationalCommitteeRef | None = None
    url: str

    @staticmethod
    def resolve_secretariat(obj: InternationalCommittee) -> str:
        return obj.secretariat_acronym

    @staticmethod
    def resolve_url(obj: InternationalCommittee) -> str:
        return obj.get_absolute_url()


class InternationalCommitteeDetail(InternationalCommitteeOut):
    scope_html: str
    p_members: list[str]
    o_members: list[str]
    children: list[InternationalCommitteeRef]
    work_programme: dict[str, int] = Field(description="Documents per stage group")

    @staticmethod
    def resolve_p_members(obj: InternationalCommittee) -> list[str]:
        return [m.member_acronym for m in obj.memberships.all() if m.status == CommitteeMembership.Status.P]

    @staticmethod
    def resolve_o_members(obj: InternationalCommittee) -> list[str]:
        return [m.member_acronym for m in obj.memberships.all() if m.status == CommitteeMembership.Status.O]

    @staticmethod
    def resolve_children(obj: InternationalCommittee) -> list[Any]:
        return list(obj.children.order_by("sort_key"))

    @staticmethod
    def resolve_work_programme(obj: InternationalCommittee) -> dict[str, int]:
        from nqi.standards.views import work_programme_counts

        return work_programme_counts(obj)


class CatalogueChangeFilters(Schema):
    kind: ChangeEvent.Kind | None = None
    since: dt.date | None = Field(None, description="Only changes on or after this date (YYYY-MM-DD)")

    @field_validator("since", mode="before")
    @classmethod
    def _iso_date_only(cls, value):
        # pydantic would also read "0" as a Unix timestamp; the schema says an ISO date
        if value is not None and not (isinstance(value, str | dt.date) and _ISO_DATE.match(str(value))):
            raise ValueError("expected a date as YYYY-MM-DD")
        return value


class CatalogueChangeOut(Schema):
    id: int
    kind: ChangeEvent.Kind
    date: dt.date
    document: InternationalDocumentRef | None = None
    committee: InternationalCommitteeRef | None = None
    old_value: str
    new_value: str


# --- documents ------------------------------------------------------------------------------------


@router.get(
    "/documents",
    response={200: list[InternationalDocumentOut], **READ_ERRORS},
    summary="Search and filter ISO and IEC documents",
)
@paginate(Pagination)
def list_documents(request, filters: Query[DocumentFilters]):
    return filter_documents(filters)


_CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "The filtered documents as CSV (at most 100,000 rows)",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}
_JSON_RESPONSE = {
    "responses": {
        200: {
            "description": "The filtered documents as a JSON array (at most 100,000 items)",
            "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
        }
    }
}


@router.get(
    "/documents/export.csv",
    response=READ_ERRORS,
    openapi_extra=_CSV_RESPONSE,
    summary="Download the filtered documents as CSV",
)
def export_documents_csv(request, filters: Query[DocumentFilters]):
    return exports.csv_response(filter_documents(filters))


@router.get(
    "/documents/export.json",
    response=READ_ERRORS,
    openapi_extra=_JSON_RESPONSE,
    summary="Download the filtered documents as JSON",
)
def export_documents_json(request, filters: Query[DocumentFilters]):
    return exports.json_response(filter_documents(filters))


@router.get(
    "/documents/{doc_id}",
    response={200: InternationalDocumentDetail, **READ_ERRORS},
    summary="One document with its ICS, supplements, editions and events",
)
def get_document(request, doc_id: int):
    return get_object_or_404(
        InternationalDocument.objects.select_related("supplement_to").prefetch_related("ics"), pk=doc_id
    )


# --- ICS ------------------------------------------------------------------------------------------


@router.get("/ics", response={200: list[IcsCodeOut], **READ_ERRORS}, summary="The ICS classification")
@paginate(Pagination)
def list_ics(request, filters: Query[IcsFilters]):
    return filter_ics(filters)


@router.get("/ics/{code}", response={200: IcsCodeDetail, **READ_ERRORS}, summary="One ICS code")
def get_ics(request, code: str):
    return get_object_or_404(IcsCode.objects.select_related("parent__parent"), code=code.replace("\x00", ""))


# --- committees -----------------------------------------------------------------------------------


@router.get(
    "/committees",
    response={200: list[InternationalCommitteeOut], **READ_ERRORS},
    summary="ISO and IEC committees",
)
@paginate(Pagination)
def list_committees(request, filters: Query[InternationalCommitteeFilters]):
    return filter_committees(filters)


@router.get(
    "/committees/{committee_id}",
    response={200: InternationalCommitteeDetail, **READ_ERRORS},
    summary="One committee with its members, sub-committees and work programme",
)
def get_committee(request, committee_id: int):
    return get_object_or_404(
        InternationalCommittee.objects.select_related("parent").prefetch_related("memberships"),
        pk=committee_id,
    )


# --- changes --------------------------------------------------------------------------------------


@router.get(
    "/changes",
    response={200: list[CatalogueChangeOut], **READ_ERRORS},
    summary="What changed in the catalogue at each import",
)
@paginate(Pagination)
def list_changes(request, filters: Query[CatalogueChangeFilters]):
    return filter_changes(filters.kind, filters.since)
