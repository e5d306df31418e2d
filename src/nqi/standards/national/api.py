"""REST endpoints of the national catalogue and harmonization analysis."""

import datetime as dt
from typing import Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS, Pagination
from nqi.core.audit import history_for
from nqi.organizations.models import Country
from nqi.standards.national import analysis, services, worklists
from nqi.standards.national.filters import StandardFilters, filter_standards
from nqi.standards.national.models import NationalStandard, ReviewItem, Watch

router = Router(tags=["national catalogue"])
CODE = r"^[A-Za-z]{2}$"


class AdoptionOut(Schema):
    document_id: int
    document: str
    degree: str
    method: str
    adopted_edition: str
    document_status: str = Field(..., description="Live status of the source: published, review, withdrawn")
    document_stage: int | None = None


class StandardOut(Schema):
    id: int
    country: str
    designation: str
    title: str
    title_en: str
    status: str
    year: int | None
    approval_date: dt.date | None
    effective_date: dt.date | None
    withdrawal_date: dt.date | None
    ics_codes: list[str]
    technical_committee: str
    replaces: str | None = None
    is_demo: bool

    @staticmethod
    def resolve_country(obj: NationalStandard) -> str:
        return obj.country.code

    @staticmethod
    def resolve_replaces(obj: NationalStandard) -> str | None:
        return obj.replaces.designation if obj.replaces_id else None


class StandardDetail(StandardOut):
    adoptions: list[AdoptionOut]
    replaced_by: list[str]
    history: list[dict[str, Any]]

    @staticmethod
    def resolve_adoptions(obj: NationalStandard) -> list[dict[str, Any]]:
        return [
            {
                "document_id": a.document_id,
                "document": a.document.canonical,
                "degree": a.degree,
                "method": a.method,
                "adopted_edition": a.adopted_edition,
                "document_status": a.document.stage_group,
                "document_stage": a.document.stage,
            }
            for a in obj.adoptions.select_related("document")
        ]

    @staticmethod
    def resolve_replaced_by(obj: NationalStandard) -> list[str]:
        return list(obj.replaced_by.values_list("designation", flat=True))

    @staticmethod
    def resolve_history(obj: NationalStandard) -> list[dict[str, Any]]:
        return [
            {
                "action": e.action,
                "time": e.created_at.isoformat(),
                "user": e.actor_label,
                "changes": e.changes,
            }
            for e in history_for(obj)[:50]
        ]


class ShareOut(Schema):
    key: str
    total: int
    part: int
    rate: float


class RateOut(Schema):
    overall: ShareOut
    by_ics: list[ShareOut]
    by_tc: list[ShareOut]
    by_year: list[ShareOut]
    by_degree: dict[str, int]


class CoverageOut(Schema):
    overall: ShareOut
    any_edition: ShareOut
    by_ics: list[ShareOut]
    by_committee: list[ShareOut]
    by_source: list[ShareOut]


class OutdatedOut(Schema):
    adoption_id: int
    standard_id: int
    designation: str
    document_id: int
    document: str
    reason: str
    reason_label: str
    suggestion_id: int | None
    suggestion: str


class CandidateOut(Schema):
    document_id: int
    document: str
    title: str
    ics_field: str
    committee: str
    year: int | None
    score: float
    reasons: list[str]


class ReviewOut(Schema):
    id: int
    standard_id: int
    designation: str
    reference: str
    degree: str
    reason: str
    state: str
    candidates: list[dict[str, Any]]


class ResolveIn(Schema):
    action: Literal["confirm", "correct", "reject"]
    document_id: int | None = Field(None, ge=1, le=2_147_483_647)
    reference: str = Field("", max_length=250)


class WatchIn(Schema):
    kind: Watch.Kind
    value: str = Field(..., min_length=1, max_length=200)


class WatchOut(Schema):
    id: int
    kind: str
    value: str


class NotificationOut(Schema):
    id: int
    message: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


def _country(code: str) -> Country:
    return get_object_or_404(Country, code=code.upper())


def _share(share) -> dict:
    return share.as_dict()


@router.get(
    "/standards", response={200: list[StandardOut], **READ_ERRORS}, summary="Search national standards"
)
@paginate(Pagination)
def list_standards(request, filters: Query[StandardFilters]):
    return filter_standards(filters).select_related("replaces")


