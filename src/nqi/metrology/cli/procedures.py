"""``nqi metrology procedures-export`` / ``procedures-import FILE``: exchange procedures between countries."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from nqi.metrology.cli.common import console, fail, setup


def _organization(key: str):
    """An organization by id, seed key or (unique) acronym."""
    from django.db.models import Q

    from nqi.organizations.models import Organization

    query = Q(seed_key=key) | Q(acronym__iexact=key)
    if key.isdigit() and len(key) < 10:
        query |= Q(pk=int(key))
    found = list(Organization.objects.filter(query)[:2])
    if len(found) != 1:
        raise fail(f"laboratory {key!r}: {'ambiguous' if found else 'not found'} (give its id or seed key)")
    return found[0]


def procedures_export(
    owner: str | None = typer.Option(
        None, "--owner", help="Only this laboratory's (id, seed key or acronym)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Export the shared procedures (every version, service codes) as an exchange JSON file."""
    setup()
    from nqi.metrology.models import Procedure
    from nqi.metrology.services.procedures import export_procedures

    queryset = Procedure.objects.filter(shared=True)
    if owner:
        queryset = queryset.filter(owner=_organization(owner))
    document = export_procedures(queryset)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc}") from None
    console.print(f"procedures: {len(document['procedures'])} exported")


def procedures_import(
    file: Path = typer.Argument(..., help="Exchange file written by procedures-export."),
    owner: str = typer.Option(
        ..., "--owner", help="Laboratory that will own them (id, seed key or acronym)."
    ),
) -> None:
    """Import an exchange file all or nothing; unknown service codes are reported, not linked."""
    setup()
    from django.core.exceptions import ValidationError

    from nqi.metrology.services.procedures import import_procedures

    try:
        document = json.loads(file.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise fail(f"{file}: not valid JSON ({exc})") from None
    laboratory = _organization(owner)
    try:
        report = import_procedures(None, document, laboratory)
    except ValidationError as exc:
        problems = (
            [f"{field}: {m}" for field, messages in exc.message_dict.items() for m in messages]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        raise fail(f"{file}: nothing imported: " + "; ".join(problems)) from None
    console.print(
        f"procedures: {len(report.created)} imported with {report.versions} versions for {laboratory}"
    )
    if report.unknown_services:
        console.print(f"[yellow]unknown service codes (not linked):[/] {', '.join(report.unknown_services)}")
    if report.unknown_areas:
        console.print(f"[yellow]unknown metrology areas (left empty):[/] {', '.join(report.unknown_areas)}")


def register(group: typer.Typer) -> None:
    group.command("procedures-export")(procedures_export)
    group.command("procedures-import")(procedures_import)
