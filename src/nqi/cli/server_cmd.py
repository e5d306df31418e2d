"""``nqi serve``, ``nqi migrate``, ``nqi demo``, ``nqi check``: running the product."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

console = Console(stderr=True)


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=1)


def _django():
    from django.core.exceptions import ImproperlyConfigured

    from nqi.cli.django_setup import setup

    try:
        setup()
    except ImproperlyConfigured as exc:
        _fail(f"configuration: {exc}")


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    reload: bool = typer.Option(False, help="Restart when code changes (development)."),
) -> None:
    """Serve NQI with Django's server (use gunicorn in production: see README)."""
    _django()
    from django.core.management import call_command

    args = [f"{host}:{port}"]
    if not reload:
        args.append("--noreload")
    call_command("runserver", *args)


def migrate() -> None:
    """Create or update the database schema."""
    _django()
    from django.core.management import call_command
    from django.db.utils import OperationalError

    try:
        call_command("migrate", interactive=False, verbosity=1)
    except OperationalError as exc:
        _fail(f"database: {exc}")


def demo(
    users: bool = typer.Option(
        True,
        help="Also create demo accounts (only when NQI_DEBUG=1): admin/admin, editor/editor, metrologist/metrologist.",
    ),
    catalogue: bool = typer.Option(True, help="Also load the bundled ISO and IEC catalogue snapshot."),
) -> None:
    """Load the reference and demo data (idempotent; the catalogue only when its files changed)."""
    _django()
    from django.conf import settings

    from nqi.organizations.demo import load_all

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total or None)
            bar.update(tasks[name], completed=done)

        summaries = load_all(progress)
        catalogue_lines = []
        if catalogue:
            from nqi.standards.demo import load_catalogue

            catalogue_lines = load_catalogue(
                progress=lambda kind, done: progress(f"catalogue {kind}", done, 0)
            )
            catalogue_lines += _national_and_committee_demo()
    for name, summary in summaries.items():
        console.print(f"{name}: {summary}")
    for line in catalogue_lines:
        console.print(line)
    if users and settings.DEBUG:
        from nqi.organizations.accounts import ensure_demo_accounts

        for line in ensure_demo_accounts():
            console.print(line)
    from nqi.metrology.demo.network import load_demo as load_metrology

    with console.status("metrology demo network"):
        metrology = load_metrology()
    console.print(f"metrology demo: {'; '.join(metrology.notes) or metrology}")


def _national_and_committee_demo() -> list[str]:
    """Demo national catalogues (VN, UZ, KZ) once, and demo mirror committees (idempotent)."""
    from nqi.committees.demo import load_demo as load_committees
    from nqi.standards.national.demo import load_demo as load_national
    from nqi.standards.national.models import NationalStandard

    lines = []
    missing = tuple(
        code
        for code in ("VN", "UZ", "KZ")
        if not NationalStandard.objects.filter(country__code=code, is_demo=True).exists()
    )
    if missing:
        counts = load_national(missing)
        lines.append("national demo catalogues: " + ", ".join(f"{c} {n}" for c, n in counts.items()))
    else:
        lines.append("national demo catalogues: already generated")
    lines.append(f"demo committees: {load_committees()}")
    return lines


def check(deploy: bool = typer.Option(False, help="Run the production (deployment) checks too.")) -> None:
    """Run Django's system checks."""
    _django()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=deploy, fail_level="WARNING")
    except SystemCheckError as exc:
        console.print(str(exc))
        raise typer.Exit(code=1) from exc


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(migrate)
    app.command()(demo)
    app.command()(check)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(0)
