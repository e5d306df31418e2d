"""``nqi national``: import a national catalogue, build the demo catalogues, print the analysis."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console

console = Console(stderr=True)
national = typer.Typer(help="National catalogues and their harmonization with ISO/IEC.", no_args_is_help=True)


def _setup() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from nqi.cli.django_setup import setup

    try:
        setup()
    except ImproperlyConfigured as exc:
        console.print(f"[bold red]error:[/] configuration: {exc}")
        raise typer.Exit(1) from exc


@national.command("import")
def import_cmd(
    paths: list[Path] = typer.Argument(..., help="CSV or XLSX files (see docs/national.md for the columns)."),
    country: str = typer.Option(
        None, "--country", help="ISO 3166-1 alpha-2 code; default: from the designation."
    ),
    all_or_nothing: bool = typer.Option(
        False, "--all-or-nothing", help="Apply nothing if any row is rejected."
    ),
) -> None:
    """Import a national catalogue; link adoptions; queue doubtful links for review."""
    _setup()
    from nqi.core.audit import acting_as
    from nqi.standards.national.importer import import_catalogue

    for path in paths:
        if not path.is_file():
            console.print(f"[bold red]error:[/] no such file: {path}")
            raise typer.Exit(2)
    with acting_as(None, "cli"):
        result = import_catalogue(paths, country=country, all_or_nothing=all_or_nothing)
    run = result.run
    state = "applied" if run.applied else "[red]not applied[/]"
    console.print(
        f"{run.added} added, {run.changed} changed, {run.unchanged} unchanged, {run.rejected} rejected — "
        f"{state}; {result.linked} adoptions linked, {result.to_review} to review"
    )
    for item in run.rejections[:50]:
        console.print(f"  rejected {item['file']}:{item['line']}: {item['reason']}")
    raise typer.Exit(0 if run.applied else 1)


@national.command("demo")
def demo_cmd(
    country: list[str] = typer.Option(["VN", "UZ", "KZ"], "--country", help="Countries to generate."),
    scale: float = typer.Option(1.0, "--scale", min=0.001, max=10, help="Size factor (1 = reported sizes)."),
) -> None:
    """Generate the deterministic demo catalogues from the ISO/IEC catalogue in the database."""
    _setup()
    from nqi.standards.national.demo import load_demo

    start = time.perf_counter()
    counts = load_demo(tuple(c.upper() for c in country), scale=scale, progress=console.print)
    console.print(f"{sum(counts.values())} demo standards in {time.perf_counter() - start:.1f} s")


@national.command("analyse")
def analyse_cmd(country: str = typer.Option(..., "--country", help="ISO 3166-1 alpha-2 code.")) -> None:
    """Print the harmonization rate, the coverage and the outdated adoptions of a country."""
    _setup()
    from nqi.organizations.models import Country
    from nqi.standards.national.analysis import coverage, harmonization_rate
    from nqi.standards.national.worklists import REASONS, outdated_adoptions, outdated_counts

    found = Country.objects.filter(code=country.upper()).first()
    if found is None:
        console.print(f"[bold red]error:[/] unknown country {country!r}")
        raise typer.Exit(2)
    rate = harmonization_rate(found)
    cover = coverage(found)
    outdated = outdated_counts(outdated_adoptions(found))
    typer.echo(
        f"{found.code}: {rate['overall'].total} standards in force, {rate['overall'].part} harmonized "
        f"({rate['overall'].percent} %)"
    )
    typer.echo("degrees: " + ", ".join(f"{k} {v}" for k, v in rate["by_degree"].items()))
    typer.echo(
        f"coverage: {cover['overall'].part} of {cover['overall'].total} international documents in force "
        f"({cover['overall'].percent} %); any edition {cover['any_edition'].percent} %"
    )
    typer.echo(f"outdated adoptions: {sum(outdated.values())}")
    for key, n in outdated.items():
        typer.echo(f"  {REASONS[key]}: {n}")


@national.command("notify")
def notify_cmd(
    run_id: int = typer.Option(None, "--run", help="Import run id; default: the latest applied ISO/IEC run."),
) -> None:
    """Send the alerts of an international catalogue import (in-app and e-mail)."""
    _setup()
    from nqi.standards.models import ImportRun
    from nqi.standards.national.notify import notify_changes

    runs = ImportRun.objects.filter(applied=True).exclude(source="national")
    run = runs.filter(pk=run_id).first() if run_id else runs.first()
    if run is None:
        console.print("[bold red]error:[/] no such import run")
        raise typer.Exit(2)
    typer.echo(f"{notify_changes(run)} notifications for {run}")


def register(app: typer.Typer) -> None:
    app.add_typer(national, name="national")
