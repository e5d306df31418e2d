"""Who may change what in the committees module.

The ``committee_secretary`` role holds the model permissions of this app. A secretary's writes are
scoped to committees whose member body or secretariat is in their organization scope (see
:func:`nqi.organizations.permissions.scope_ids`); administrators may change anything. Experts vote
and comment through the person record with their account's e-mail address: a current member of the mirror committee (not an observer) may vote, any member comment.
"""

from __future__ import annotations

from nqi.committees.models import Ballot, MemberRole, MirrorCommittee
from nqi.organizations.permissions import scope_ids


def _has(user, codename: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(f"committees.{codename}"))


def in_scope(user, *organization_ids: int | None) -> bool:
    scope = scope_ids(user)
    return scope is None or any(pk in scope for pk in organization_ids if pk)


def can_add_committee(user, member_body=None) -> bool:
    if not _has(user, "add_mirrorcommittee"):
        return False
    return member_body is None or in_scope(user, member_body.pk)


def can_manage_committee(user, committee: MirrorCommittee | None) -> bool:
    """Change the committee, its members and work items; consolidate and submit its ballots."""
    if committee is None or not _has(user, "change_mirrorcommittee"):
        return False
    return in_scope(user, committee.member_body_id, committee.secretariat_id)


def can_manage_ballot(user, ballot: Ballot) -> bool:
    if not _has(user, "change_ballot"):
        return False
    if ballot.mirror_id is None:
        scope = scope_ids(user)
        return scope is None or bool(scope)
    return can_manage_committee(user, ballot.mirror)


def can_change_participation(user, member_body) -> bool:
    return _has(user, "add_participationchange") and in_scope(user, member_body.pk)


def person_for(user):
    """The person record of a logged-in user: the one with the account's e-mail address."""
    from nqi.organizations.models import Person

    if not user.is_authenticated or not user.email:
        return None
    return Person.objects.filter(email__iexact=user.email).order_by("pk").first()


def membership(ballot: Ballot, person):
    if person is None or ballot.mirror_id is None:
        return None
    return ballot.mirror.current_members().filter(person=person).order_by("role").first()


def can_vote(user, ballot: Ballot) -> bool:
    member = membership(ballot, person_for(user))
    return bool(member and member.role != MemberRole.OBSERVER and ballot.is_open)


def can_comment(user, ballot: Ballot) -> bool:
    return bool((membership(ballot, person_for(user)) and ballot.is_open) or can_manage_ballot(user, ballot))
