"""A national member body's status (P, O or none) in each ISO/IEC committee.

The imported :class:`~nqi.standards.models.CommitteeMembership` rows give the status; the latest
manual :class:`~nqi.committees.models.ParticipationChange` of a committee overrides it.
"""

from __future__ import annotations

from django.db.models import Max

from nqi.committees.models import ParticipationChange
from nqi.standards.models import CommitteeMembership


def imported_statuses(member_id: int | None) -> dict[int, str]:
    if not member_id:
        return {}
    return dict(CommitteeMembership.objects.filter(member_id=member_id).values_list("committee_id", "status"))


def override_statuses(member_body) -> dict[int, str]:
    """The latest manual status per committee for ``member_body`` (an Organization or its id)."""
    body_id = getattr(member_body, "pk", member_body)
    latest = (
        ParticipationChange.objects.filter(member_body_id=body_id)
        .values("committee_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return dict(
        ParticipationChange.objects.filter(pk__in=list(latest)).values_list("committee_id", "new_status")
    )


def statuses(member_body) -> dict[int, str]:
    """Committee id → "P" or "O" for every committee the body is a member of (overrides applied)."""
    result = imported_statuses(member_body.iso_member_id)
    for committee_id, status in override_statuses(member_body).items():
        if status:
            result[committee_id] = status
        else:
            result.pop(committee_id, None)
    return result


def status_of(member_body, committee) -> str:
    change = (
        ParticipationChange.objects.filter(member_body=member_body, committee=committee)
        .order_by("-pk")
        .first()
    )
    if change is not None:
        return change.new_status
    if not member_body.iso_member_id:
        return ""
    row = CommitteeMembership.objects.filter(committee=committee, member_id=member_body.iso_member_id).first()
    return row.status if row else ""


def history(member_body, committee):
    return ParticipationChange.objects.filter(member_body=member_body, committee=committee).order_by(
        "-changed_at", "-pk"
    )
