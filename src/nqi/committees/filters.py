"""Filters shared by the list pages and the API, so both answer the same question the same way."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Q, QuerySet
from ninja import Field, Schema

from nqi.committees.models import Ballot, BallotType, MirrorCommittee, Stage, WorkItem
from nqi.core.search import ranked

# Ids as the databases can hold them (a larger number is a 422, not an overflow).
ID = Annotated[int, Field(ge=1, le=2_147_483_647)]


class CommitteeFilters(Schema):
    q: str | None = Field(None, description="Search words (number, title, scope, mirrored committee)")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code of the member body's country")
    member_body_id: ID | None = None
    status: MirrorCommittee.Status | None = None


def filter_committees(filters: CommitteeFilters) -> QuerySet[MirrorCommittee]:
    queryset = MirrorCommittee.objects.select_related("member_body", "secretariat").prefetch_related(
        "mirrors"
    )
    if filters.country:
        queryset = queryset.filter(member_body__country__code=filters.country.upper())
    if filters.member_body_id:
        queryset = queryset.filter(member_body_id=filters.member_body_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return ranked(queryset, filters.q, "number", "pk")


class BallotFilters(Schema):
    q: str | None = Field(None, description="Search words (document, title, committee)")
    mirror_id: ID | None = None
    committee_id: ID | None = Field(None, description="ISO/IEC committee id")
    ballot_type: BallotType | None = None
    state: str | None = Field(
        None, pattern="^(open|closed|submitted|pending)$", description="open, closed, submitted or pending"
    )


def filter_ballots(filters: BallotFilters, today=None) -> QuerySet[Ballot]:
    from django.utils import timezone

    today = today or timezone.localdate()
    queryset = Ballot.objects.select_related("committee", "mirror", "document", "position")
    if filters.mirror_id:
        queryset = queryset.filter(mirror_id=filters.mirror_id)
    if filters.committee_id:
        queryset = queryset.filter(committee_id=filters.committee_id)
    if filters.ballot_type:
        queryset = queryset.filter(ballot_type=filters.ballot_type)
    if filters.state == "open":
        queryset = queryset.filter(opens__lte=today, closes__gte=today)
    elif filters.state == "closed":
        queryset = queryset.filter(closes__lt=today)
    elif filters.state == "submitted":
        queryset = queryset.filter(position__submitted=True)
    elif filters.state == "pending":
        queryset = queryset.filter(Q(position__isnull=True) | Q(position__submitted=False))
    return ranked(queryset, filters.q, "-closes", "pk")


class WorkItemFilters(Schema):
    q: str | None = None
    committee_id: ID | None = Field(None, description="Mirror committee id")
    stage: Stage | None = None
    overdue: bool | None = None


def filter_work_items(filters: WorkItemFilters) -> QuerySet[WorkItem]:
    from nqi.committees.deadlines import overdue_work_items

    queryset = WorkItem.objects.select_related("committee", "adopts")
    if filters.committee_id:
        queryset = queryset.filter(committee_id=filters.committee_id)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.overdue is not None:
        late = overdue_work_items(queryset).values("pk")
        queryset = queryset.filter(pk__in=late) if filters.overdue else queryset.exclude(pk__in=late)
    return ranked(queryset, filters.q, "committee__number", "reference", "pk")
