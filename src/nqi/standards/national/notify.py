"""Alerts: when the international catalogue changes, tell the users who follow what changed.

``notify_changes(import_run)`` reads the run's change events, finds the watches each one concerns
(the document, its ICS field, its committee, or a national TC whose standards adopt it) and creates
one in-app notification per user and event, and sends one e-mail per user through Django's mail
backend. Running it twice creates nothing new.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from nqi.standards.models import ChangeEvent, ImportRun
from nqi.standards.national.analysis import top_committee
from nqi.standards.national.models import Adoption, Notification, Watch

DOCUMENT_KINDS = {
    ChangeEvent.Kind.NEW_EDITION,
    ChangeEvent.Kind.STAGE_CHANGE,
    ChangeEvent.Kind.SUPPLEMENT,
    ChangeEvent.Kind.REPLACED,
    ChangeEvent.Kind.WITHDRAWN,
    ChangeEvent.Kind.STABILITY_DATE,
    ChangeEvent.Kind.NEW_DOCUMENT,
}


def describe(event: ChangeEvent, adopted_as: list[str]) -> str:
    doc = event.document
    subject = str(doc)
    if adopted_as:
        subject = _("%(doc)s, adopted as %(national)s,") % {"doc": doc, "national": ", ".join(adopted_as[:3])}
    texts = {
        ChangeEvent.Kind.NEW_EDITION: _("%(subject)s was replaced by a new edition"),
        ChangeEvent.Kind.REPLACED: _("%(subject)s was replaced by a new edition"),
        ChangeEvent.Kind.WITHDRAWN: _("%(subject)s was withdrawn"),
        ChangeEvent.Kind.SUPPLEMENT: _("%(subject)s has a new amendment or corrigendum"),
        ChangeEvent.Kind.STAGE_CHANGE: _("%(subject)s moved to stage %(value)s"),
        ChangeEvent.Kind.STABILITY_DATE: _("%(subject)s reached its stability date"),
        ChangeEvent.Kind.NEW_DOCUMENT: _("%(subject)s was published"),
    }
    return texts[event.kind] % {"subject": subject, "value": event.new_value}


def notify_changes(import_run: ImportRun) -> int:
    """Create the notifications of ``import_run``'s events and e-mail them. Returns how many."""
    events = list(
        ChangeEvent.objects.filter(import_run=import_run, kind__in=DOCUMENT_KINDS, document__isnull=False)
        .select_related("document")
        .order_by("pk")
    )
    if not events:
        return 0
    watches = list(Watch.objects.select_related("user").filter(user__is_active=True))
    if not watches:
        return 0
    # Adoptions of the changed edition itself (an amendment's event concerns the edition it amends).
    keys = {e.document.canonical for e in events} | {e.document.edition_ref for e in events}
    adopted: dict[str, list[tuple[str, str]]] = defaultdict(list)  # edition → (designation, national TC)
    for canonical, designation, tc in Adoption.objects.filter(document__canonical__in=keys).values_list(
        "document__canonical", "standard__designation", "standard__technical_committee"
    ):
        adopted[canonical].append((designation, tc))
    created: list[Notification] = []
    mail: dict[int, list[str]] = defaultdict(list)
    users = {}
    done = set(Notification.objects.filter(event__in=events).values_list("user_id", "event_id"))
    for event in events:
        doc = event.document
        national = adopted.get(doc.canonical) or adopted.get(doc.edition_ref, [])
        codes = list(doc.ics_codes or [])
        committee = top_committee(doc.committee_ref) if doc.committee_ref else ""
        message = None
        for watch in watches:
            if (watch.user_id, event.pk) in done or not _concerns(watch, doc, codes, committee, national):
                continue
            done.add((watch.user_id, event.pk))
            if message is None:
                message = describe(event, [d for d, _tc in national])
            created.append(
                Notification(user=watch.user, event=event, message=message, url=doc.get_absolute_url())
            )
            mail[watch.user_id].append(message)
            users[watch.user_id] = watch.user
    Notification.objects.bulk_create(created)
    messages = [
        (
            _("NQI: %(n)d change(s) in what you follow") % {"n": len(lines)},
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [users[uid].email],
        )
        for uid, lines in mail.items()
        if users[uid].email
    ]
    if messages:
        send_mass_mail(messages, fail_silently=True)
        Notification.objects.filter(pk__in=[n.pk for n in created if n.pk]).update(emailed=True)
    return len(created)


def _concerns(watch: Watch, doc, codes: list[str], committee: str, national: list[tuple[str, str]]) -> bool:
    value = watch.value
    if watch.kind == Watch.Kind.DOCUMENT:
        return value.casefold() in (doc.base.casefold(), doc.canonical.casefold(), doc.edition_ref.casefold())
    if watch.kind == Watch.Kind.ICS:
        return any(code.startswith(value) for code in codes)
    if watch.kind == Watch.Kind.COMMITTEE:
        return value in (doc.committee_ref, committee)
    if watch.kind == Watch.Kind.NATIONAL_TC:
        return any(tc == value for _d, tc in national)
    return False
