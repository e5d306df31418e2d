"""``nqi committees``: demo mirror committees and ballot deadline reminders."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console(stderr=True)
committees = typer.Typer(help="National mirror committees, ballots and reminders.", no_args_is_help=True)


def _setup() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from nqi.cli.django_setup import setup

    try:
        setup()
    except ImproperlyConfigured as exc:
        console.print(f"[bold red]error:[/] configuration: {exc}")
        raise typer.Exit(1) from exc


@committees.command("demo")
def demo(
    countries: str = typer.Option("VN,UZ,KZ", help="Comma-separated country codes (VN, UZ, KZ)."),
    per_country: int = typer.Option(3, min=1, max=50, help="Mirror committees per country."),
) -> None:
    """Create demo mirror committees from the real ISO memberships (needs `nqi import` and demo data)."""
    _setup()
    from nqi.committees.demo import load_demo

    codes = tuple(code.strip().upper() for code in countries.split(",") if code.strip())
    summary = load_demo(codes, per_country)
    if not summary.committees:
        console.print(
            "[yellow]No committees: load the demo organizations and import the ISO committees first.[/]"
        )
        raise typer.Exit(1)
    console.print(f"committees demo: {summary}")


@committees.command("remind")
def remind(
    days: int = typer.Option(7, min=1, max=365, help="Remind about ballots closing within this many days."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List the reminders without sending them."),
) -> None:
    """E-mail the members of each mirror committee about ballots due soon and overdue."""
    _setup()
    from nqi.committees.reminders import send_reminders

    result = send_reminders(days=days, dry_run=dry_run)
    console.print(
        f"reminders: {result.messages} e-mails to {result.recipients} recipients "
        f"about {result.ballots} ballots{' (dry run)' if dry_run else ''}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(committees, name="committees")
