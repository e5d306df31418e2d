"""Deadline reminders by e-mail (Django's mail backend): one message per member and ballot list."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from nqi.committees import deadlines
from nqi.committees.models import Ballot, MemberRole


@dataclass
class ReminderResult:
    messages: int = 0
    recipients: int = 0
    ballots: int = 0


def _line(ballot: Ballot) -> str:
    return f"- {ballot.reference} ({ballot.get_ballot_type_display()}), {ballot.committee.reference}: {ballot.closes}"


def plan(days: int = 7, today=None) -> dict[str, list[tuple[str, Ballot]]]:
    """E-mail address → [(kind, ballot)]: members get due-soon ballots; the chair and secretary
    also get overdue ones (closed without a submitted national vote)."""
    recipients: dict[str, list[tuple[str, Ballot]]] = {}
    lists = [("due", b) for b in deadlines.due_soon(days=days, today=today)]
    lists += [("overdue", b) for b in deadlines.overdue(today=today)[:200]]
    for kind, ballot in lists:
        if ballot.mirror_id is None:
            continue
        for member in ballot.mirror.current_members():
            if not member.person.email:
                continue
            if kind == "overdue" and member.role not in (MemberRole.CHAIR, MemberRole.SECRETARY):
                continue
            recipients.setdefault(member.person.email, []).append((kind, ballot))
    return recipients


def send_reminders(days: int = 7, dry_run: bool = False, today=None) -> ReminderResult:
    recipients = plan(days, today)
    messages = []
    ballots: set[int] = set()
    for address, items in sorted(recipients.items()):
        due = [b for kind, b in items if kind == "due"]
        late = [b for kind, b in items if kind == "overdue"]
        parts = []
        if due:
            parts.append(_("Ballots closing soon:") + "\n" + "\n".join(_line(b) for b in due))
        if late:
            parts.append(
                _(
                    "Closed without a submitted national vote (a P-member missing two ballots in a row may lose its status):"
                )
                + "\n"
                + "\n".join(_line(b) for b in late)
            )
        ballots |= {b.pk for _kind, b in items}
        messages.append(
            (_("NQI: ballot deadlines"), "\n\n".join(parts), settings.DEFAULT_FROM_EMAIL, [address])
        )
    if not dry_run and messages:
        send_mass_mail(messages, fail_silently=False)
    return ReminderResult(messages=len(messages), recipients=len(recipients), ballots=len(ballots))
