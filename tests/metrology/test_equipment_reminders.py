"""Due reminders by e-mail (locmem mailbox) and the ``nqi metrology remind`` / ``due`` commands."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from nqi.metrology.reminders import plan, send_reminders

pytestmark = pytest.mark.django_db

NQI = str(Path(sys.executable).with_name("nqi"))


@pytest.fixture
def due_network(net, make_instrument, make_user):
    from nqi.core.roles import EDITOR, METROLOGIST

    today = timezone.localdate()

    def calibrated(owner, asset, days_ago, **data):
        last = today - dt.timedelta(days=days_ago)
        quantity = {"quantity": "mass", "unit": "kg", "interval_days": 365, "last_calibrated": last}
        return make_instrument(owner=owner, asset=asset, quantities=[quantity], **data)

    calibrated(net.vmi, "V-LATE", 400)
    calibrated(net.vmi, "V-SOON", 350, location="Room 12")
    calibrated(net.vmi, "V-LATER", 100)
    calibrated(net.vmi, "V-RETIRED", 500, status="retired")
    calibrated(net.quatest, "Q-LATE", 370)
    net.vmi.email = "lab@vmi.example"
    net.vmi.save()
    net.quatest.email = "q@quatest.example"
    net.quatest.save()
    for user, email in (
        (net.vmi_user, "vmi.metrologist@example.org"),
        (net.quatest_user, "Q@Quatest.example"),
    ):
        user.email = email
        user.save()
    # A metrologist at the parent organization (STAMEQ) covers both laboratories.
    make_user("stameq", METROLOGIST, net.vmi.parent).__class__.objects.filter(username="stameq").update(
        email="head@stameq.example"
    )
    editor = make_user("clerk", EDITOR, net.vmi)  # not a metrologist: no reminder
    editor.email = "clerk@vmi.example"
    editor.save()
    retired = make_user("old", METROLOGIST, net.vmi)
    retired.email, retired.is_active = "old@vmi.example", False
    retired.save()
    return net


def test_one_message_per_recipient_with_their_instruments(due_network, mailoutbox):
    result = send_reminders(days=30)
    by_address = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_address) == [
        "head@stameq.example",
        "lab@vmi.example",
        "q@quatest.example",  # the laboratory and its metrologist: one address, one message
        "vmi.metrologist@example.org",
    ]
    assert (result.messages, result.recipients, result.instruments) == (4, 4, 3)
    head = by_address["head@stameq.example"].body
    assert "V-LATE" in head and "Q-LATE" in head and "V-SOON" in head
    lab = by_address["lab@vmi.example"]
    assert "Q-LATE" not in lab.body and "V-LATER" not in lab.body and "V-RETIRED" not in lab.body
    overdue, due = lab.body.split("Due within 30 days:")
    assert "V-LATE" in overdue and "35 days overdue" in overdue and "V-SOON" in due and "Room 12" in due
    assert lab.subject == "NQI: 1 overdue, 1 due for calibration"
    mailoutbox.clear()
    assert send_reminders(days=30, dry_run=True).messages == 4 and mailoutbox == []
    assert [i.asset_number for i in plan(days=0)["lab@vmi.example"]] == ["V-LATE"]


def test_cli_in_process_dry_run_and_due_list(due_network, mailoutbox):
    from nqi.cli.main import app

    runner = CliRunner()
    dry = runner.invoke(app, ["metrology", "remind", "--dry-run"])
    assert dry.exit_code == 0 and "4 e-mails to 4 recipients about 3 instruments (dry run)" in dry.output
    assert mailoutbox == []
    listed = runner.invoke(app, ["metrology", "due", "--owner", "quatest 1"])
    assert listed.exit_code == 0 and "Q-LATE" in listed.output and "V-LATE" not in listed.output
    unknown = runner.invoke(app, ["metrology", "due", "--owner", "NOBODY"])
    assert unknown.exit_code == 1 and "no single organization" in unknown.output


SETUP = textwrap.dedent(
    """
    import datetime as dt
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    for app in ("auth", "core", "metrology"):  # with their dependencies: enough for this test
        call_command("migrate", app, verbosity=0)
    from nqi.metrology.services.equipment import save_instrument
    from nqi.organizations.models import Organization
    lab = Organization.objects.create(kind="laboratory", name="Test lab", acronym="TL", email="tl@example.org")
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    last = timezone.localdate() - dt.timedelta(days=400)
    quantity = {"quantity": "mass", "unit": "kg", "interval_days": 365, "last_calibrated": last}
    save_instrument(admin, None, {"owner": lab, "asset_number": "TL-9", "name": "Balance"}, [quantity])
    """
)


def test_cli_remind_as_a_subprocess_sends_the_mail(tmp_path):
    leaked = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in leaked}
    env.update(
        NQI_DEBUG="1",
        NQI_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'remind.sqlite3'}",
        NQI_EMAIL_URL="console:",
    )
    setup = subprocess.run(
        [sys.executable, "-c", SETUP],
        env={**env, "DJANGO_SETTINGS_MODULE": "nqi.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    sent = subprocess.run(
        [NQI, "metrology", "remind", "--days", "30"], env=env, capture_output=True, text=True, timeout=120
    )
    assert sent.returncode == 0, sent.stderr
    assert "To: tl@example.org" in sent.stdout and "TL-9 Balance (TL): 35 days overdue" in sent.stdout
    assert "1 e-mails to 1 recipients about 1 instruments" in sent.stderr
    bad = subprocess.run(
        [NQI, "metrology", "remind", "--days", "-1"], env=env, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
