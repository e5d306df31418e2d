"""Deadline reminders by e-mail and the ``nqi committees`` commands."""

import pytest
from typer.testing import CliRunner

from nqi.committees.models import MirrorCommittee
from nqi.committees.reminders import send_reminders

pytestmark = pytest.mark.django_db


def test_reminders_go_to_members_with_an_email(world, mailoutbox):
    result = send_reminders(days=7)
    addresses = sorted(address for message in mailoutbox for address in message.to)
    members = sorted(
        p.email for p in (world["secretary_person"], world["expert_person"], world["observer_person"])
    )
    assert addresses == members and result.ballots == 1
    assert "ISO/DIS 9001" in mailoutbox[0].body
    mailoutbox.clear()
    assert send_reminders(days=7, dry_run=True).messages == 3 and mailoutbox == []


def test_cli_demo_builds_committees_from_the_real_memberships(world):
    from nqi.cli.main import app

    runner = CliRunner()
    result = runner.invoke(app, ["committees", "demo", "--countries", "VN,KZ", "--per-country", "2"])
    assert result.exit_code == 0, result.output
    numbers = set(MirrorCommittee.objects.filter(is_demo=True).values_list("number", flat=True))
    # The sample's top-level TCs where STAMEQ / CTRM are P-members.
    assert "TCVN/TC 176" in numbers or "TCVN/TC 207" in numbers
    assert any(number.startswith("KZ/TC") for number in numbers)
    again = runner.invoke(app, ["committees", "demo", "--countries", "VN,KZ", "--per-country", "2"])
    assert again.exit_code == 0
    assert MirrorCommittee.objects.filter(is_demo=True).count() == len(numbers)
    remind = runner.invoke(app, ["committees", "remind", "--dry-run"])
    assert remind.exit_code == 0 and "dry run" in remind.output