@router.get(
    "/standards/{std_id}", response={200: StandardDetail, **READ_ERRORS}, summary="One national standard"
)
def get_standard(request, std_id: int):
    return get_object_or_404(NationalStandard.objects.select_related("country", "replaces"), pk=std_id)


@router.get("/countries/{code}/rate", response={200: RateOut, **READ_ERRORS}, summary="Harmonization rate")
def rate(request, code: str):
    result = analysis.harmonization_rate(_country(code))
    return {
        "overall": _share(result["overall"]),
        **{k: [_share(s) for s in result[k]] for k in ("by_ics", "by_tc", "by_year")},
        "by_degree": result["by_degree"],
    }


@router.get(
    "/countries/{code}/coverage", response={200: CoverageOut, **READ_ERRORS}, summary="Coverage of ISO/IEC"
)
def coverage(request, code: str):
    result = analysis.coverage(_country(code))
    return {
        "overall": _share(result["overall"]),
        "any_edition": _share(result["any_edition"]),
        **{k: [_share(s) for s in result[k]] for k in ("by_ics", "by_committee", "by_source")},
    }


@router.get("/countries/{code}/trend", response={200: list[ShareOut], **READ_ERRORS}, summary="Rate by year")
def trend(request, code: str):
    return [_share(s) for s in analysis.trend(_country(code))]


@router.get(
    "/countries/{code}/outdated",
    response={200: list[OutdatedOut], **READ_ERRORS},
    summary="Outdated adoptions",
)
@paginate(Pagination)
def outdated(
    request,
    code: str,
    reason: Literal["withdrawn", "new_edition", "supplement", "revision", "stability"] | None = None,
):
    items = worklists.outdated_adoptions(_country(code))
    return [i.as_dict() for i in items if reason is None or i.reason == reason]


@router.get(
    "/countries/{code}/candidates",
    response={200: list[CandidateOut], **READ_ERRORS},
    summary="Adoption candidates, most relevant first",
)
@paginate(Pagination)
def candidates(request, code: str):
    return [c.as_dict() for c in worklists.adoption_candidates(_country(code), limit=1000)]


def _review_dict(item: ReviewItem) -> dict:
    return {
        "id": item.pk,
        "standard_id": item.standard_id,
        "designation": item.standard.designation,
        "reference": item.reference,
        "degree": item.degree,
        "reason": item.reason,
        "state": item.state,
        "candidates": [
            {"id": d.pk, "document": d.canonical, "status": d.stage_group} for d in item.candidates.all()
        ],
    }


@router.get("/review", response={200: list[ReviewOut], **READ_ERRORS}, summary="Adoption links to review")
@paginate(Pagination)
def review_list(
    request,
    state: ReviewItem.State = ReviewItem.State.OPEN,
    country: str | None = Query(None, pattern=CODE),
):
    queryset = (
        ReviewItem.objects.filter(state=state).select_related("standard").prefetch_related("candidates")
    )
    if country:
        queryset = queryset.filter(standard__country__code=country.upper())
    return [_review_dict(item) for item in queryset]


@router.post(
    "/review/{item_id}",
    response={200: ReviewOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Confirm, correct or reject a link",
)
def review_resolve(request, item_id: int, payload: ResolveIn):
    item = get_object_or_404(ReviewItem, pk=item_id)
    services.resolve_review(request.auth, item, payload.action, payload.document_id, payload.reference)
    item.refresh_from_db()
    return _review_dict(item)


@router.get(
    "/watches", response={200: list[WatchOut], **WRITE_ERRORS}, auth=WRITE_AUTH, summary="What I follow"
)
def watch_list(request):
    return list(Watch.objects.filter(user=request.auth))


@router.post(
    "/watches", response={201: WatchOut, **WRITE_ERRORS}, auth=WRITE_AUTH, summary="Follow something"
)
def watch_add(request, payload: WatchIn):
    return 201, services.follow(request.auth, payload.kind, payload.value)


@router.delete(
    "/watches/{watch_id}", response={204: None, **WRITE_ERRORS}, auth=WRITE_AUTH, summary="Unfollow"
)
def watch_delete(request, watch_id: int):
    get_object_or_404(Watch, pk=watch_id, user=request.auth)
    services.unfollow(request.auth, watch_id)
    return 204, None


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="My alerts",
)
@paginate(Pagination)
def notification_list(request):
    return request.auth.nqi_notifications.all()
