"""Calibration due reminders by e-mail (Django's mail backend): one message per recipient.

Recipients of a laboratory's list: the laboratory itself (``Organization.email``) and every active
metrologist whose account belongs to that laboratory or to an organization above it (their
organization scope covers it), when they have an e-mail address. A recipient responsible for
several laboratories gets one message listing all of them. Messages are in English.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nqi.metrology.models import Instrument
from nqi.metrology.services.equipment import due_list

MAX_LINES = 300  # per section of one message; the rest is counted


@dataclass
class ReminderResult:
    messages: int = 0
    recipients: int = 0
    instruments: int = 0


def _ancestors(parents: dict[int, int | None], org_id: int) -> list[int]:
    """``org_id`` and every organization above it (cycle-safe)."""
    chain: list[int] = []
    node: int | None = org_id
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return chain


def _metrologists_by_organization() -> dict[int, set[str]]:
    """Organization id → e-mail addresses of the active metrologists whose account belongs to it."""
    from nqi.core.roles import METROLOGIST
    from nqi.organizations.models import UserOrganization

    links = (
        UserOrganization.objects.filter(user__is_active=True, user__groups__name=METROLOGIST)
        .exclude(user__email="")
        .values_list("organization_id", "user__email")
    )
    found: dict[int, set[str]] = defaultdict(set)
    for organization_id, email in links:
        found[organization_id].add(email.strip())
    return found


def plan(days: int = 30, today: dt.date | None = None) -> dict[str, list[Instrument]]:
    """E-mail address → the instruments due within ``days`` (overdue included) it is told about."""
    from nqi.organizations.models import Organization

    today = today or timezone.localdate()
    by_owner: dict[int, list[Instrument]] = defaultdict(list)
    for instrument in due_list(days=days, today=today).iterator(chunk_size=2000):
        by_owner[instrument.owner_id].append(instrument)
    if not by_owner:
        return {}
    parents = dict(Organization.objects.values_list("pk", "parent_id"))
    metrologists = _metrologists_by_organization()
    owners = Organization.objects.in_bulk(list(by_owner))
    # Addresses are compared without case; a recipient's items are keyed by instrument id.
    recipients: dict[str, dict[int, Instrument]] = defaultdict(dict)
    spellings: dict[str, set[str]] = defaultdict(set)
    for owner_id, instruments in by_owner.items():
        addresses = {owners[owner_id].email.strip()} - {""}
        for org_id in _ancestors(parents, owner_id):
            addresses |= metrologists.get(org_id, set())
        for address in addresses:
            spellings[address.casefold()].add(address)
            recipients[address.casefold()].update({item.pk: item for item in instruments})
    result = {}
    for key, items in recipients.items():
        address = min(spellings[key], key=lambda a: (a != a.lower(), a))  # the same one every run
        result[address] = sorted(items.values(), key=lambda i: (i.next_due, i.pk))
    return dict(sorted(result.items()))


def _line(instrument: Instrument, today: dt.date) -> str:
    owner = instrument.owner.acronym or instrument.owner.name
    late = (today - instrument.next_due).days
    if late > 0:
        when = _("%(days)s days overdue, was due %(date)s")
    else:
        when = _("due today") if late == 0 else _("due %(date)s")
    when = when % {"days": late, "date": instrument.next_due.isoformat()}  # a mapping: no error if unused
    where = f", {instrument.location}" if instrument.location else ""
    return f"- {instrument.asset_number} {instrument.name} ({owner}{where}): {when}"


def _section(title: str, items: list[Instrument], today: dt.date) -> str:
    lines = [_line(item, today) for item in items[:MAX_LINES]]
    if len(items) > MAX_LINES:
        lines.append(_("… and %(count)s more (see the due list in NQI).") % {"count": len(items) - MAX_LINES})
    return f"{title}\n" + "\n".join(lines)


def compose(items: list[Instrument], days: int, today: dt.date) -> tuple[str, str]:
    """Subject and body of one reminder, in English."""
    with translation.override("en"):
        late = [item for item in items if item.next_due < today]
        soon = [item for item in items if item.next_due >= today]
        parts = [_("These instruments need calibration (as of %(date)s).") % {"date": today.isoformat()}]
        if late:
            parts.append(_section(_("Overdue:"), late, today))
        if soon:
            parts.append(_section(_("Due within %(days)s days:") % {"days": days}, soon, today))
        parts.append(_("Lost, retired and dormant instruments are not listed."))
        subject = _("NQI: %(overdue)s overdue, %(due)s due for calibration") % {
            "overdue": len(late),
            "due": len(soon),
        }
    return subject, "\n\n".join(parts)


def send_reminders(days: int = 30, dry_run: bool = False, today: dt.date | None = None) -> ReminderResult:
    """Send one message per recipient; with ``dry_run`` only count them."""
    today = today or timezone.localdate()
    recipients = plan(days, today)
    instruments: set[int] = set()
    messages = []
    for address, items in recipients.items():
        instruments |= {item.pk for item in items}
        subject, body = compose(items, days, today)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    if messages and not dry_run:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages(messages)
    return ReminderResult(messages=len(messages), recipients=len(recipients), instruments=len(instruments))
