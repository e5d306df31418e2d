"""Review queue decisions, watchlists and change notifications (in-app and e-mail)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from nqi.core.roles import EDITOR
from nqi.standards.models import ChangeEvent, ImportRun, InternationalDocument
from nqi.standards.national import services
from nqi.standards.national.models import Notification, ReviewItem
from nqi.standards.national.notify import notify_changes

pytestmark = pytest.mark.django_db


def test_review_correct_confirm_reject(vn, make_user):
    editor = make_user("ed", EDITOR)
    item = ReviewItem.objects.get(reference__contains="10993")
    with pytest.raises(PermissionDenied):
        services.resolve_review(make_user("nobody"), item, "reject")
    with pytest.raises(ValidationError):
        services.resolve_review(editor, item, "correct", reference="ISO 99999:2020")
    adoption = services.resolve_review(editor, item, "correct", reference="ISO 9001:2015")
    assert adoption.document.canonical == "ISO 9001:2015"
    item.refresh_from_db()
    assert item.state == "corrected" and item.resolved_by == editor
    with pytest.raises(ValidationError):
        services.resolve_review(editor, item, "reject")
    doc = InternationalDocument.objects.get(canonical="ISO 14001:2015")
    other = ReviewItem.objects.create(standard=item.standard, reference="ISO 14001", reason="ambiguous")
    other.candidates.add(doc)
    assert services.resolve_review(editor, other, "confirm", doc.pk).document == doc
    third = ReviewItem.objects.create(standard=item.standard, reference="ISO 1", reason="unknown")
    assert services.resolve_review(editor, third, "reject") is None


def test_notifications_for_followed_changes(vn, make_user):
    alice = make_user("alice")
    alice.email = "alice@example.org"
    alice.save()
    bob = make_user("bob")
    services.follow(alice, "national_tc", "TCVN/TC 176")
    services.follow(bob, "ics", "13.020")
    run = ImportRun.objects.create(source="iso", started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    doc = InternationalDocument.objects.get(canonical="ISO 9001:2015")
    ChangeEvent.objects.create(kind="replaced", date=dt.date(2026, 1, 1), document=doc, import_run=run)
    env = InternationalDocument.objects.get(canonical="ISO 14001:2015")
    ChangeEvent.objects.create(
        kind="stage_change", date=dt.date(2026, 1, 1), document=env, import_run=run, new_value="90.92"
    )
    assert notify_changes(run) == 2
    assert notify_changes(run) == 0  # once only
    note = Notification.objects.get(user=alice)
    assert note.message == "ISO 9001:2015, adopted as TCVN ISO 9001:2015, was replaced by a new edition"
    assert Notification.objects.get(user=bob).event.document == env
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.org"]
    assert "TCVN ISO 9001:2015" in mail.outbox[0].body


def test_cli_notify_latest_run(vn, make_user):
    from typer.testing import CliRunner

    from nqi.cli.main import app

    services.follow(make_user("carol"), "document", "ISO 9001")
    run = ImportRun.objects.filter(applied=True).exclude(source="national").first()
    doc = InternationalDocument.objects.get(canonical="ISO 9001:2015")
    ChangeEvent.objects.create(kind="withdrawn", date=dt.date(2026, 1, 1), document=doc, import_run=run)
    result = CliRunner().invoke(app, ["national", "notify"])
    assert result.exit_code == 0 and result.output.startswith("1 notifications")
    assert Notification.objects.get().message.endswith("was withdrawn")
