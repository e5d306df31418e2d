"""``nqi import``: load the ISO Open Data and IEC catalogues (files or the official URLs)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

console = Console(stderr=True)
importer = typer.Typer(help="Import international catalogues (ISO Open Data, IEC).", no_args_is_help=True)


def _setup() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from nqi.cli.django_setup import setup

    try:
        setup()
    except ImproperlyConfigured as exc:
        console.print(f"[bold red]error:[/] configuration: {exc}")
        raise typer.Exit(1) from exc


def _report(runs) -> int:
    for run in runs:
        state = "applied" if run.applied else "[red]not applied[/]"
        console.print(
            f"{run.source}: {run.added} added, {run.changed} changed, {run.unchanged} unchanged, "
            f"{run.rejected} rejected — {state} ({', '.join(run.files)})"
        )
    for run in runs:
        for item in run.rejections[:50]:
            console.print(f"  rejected {item['file']}:{item['line']}: {item['reason']}")
        if run.rejected > 50:
            console.print(f"  … and {run.rejected - 50} more rejected rows in {run.source}")
    return 1 if any(not run.applied for run in runs) else 0


def _progress():
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=console,
    )


@importer.command("iso-open-data")
def iso_open_data(
    paths: list[Path] = typer.Argument(
        None, help="Deliverables, committees or ICS files (.jsonl/.csv/.xml, .gz ok)."
    ),
    online: bool = typer.Option(False, "--online", help="Download the current files from ISO Open Data."),
    all_or_nothing: bool = typer.Option(
        False, "--all-or-nothing", help="Apply nothing if any row is rejected."
    ),
) -> None:
    """Import ISO Open Data (default: the snapshot bundled with NQI)."""
    _setup()
    from nqi.standards.importing.readers import RowError
    from nqi.standards.importing.service import (
        BUNDLED_ISO,
        ISO_OPEN_DATA_URLS,
        import_from_urls,
        import_iso_open_data,
    )

    with _progress() as bar:
        task = bar.add_task("ISO Open Data", total=None)

        def progress(_kind: str, done: int) -> None:
            bar.update(task, completed=done)

        try:
            if online:
                runs = import_from_urls(ISO_OPEN_DATA_URLS, all_or_nothing=all_or_nothing, progress=progress)
            else:
                runs = import_iso_open_data(
                    paths or BUNDLED_ISO, all_or_nothing=all_or_nothing, progress=progress
                )
        except (RowError, OSError) as exc:
            console.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(1) from exc
    raise typer.Exit(_report(runs))


@importer.command("iec")
def iec(
    path: Path = typer.Argument(
        None, help="IEC catalogue snapshot (.jsonl, .gz ok). Default: the bundled one."
    ),
    all_or_nothing: bool = typer.Option(
        False, "--all-or-nothing", help="Apply nothing if any row is rejected."
    ),
) -> None:
    """Import the IEC catalogue snapshot."""
    _setup()
    from nqi.standards.importing.documents import import_documents
    from nqi.standards.importing.readers import RowError
    from nqi.standards.importing.service import BUNDLED_IEC

    with _progress() as bar:
        task = bar.add_task("IEC catalogue", total=None)
        try:
            run = import_documents(
                [path or BUNDLED_IEC],
                "iec",
                all_or_nothing=all_or_nothing,
                progress=lambda done: bar.update(task, completed=done),
            )
        except (RowError, OSError) as exc:
            console.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(1) from exc
    raise typer.Exit(_report([run]))


def register(app: typer.Typer) -> None:
    app.add_typer(importer, name="import")
