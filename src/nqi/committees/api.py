"""REST endpoints of the committees module: mirror committees, members, nominations, participation.

Ballots and the work programme are in :mod:`nqi.committees.api_ballots`, analytics in
:mod:`nqi.committees.api_analytics`; both are mounted on this router.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from nqi.committees import participation, services
from nqi.committees.api_analytics import router as analytics_router
from nqi.committees.api_ballots import router as ballots_router
from nqi.committees.filters import ID, CommitteeFilters, filter_committees
from nqi.committees.models import (
    CommitteeMember,
    MemberRole,
    MirrorCommittee,
    Nomination,
    ParticipationStatus,
)
from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS, ChangeOut, Pagination, change_history
from nqi.organizations.models import Organization, Person
from nqi.standards.models import InternationalCommittee

router = Router(tags=["committees"])


class Ref(Schema):
    id: int
    reference: str


class MemberOut(Schema):
    id: int
    person_id: ID
    person: str
    organization_id: ID | None = None
    role: MemberRole
    start: dt.date | None = None
    end: dt.date | None = None
    is_current: bool

    @staticmethod
    def resolve_person(obj: CommitteeMember) -> str:
        return str(obj.person)


class MirroredOut(Schema):
    id: int
    reference: str
    title: str
    status: str = Field(description='The national member body\'s status: "P", "O" or "" (none)')


class MirrorCommitteeOut(Schema):
    id: int
    number: str
    title: str
    titles: dict[str, str]
    display_title: str
    member_body_id: ID
    secretariat_id: ID | None = None
    scope: str
    status: str
    mirrors: list[MirroredOut]
    chair: str | None = None
    secretary: str | None = None
    updated_at: dt.datetime

    @staticmethod
    def resolve_titles(obj: MirrorCommittee) -> dict[str, str]:
        return {"en": obj.title, **(obj.title_i18n or {})}

    @staticmethod
    def resolve_mirrors(obj: MirrorCommittee) -> list[dict[str, Any]]:
        status = participation.statuses(obj.member_body)
        return [
            {"id": c.pk, "reference": c.reference, "title": c.title_en, "status": status.get(c.pk, "")}
            for c in obj.mirrors.order_by("sort_key")
        ]

    @staticmethod
    def resolve_chair(obj: MirrorCommittee) -> str | None:
        person = obj.officer(MemberRole.CHAIR)
        return str(person) if person else None

    @staticmethod
    def resolve_secretary(obj: MirrorCommittee) -> str | None:
        person = obj.officer(MemberRole.SECRETARY)
        return str(person) if person else None


class MirrorCommitteeIn(Schema):
    number: str = Field(..., min_length=1, max_length=80)
    title: str = Field(..., min_length=1, max_length=300)
    title_i18n: dict[str, str] = Field(default_factory=dict, description="Titles in vi, uz, kk, ru")
    member_body_id: ID
    secretariat_id: ID | None = None
    scope: str = ""
    status: MirrorCommittee.Status = MirrorCommittee.Status.ACTIVE
    mirror_ids: list[ID] = Field(default_factory=list, max_length=200, description="ISO/IEC committee ids")


class MirrorCommitteePatch(Schema):
    number: str | None = Field(None, min_length=1, max_length=80)
    title: str | None = Field(None, min_length=1, max_length=300)
    title_i18n: dict[str, str] | None = None
    secretariat_id: ID | None = None
    scope: str | None = None
    status: MirrorCommittee.Status | None = None
    mirror_ids: list[ID] | None = Field(None, max_length=200)


class MemberIn(Schema):
    person_id: ID
    organization_id: ID | None = None
    role: MemberRole = MemberRole.EXPERT
    start: dt.date | None = None
    end: dt.date | None = None


class NominationIn(Schema):
    person_id: ID
    committee_id: ID
    working_group: str = Field("", max_length=80)
    start: dt.date | None = None
    end: dt.date | None = None


class NominationOut(Schema):
    id: int
    person_id: ID
    committee: Ref
    working_group: str
    start: dt.date | None = None
    end: dt.date | None = None


class ParticipationOut(Schema):
    committee: Ref
    status: str
    source: str = Field(description='"import" or "manual"')


class ParticipationIn(Schema):
    status: ParticipationStatus
    reason: str = Field(..., min_length=1, max_length=2000)


class ParticipationChangeOut(Schema):
    committee: Ref
    old_status: str
    new_status: str
    reason: str
    user: str
    time: dt.datetime

    @staticmethod
    def resolve_user(obj) -> str:
        return obj.changed_by_label

    @staticmethod
    def resolve_time(obj) -> dt.datetime:
        return obj.changed_at


def _lookup(model, pk, field: str, errors: dict[str, str]):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first() if abs(pk) < 2**62 else None
    if found is None:
        errors[field] = f"No object with id {pk}."
    return found


def _committee_data(data: dict[str, Any]) -> tuple[dict[str, Any], list | None]:
    errors: dict[str, str] = {}
    if "member_body_id" in data:
        data["member_body"] = _lookup(Organization, data.pop("member_body_id"), "member_body_id", errors)
    if "secretariat_id" in data:
        data["secretariat"] = _lookup(Organization, data.pop("secretariat_id"), "secretariat_id", errors)
    mirrors = None
    if "mirror_ids" in data:
        ids = [pk for pk in data.pop("mirror_ids") or [] if abs(pk) < 2**62]
        mirrors = list(InternationalCommittee.objects.filter(pk__in=ids))
        if len(mirrors) != len(set(ids)):
            errors["mirror_ids"] = "Unknown ISO/IEC committee id."
    if errors:
        raise ValidationError(errors)
    return data, mirrors


@router.get(
    "/mirror-committees",
    response={200: list[MirrorCommitteeOut], **READ_ERRORS},
    summary="Search and filter national mirror committees",
)
@paginate(Pagination)
def list_committees(request, filters: Query[CommitteeFilters]):
    return filter_committees(filters)


@router.get(
    "/mirror-committees/{committee_id}",
    response={200: MirrorCommitteeOut, **READ_ERRORS},
    summary="One mirror committee",
)
def get_committee(request, committee_id: int):
    return get_object_or_404(MirrorCommittee, pk=committee_id)


@router.get(
    "/mirror-committees/{committee_id}/history",
    response={200: list[ChangeOut], **READ_ERRORS},
    summary="Change history of a mirror committee",
)
def committee_history(request, committee_id: int):
    return change_history(get_object_or_404(MirrorCommittee, pk=committee_id))


@router.post(
    "/mirror-committees",
    response={201: MirrorCommitteeOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Add a mirror committee",
)
def create_committee(request, payload: MirrorCommitteeIn):
    data, mirrors = _committee_data(payload.model_dump())
    return 201, services.save_committee(request.auth, None, data, mirrors)


@router.patch(
    "/mirror-committees/{committee_id}",
    response={200: MirrorCommitteeOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Change a mirror committee",
)
def update_committee(request, committee_id: int, payload: MirrorCommitteePatch):
    committee = get_object_or_404(MirrorCommittee, pk=committee_id)
    data, mirrors = _committee_data(payload.model_dump(exclude_unset=True))
    return services.save_committee(request.auth, committee, data, mirrors)


@router.get(
    "/mirror-committees/{committee_id}/members",
    response={200: list[MemberOut], **READ_ERRORS},
    summary="Members of a mirror committee (past ones too)",
)
def list_members(request, committee_id: int):
    committee = get_object_or_404(MirrorCommittee, pk=committee_id)
    return list(committee.members.select_related("person"))


@router.post(
    "/mirror-committees/{committee_id}/members",
    response={201: MemberOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Add a member to a mirror committee",
)
def add_member(request, committee_id: int, payload: MemberIn):
    committee = get_object_or_404(MirrorCommittee, pk=committee_id)
    data = payload.model_dump()
    errors: dict[str, str] = {}
    data["person"] = _lookup(Person, data.pop("person_id"), "person_id", errors)
    data["organization"] = _lookup(Organization, data.pop("organization_id"), "organization_id", errors)
    if errors:
        raise ValidationError(errors)
    return 201, services.add_member(request.auth, committee, data)


@router.get(
    "/nominations",
    response={200: list[NominationOut], **READ_ERRORS},
    summary="Nominations to ISO/IEC groups",
)
@paginate(Pagination)
def list_nominations(request, person_id: int | None = Query(None, ge=1, le=2_147_483_647)):
    queryset = Nomination.objects.select_related("committee")
    if person_id is not None:
        queryset = queryset.filter(person_id=person_id)
    return queryset


@router.post(
    "/nominations",
    response={201: NominationOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Nominate an expert to an ISO/IEC working group",
)
def add_nomination(request, payload: NominationIn):
    data = payload.model_dump()
    errors: dict[str, str] = {}
    data["person"] = _lookup(Person, data.pop("person_id"), "person_id", errors)
    data["committee"] = _lookup(InternationalCommittee, data.pop("committee_id"), "committee_id", errors)
    if errors:
        raise ValidationError(errors)
    return 201, services.add_nomination(request.auth, data)


@router.get(
    "/member-bodies/{org_id}/participation",
    response={200: list[ParticipationOut], **READ_ERRORS},
    summary="A member body's status in every ISO/IEC committee it belongs to",
)
def member_participation(request, org_id: int):
    body = get_object_or_404(Organization, pk=org_id)
    status = participation.statuses(body)
    manual = set(participation.override_statuses(body))
    committees = InternationalCommittee.objects.filter(pk__in=set(status) | manual).order_by("sort_key")
    return [
        {"committee": c, "status": status.get(c.pk, ""), "source": "manual" if c.pk in manual else "import"}
        for c in committees
    ]


@router.put(
    "/member-bodies/{org_id}/participation/{committee_id}",
    response={200: ParticipationChangeOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Change a member body's status in an ISO/IEC committee (with the reason)",
)
def set_participation(request, org_id: int, committee_id: int, payload: ParticipationIn):
    body = get_object_or_404(Organization, pk=org_id)
    committee = get_object_or_404(InternationalCommittee, pk=committee_id)
    return services.set_participation(request.auth, body, committee, payload.status, payload.reason)


@router.get(
    "/member-bodies/{org_id}/participation/{committee_id}/history",
    response={200: list[ParticipationChangeOut], **READ_ERRORS},
    summary="Who changed the status, when and why",
)
def participation_history(request, org_id: int, committee_id: int):
    body = get_object_or_404(Organization, pk=org_id)
    committee = get_object_or_404(InternationalCommittee, pk=committee_id)
    return list(participation.history(body, committee).select_related("committee"))


router.add_router("", ballots_router)
router.add_router("", analytics_router)
