"""REST endpoints for ballots, the national consultation, deadlines and the work programme."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from nqi.committees import deadlines, services
from nqi.committees.filters import ID, BallotFilters, WorkItemFilters, filter_ballots, filter_work_items
from nqi.committees.models import (
    Ballot,
    BallotType,
    Comment,
    CommentType,
    MirrorCommittee,
    Stage,
    VoteChoice,
    WorkItem,
)
from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS, Pagination
from nqi.organizations.models import Person
from nqi.standards.models import InternationalCommittee, InternationalDocument

router = Router(tags=["committees"])


class PositionOut(Schema):
    vote: VoteChoice
    justification: str
    submitted: bool
    submitted_at: dt.datetime | None = None


class BallotOut(Schema):
    id: int
    committee_id: ID
    committee: str
    mirror_id: ID | None = None
    document_id: ID | None = None
    reference: str
    title: str
    ballot_type: BallotType
    opens: dt.date
    closes: dt.date
    is_open: bool
    tally: dict[str, int]
    position: PositionOut | None = None

    @staticmethod
    def resolve_committee(obj: Ballot) -> str:
        return obj.committee.reference

    @staticmethod
    def resolve_tally(obj: Ballot) -> dict[str, int]:
        return services.tally(obj)

    @staticmethod
    def resolve_position(obj: Ballot) -> Any:
        return getattr(obj, "position", None)


class BallotIn(Schema):
    committee_id: ID = Field(description="ISO/IEC committee id")
    mirror_id: ID | None = Field(
        None, description="Mirror committee; default: the one mirroring committee_id"
    )
    document_id: ID | None = Field(None, description="Catalogue document, when it exists")
    reference: str = Field("", max_length=200)
    title: str = Field("", max_length=500)
    ballot_type: BallotType
    opens: dt.date
    closes: dt.date


class VoteIn(Schema):
    vote: VoteChoice
    justification: str = Field("", max_length=5000)
    person_id: ID | None = Field(None, description="Secretary only: record the vote of this member")


class VoteOut(Schema):
    id: int
    person_id: ID
    person: str
    vote: VoteChoice
    justification: str

    @staticmethod
    def resolve_person(obj) -> str:
        return str(obj.person)


class CommentIn(Schema):
    clause: str = Field("", max_length=50)
    paragraph: str = Field("", max_length=80, description="Paragraph/figure/table")
    comment_type: CommentType
    comment: str = Field(..., min_length=1, max_length=10000)
    proposed_change: str = Field("", max_length=10000)


class CommentOut(Schema):
    id: int
    author_id: ID | None = None
    clause: str
    paragraph: str
    comment_type: CommentType
    comment: str
    proposed_change: str
    observations: str
    included: bool


class ReviewIn(Schema):
    observations: str = Field("", max_length=10000)
    included: bool = True


class PositionIn(Schema):
    vote: VoteChoice
    justification: str = Field("", max_length=5000)


class WorkItemOut(Schema):
    id: int
    committee_id: ID
    reference: str
    title: str
    titles: dict[str, str]
    kind: WorkItem.Kind
    adopts_id: ID | None = None
    stage: Stage
    stage_target: dt.date | None = None
    publication_target: dt.date | None = None
    published_on: dt.date | None = None
    national_standard_ref: str
    is_overdue: bool

    @staticmethod
    def resolve_titles(obj: WorkItem) -> dict[str, str]:
        return {"en": obj.title, **(obj.title_i18n or {})}


class DeadlinesOut(Schema):
    due_soon: list[BallotOut]
    overdue: list[BallotOut]
    work_items_overdue: list[WorkItemOut]


class WorkItemIn(Schema):
    committee_id: ID = Field(description="Mirror committee id")
    reference: str = Field(..., min_length=1, max_length=100)
    title: str = Field(..., min_length=1, max_length=500)
    title_i18n: dict[str, str] = Field(default_factory=dict)
    kind: WorkItem.Kind = WorkItem.Kind.NEW
    adopts_id: ID | None = Field(None, description="Adopted international document (catalogue id)")
    stage: Stage = Stage.PROPOSAL
    stage_target: dt.date | None = None
    publication_target: dt.date | None = None


class StageIn(Schema):
    stage: Stage
    stage_target: dt.date | None = None
    published_on: dt.date | None = None


def _get(model, pk: int | None, field: str, errors: dict[str, str]):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        errors[field] = f"No object with id {pk}."
    return found


@router.get("/ballots", response={200: list[BallotOut], **READ_ERRORS}, summary="Search and filter ballots")
@paginate(Pagination)
def list_ballots(request, filters: Query[BallotFilters]):
    return filter_ballots(filters)


@router.get("/ballots/{ballot_id}", response={200: BallotOut, **READ_ERRORS}, summary="One ballot")
def get_ballot(request, ballot_id: int):
    return get_object_or_404(Ballot.objects.select_related("committee", "position"), pk=ballot_id)


@router.post("/ballots", response={201: BallotOut, **WRITE_ERRORS}, auth=WRITE_AUTH, summary="Add a ballot")
def create_ballot(request, payload: BallotIn):
    data = payload.model_dump()
    errors: dict[str, str] = {}
    data["committee"] = _get(InternationalCommittee, data.pop("committee_id"), "committee_id", errors)
    data["mirror"] = _get(MirrorCommittee, data.pop("mirror_id"), "mirror_id", errors)
    data["document"] = _get(InternationalDocument, data.pop("document_id"), "document_id", errors)
    if not data["reference"] and data["document"] is None:
        errors["reference"] = "Give the document reference or a catalogue document."
    if errors:
        raise ValidationError(errors)
    return 201, services.save_ballot(request.auth, None, data)


@router.get(
    "/ballots/{ballot_id}/votes", response={200: list[VoteOut], **READ_ERRORS}, summary="Expert votes"
)
def list_votes(request, ballot_id: int):
    return list(get_object_or_404(Ballot, pk=ballot_id).votes.select_related("person"))


@router.post(
    "/ballots/{ballot_id}/votes",
    response={200: VoteOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Vote as an expert of the mirror committee (or record a member's vote as secretary)",
)
def cast_vote(request, ballot_id: int, payload: VoteIn):
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    errors: dict[str, str] = {}
    person = _get(Person, payload.person_id, "person_id", errors)
    if errors:
        raise ValidationError(errors)
    return services.cast_vote(request.auth, ballot, payload.vote, payload.justification, person)


@router.get(
    "/ballots/{ballot_id}/comments",
    response={200: list[CommentOut], **READ_ERRORS},
    summary="Comments in the ISO commenting-template fields",
)
def list_comments(request, ballot_id: int):
    return list(get_object_or_404(Ballot, pk=ballot_id).comments.all())


@router.post(
    "/ballots/{ballot_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Add a comment",
)
def add_comment(request, ballot_id: int, payload: CommentIn):
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    return 201, services.add_comment(request.auth, ballot, payload.model_dump())


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Secretary: observations and inclusion in the national comments",
)
def review_comment(request, comment_id: int, payload: ReviewIn):
    comment = get_object_or_404(Comment.objects.select_related("ballot"), pk=comment_id)
    return services.review_comment(request.auth, comment, payload.observations, payload.included)


@router.put(
    "/ballots/{ballot_id}/position",
    response={200: PositionOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Secretary: record the consolidated national vote",
)
def record_position(request, ballot_id: int, payload: PositionIn):
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    return services.record_position(request.auth, ballot, payload.vote, payload.justification)


@router.post(
    "/ballots/{ballot_id}/position/submit",
    response={200: PositionOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Secretary: mark the national vote submitted",
)
def submit_position(request, ballot_id: int):
    return services.submit_position(request.auth, get_object_or_404(Ballot, pk=ballot_id))


@router.get(
    "/deadlines",
    response={200: DeadlinesOut, **READ_ERRORS},
    summary="Ballots due soon, overdue (missed) ballots and overdue projects",
)
def list_deadlines(
    request,
    mirror_id: int | None = Query(None, ge=1, le=2_147_483_647),
    days: int = Query(deadlines.DUE_SOON_DAYS, ge=1, le=365),
):
    ballots = Ballot.objects.all()
    items = WorkItem.objects.all()
    if mirror_id:
        ballots = ballots.filter(mirror_id=mirror_id)
        items = items.filter(committee_id=mirror_id)
    return {
        "due_soon": list(deadlines.due_soon(ballots, days)),
        "overdue": list(deadlines.overdue(ballots)[:200]),
        "work_items_overdue": list(deadlines.overdue_work_items(items)[:200]),
    }


@router.get(
    "/work-items", response={200: list[WorkItemOut], **READ_ERRORS}, summary="The national work programme"
)
@paginate(Pagination)
def list_work_items(request, filters: Query[WorkItemFilters]):
    return filter_work_items(filters)


@router.get("/work-items/{item_id}", response={200: WorkItemOut, **READ_ERRORS}, summary="One project")
def get_work_item(request, item_id: int):
    return get_object_or_404(WorkItem, pk=item_id)


@router.post(
    "/work-items", response={201: WorkItemOut, **WRITE_ERRORS}, auth=WRITE_AUTH, summary="Add a project"
)
def create_work_item(request, payload: WorkItemIn):
    data = payload.model_dump()
    errors: dict[str, str] = {}
    data["committee"] = _get(MirrorCommittee, data.pop("committee_id"), "committee_id", errors)
    data["adopts"] = _get(InternationalDocument, data.pop("adopts_id"), "adopts_id", errors)
    if errors:
        raise ValidationError(errors)
    return 201, services.save_work_item(request.auth, None, data)


@router.post(
    "/work-items/{item_id}/stage",
    response={200: WorkItemOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Move a project to another stage",
)
def advance_stage(request, item_id: int, payload: StageIn):
    item = get_object_or_404(WorkItem.objects.select_related("committee"), pk=item_id)
    return services.advance_stage(
        request.auth, item, payload.stage, payload.stage_target, payload.published_on
    )
