"""``nqi metrology`` commands of the equipment register: due-list reminders and the due list."""

from __future__ import annotations

import sys

import typer

from nqi.metrology.cli.common import console, fail, setup


def _owner_ids(owner: str | None) -> set[int] | None:
    """An organization by id or acronym, with its units; exits with a message when unknown."""
    if not owner:
        return None
    from nqi.organizations.models import Organization

    found = Organization.objects.filter(pk=int(owner)) if owner.isdigit() else None
    if found is None or not found.exists():
        found = Organization.objects.filter(acronym__iexact=owner.strip())
    matches = list(found[:2])
    if len(matches) != 1:
        raise fail(f"no single organization with id or acronym {owner!r}")
    return matches[0].descendant_ids()


def register(group: typer.Typer) -> None:
    @group.command("remind")
    def remind(
        days: int = typer.Option(
            30, min=0, max=3650, help="Remind about calibrations due within this many days."
        ),
        dry_run: bool = typer.Option(False, "--dry-run", help="Count the reminders without sending them."),
    ) -> None:
        """E-mail each owner laboratory and its metrologists the instruments due soon and overdue."""
        setup()
        from nqi.metrology.reminders import plan, send_reminders

        try:
            result = send_reminders(days=days, dry_run=dry_run)
        except OSError as exc:  # the mail server refused or is unreachable
            raise fail(f"e-mail: {exc}") from exc
        if dry_run:
            for address, items in plan(days).items():
                console.print(f"  {address}: {len(items)} instruments")
        console.print(
            f"reminders: {result.messages} e-mails to {result.recipients} recipients "
            f"about {result.instruments} instruments{' (dry run)' if dry_run else ''}"
        )

    @group.command("due")
    def due(
        days: int = typer.Option(30, min=0, max=3650, help="Due within this many days (overdue included)."),
        owner: str = typer.Option(None, help="Owner organization (id or acronym), with its units."),
        overdue_only: bool = typer.Option(False, "--overdue", help="Only the overdue instruments."),
    ) -> None:
        """Print the due list as CSV on standard output."""
        setup()
        import csv

        from django.utils import timezone

        from nqi.metrology.services.equipment import due_list

        today = timezone.localdate()
        queryset = due_list(_owner_ids(owner), days=days, today=today)
        if overdue_only:
            queryset = queryset.filter(next_due__lt=today)
        writer = csv.writer(sys.stdout)
        writer.writerow(["owner", "asset_number", "name", "location", "status", "next_due", "days_overdue"])
        count = 0
        for item in queryset.iterator(chunk_size=2000):
            late = (today - item.next_due).days
            owner_name = item.owner.acronym or item.owner.name
            writer.writerow(
                [owner_name, item.asset_number, item.name, item.location, item.status, item.next_due, late]
            )
            count += 1
        console.print(f"due: {count} instruments")
