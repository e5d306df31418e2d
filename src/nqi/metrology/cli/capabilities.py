"""``nqi metrology`` commands: the service taxonomy and KCDB JSON import/export of CMCs.

The commands run as the operator of the installation (who has the database anyway): no
permission checks, changes recorded in the audit trail with the source ``cli``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from nqi.metrology.cli.common import console, fail, setup

STATUSES = ("draft", "internal_review", "regional_review", "published", "withdrawn")
STATUS_HELP = f"One of {', '.join(STATUSES)}; repeatable."


def taxonomy() -> None:
    """Load or update the metrology areas and calibration services (idempotent)."""
    setup()
    from nqi.metrology.demo.taxonomy import load_taxonomy

    counts = load_taxonomy()
    console.print(
        f"services taxonomy: {counts['created']} added, {counts['updated']} changed, "
        f"{counts['unchanged']} unchanged",
        soft_wrap=True,
    )


def cmc_import(
    file: Path = typer.Argument(
        ..., help="KCDB-shaped JSON: a list of records or an object with a data list."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every record; write nothing."),
) -> None:
    """Import CMCs from KCDB-shaped JSON, all or nothing; every rejected record is listed."""
    try:
        document = json.loads(file.read_bytes())
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror or exc}") from None
    except ValueError as exc:  # checked before Django starts: a bad file fails fast
        raise fail(f"{file}: not valid JSON: {exc}") from None
    setup()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from nqi.core.audit import acting_as
    from nqi.metrology.kcdb import KcdbFormatError, import_records, records_of

    try:
        records = records_of(document)
    except KcdbFormatError as exc:
        raise fail(f"{file}: {exc}") from None
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as bar, acting_as(None, "cli"):
        task = bar.add_task("checking CMCs", total=len(records))
        report = import_records(
            records, dry_run=dry_run, progress=lambda done, _total: bar.update(task, completed=done)
        )
    if report.errors:
        for error in report.errors[:200]:
            console.print(f"  {error}", markup=False, highlight=False, soft_wrap=True)
        if len(report.errors) > 200:
            console.print(f"  … and {len(report.errors) - 200} more", soft_wrap=True)
        raise fail(f"{file}: {len(report.errors)} problems in {report.total} records; nothing was imported")
    verb = "would be" if dry_run else "were"
    console.print(
        f"CMCs: {report.created} {verb} added, {report.updated} {verb} changed, {report.unchanged} unchanged"
        f"{' (dry run)' if dry_run else ''}",
        soft_wrap=True,
    )


def cmc_export(
    lab: str | None = typer.Option(None, "--lab", help="Laboratory acronym, e.g. VMI."),
    country: str | None = typer.Option(None, "--country", help="ISO 3166-1 alpha-2 code, e.g. VN."),
    service: str | None = typer.Option(None, "--service", help="Service code, e.g. M-1.1."),
    status: list[str] = typer.Option([], "--status", help=STATUS_HELP),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File to write (default: standard output)."
    ),
) -> None:
    """Export CMCs as KCDB-shaped JSON."""
    unknown = [s for s in status if s not in STATUSES]
    if unknown:
        raise fail(f"unknown status {unknown[0]!r}; use one of {', '.join(STATUSES)}")
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise fail(f"country {country!r}: give a two-letter ISO code such as VN")
    setup()
    from nqi.metrology.kcdb import export_document, export_queryset

    document = export_document(export_queryset(lab, country, service, status))
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    console.print(f"exported {document['totalElements']} CMCs")


def register(group: typer.Typer) -> None:
    group.command("taxonomy")(taxonomy)
    group.command("cmc-import")(cmc_import)
    group.command("cmc-export")(cmc_export)
