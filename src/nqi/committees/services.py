"""Write operations of the committees module, shared by the pages, the API and the CLI.

Each function checks permissions, validates the whole object and runs in a transaction; the audit
trail records who changed what (participation changes also record why).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi.committees import participation, permissions
from nqi.committees.models import (
    STAGE_ORDER,
    Ballot,
    Comment,
    CommitteeMember,
    MirrorCommittee,
    NationalPosition,
    Nomination,
    ParticipationChange,
    ParticipationStatus,
    Stage,
    Vote,
    WorkItem,
)

COMMITTEE_FIELDS = {"number", "title", "title_i18n", "member_body", "secretariat", "scope", "status"}
BALLOT_FIELDS = {"committee", "mirror", "document", "reference", "title", "ballot_type", "opens", "closes"}
COMMENT_FIELDS = {"clause", "paragraph", "comment_type", "comment", "proposed_change"}
WORK_ITEM_FIELDS = {
    "committee",
    "reference",
    "title",
    "title_i18n",
    "kind",
    "adopts",
    "stage",
    "stage_target",
    "publication_target",
}


def _apply(instance, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    for name, value in data.items():
        setattr(instance, name, value)


def clean_i18n(value: Any, field: str = "title_i18n") -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError({field: _("Expected an object of language code to text.")})
    codes = {code for code, _label in settings.LANGUAGES}
    bad = [key for key in value if key not in codes]
    if bad:
        raise ValidationError({field: _("Unknown language code: %(codes)s") % {"codes": ", ".join(bad)}})
    return {key: str(text).strip() for key, text in value.items() if str(text or "").strip()}


def _save(instance) -> None:
    instance.full_clean()
    instance.save()


# Mirror committees and their members -----------------------------------------------------------


@transaction.atomic
def save_committee(user, committee: MirrorCommittee | None, data: dict[str, Any], mirrors=None):
    if committee is None:
        if not permissions.can_add_committee(user, data.get("member_body")):
            raise PermissionDenied(_("You may not add committees for this member body."))
        committee = MirrorCommittee()
    elif not permissions.can_manage_committee(user, committee):
        raise PermissionDenied(_("You may not change this committee."))
    if "title_i18n" in data:
        data = {**data, "title_i18n": clean_i18n(data["title_i18n"])}
    _apply(committee, data, COMMITTEE_FIELDS)
    if committee.member_body_id and not permissions.in_scope(user, committee.member_body_id):
        raise PermissionDenied(_("You may not move the committee to another member body."))
    _save(committee)
    if mirrors is not None:
        committee.mirrors.set(mirrors)
        from nqi.core.search import index_objects

        index_objects(MirrorCommittee, [committee])
    return committee


@transaction.atomic
def add_member(user, committee: MirrorCommittee, data: dict[str, Any]) -> CommitteeMember:
    if not permissions.can_manage_committee(user, committee):
        raise PermissionDenied(_("You may not change this committee."))
    member = CommitteeMember(committee=committee, **data)
    _save(member)
    return member


@transaction.atomic
def end_member(user, member: CommitteeMember, end=None) -> CommitteeMember:
    if not permissions.can_manage_committee(user, member.committee):
        raise PermissionDenied(_("You may not change this committee."))
    member.end = end or timezone.localdate()
    _save(member)
    return member


@transaction.atomic
def add_nomination(user, data: dict[str, Any]) -> Nomination:
    if not (user.is_authenticated and user.has_perm("committees.add_nomination")):
        raise PermissionDenied(_("You may not nominate experts."))
    nomination = Nomination(**data)
    _save(nomination)
    return nomination


# Participation ----------------------------------------------------------------------------------


@transaction.atomic
def set_participation(user, member_body, committee, status: str, reason: str) -> ParticipationChange:
    """Change the member body's status in ``committee`` (P, O or "" for none), with a reason."""
    if not permissions.can_change_participation(user, member_body):
        raise PermissionDenied(_("You may not change this member body's participation."))
    if status not in ParticipationStatus.values:
        raise ValidationError({"status": _("The status must be P, O or empty (not a member).")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    old = participation.status_of(member_body, committee)
    if old == status:
        raise ValidationError({"status": _("The status is already %(status)s.") % {"status": status or "—"}})
    return ParticipationChange.objects.create(
        member_body=member_body,
        committee=committee,
        old_status=old,
        new_status=status,
        reason=reason.strip(),
        changed_by=user,
        changed_by_label=user.get_username()[:150],
    )


# Ballots ----------------------------------------------------------------------------------------


@transaction.atomic
def save_ballot(user, ballot: Ballot | None, data: dict[str, Any]) -> Ballot:
    probe = ballot or Ballot(mirror=data.get("mirror"))
    if ballot is None and data.get("mirror") is None and data.get("committee") is not None:
        # The consultation runs in the national committee mirroring the ISO/IEC committee.
        data = {**data, "mirror": data["committee"].mirror_committees.order_by("pk").first()}
        probe = Ballot(mirror=data["mirror"])
    if not (user.is_authenticated and user.has_perm("committees.add_ballot")) or not (
        permissions.can_manage_ballot(user, probe)
    ):
        raise PermissionDenied(_("You may not manage this ballot."))
    ballot = ballot or Ballot()
    if data.get("document") is not None and not data.get("reference"):
        data = {**data, "reference": data["document"].reference}
    _apply(ballot, data, BALLOT_FIELDS)
    if ballot.document_id and not ballot.title:
        ballot.title = ballot.document.title_en[:500]
    _save(ballot)
    return ballot


def _require_open(ballot: Ballot) -> None:
    if NationalPosition.objects.filter(ballot=ballot, submitted=True).exists():
        raise ValidationError(_("The national position has been submitted; the consultation is closed."))


@transaction.atomic
def cast_vote(user, ballot: Ballot, vote: str, justification: str = "", person=None) -> Vote:
    """An expert's vote; a secretary may record it for a member (``person``)."""
    _require_open(ballot)
    if person is None:
        if not permissions.can_vote(user, ballot):
            raise PermissionDenied(_("Only current members of the mirror committee vote, while it is open."))
        person = permissions.person_for(user)
    elif not permissions.can_manage_ballot(user, ballot):
        raise PermissionDenied(_("Only the committee secretary records votes for others."))
    record = Vote.objects.filter(ballot=ballot, person=person).first() or Vote(ballot=ballot, person=person)
    record.vote = vote
    record.justification = justification or ""
    _save(record)
    return record


@transaction.atomic
def add_comment(user, ballot: Ballot, data: dict[str, Any]) -> Comment:
    _require_open(ballot)
    if not permissions.can_comment(user, ballot):
        raise PermissionDenied(_("You may not comment on this ballot."))
    comment = Comment(ballot=ballot, author=permissions.person_for(user))
    _apply(comment, data, COMMENT_FIELDS)
    _save(comment)
    return comment


@transaction.atomic
def review_comment(user, comment: Comment, observations: str, included: bool = True) -> Comment:
    if not permissions.can_manage_ballot(user, comment.ballot):
        raise PermissionDenied(_("Only the committee secretary consolidates comments."))
    comment.observations = observations or ""
    comment.included = included
    _save(comment)
    return comment


def tally(ballot: Ballot) -> dict[str, int]:
    counts = {"approve": 0, "disapprove": 0, "abstain": 0}
    for vote in ballot.votes.values_list("vote", flat=True):
        counts[vote] = counts.get(vote, 0) + 1
    return counts


@transaction.atomic
def record_position(user, ballot: Ballot, vote: str, justification: str = "") -> NationalPosition:
    if not permissions.can_manage_ballot(user, ballot):
        raise PermissionDenied(_("Only the committee secretary records the national vote."))
    _require_open(ballot)
    position = NationalPosition.objects.filter(ballot=ballot).first() or NationalPosition(ballot=ballot)
    position.vote = vote
    position.justification = justification or ""
    if vote == "disapprove" and not position.justification.strip():
        raise ValidationError({"justification": _("A disapproval needs a justification.")})
    _save(position)
    return position


@transaction.atomic
def submit_position(user, ballot: Ballot) -> NationalPosition:
    if not permissions.can_manage_ballot(user, ballot):
        raise PermissionDenied(_("Only the committee secretary submits the national vote."))
    position = NationalPosition.objects.filter(ballot=ballot).first()
    if position is None:
        raise ValidationError(_("Record the national vote before submitting it."))
    if position.submitted:
        raise ValidationError(_("The national position has already been submitted."))
    position.submitted = True
    position.submitted_at = timezone.now()
    position.submitted_by = user
    _save(position)
    return position


# The national work programme ----------------------------------------------------------------------


@transaction.atomic
def save_work_item(user, item: WorkItem | None, data: dict[str, Any]) -> WorkItem:
    committee = data.get("committee") or (item.committee if item else None)
    if not permissions.can_manage_committee(user, committee):
        raise PermissionDenied(_("You may not change this committee's work programme."))
    if "title_i18n" in data:
        data = {**data, "title_i18n": clean_i18n(data["title_i18n"])}
    item = item or WorkItem()
    _apply(item, data, WORK_ITEM_FIELDS)
    _save(item)
    return item


@transaction.atomic
def advance_stage(user, item: WorkItem, stage: str, target=None, published_on=None) -> WorkItem:
    """Move the project to ``stage`` (forward or back); publication makes it a national standard."""
    if not permissions.can_manage_committee(user, item.committee):
        raise PermissionDenied(_("You may not change this committee's work programme."))
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": _("Unknown stage.")})
    item.stage = stage
    item.stage_target = target
    if stage == Stage.PUBLICATION:
        item.published_on = published_on or timezone.localdate()
        item.national_standard_ref = on_published(item) or item.national_standard_ref
    _save(item)
    return item


def on_published(item: WorkItem) -> str | None:
    """HOOK — national catalogue link: make a published project a national standard.

    ``nqi.standards.national`` has no national standard model yet, so this records nothing and
    returns ``None``. Once it has one, create (or find) the standard here from ``item.reference``,
    ``item.title``/``title_i18n``, ``item.adopts`` and ``item.published_on`` and return its reference.
    """
    from django.apps import apps

    try:
        apps.get_model("national", "NationalStandard")
    except LookupError:
        return None
    return None
