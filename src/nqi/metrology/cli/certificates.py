"""``nqi metrology`` commands: certificates (check and import digital calibration certificates)."""

from __future__ import annotations

from pathlib import Path

import typer

from nqi.metrology.cli.common import console, fail, setup


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror or exc}") from exc


def _organization(acronym: str, option: str):
    from nqi.organizations.models import Organization

    found = list(Organization.objects.filter(acronym__iexact=acronym.strip()).order_by("pk")[:2])
    if not found:
        raise fail(f"{option}: no organization with the acronym {acronym!r}")
    if len(found) > 1:
        raise fail(f"{option}: the acronym {acronym!r} is ambiguous")
    return found[0]


def register(group: typer.Typer) -> None:
    @group.command("dcc-check")
    def dcc_check(
        file: Path = typer.Argument(..., help="DCC XML file."),
        schema: str = typer.Option(
            "", "--schema", help="Folder with dcc.xsd and SI_Format.xsd (default: NQI_DCC_SCHEMA_DIR)."
        ),
    ) -> None:
        """Check a DCC as NQI does before issuing: built-in checks plus the official XSD if configured."""
        setup()
        from nqi.metrology.certificates.dcc import check_dcc

        problems = check_dcc(_read(file), schema or None)
        if problems:
            for problem in problems:
                console.print(problem, markup=False, highlight=False, soft_wrap=True)
            raise fail(f"{file}: {len(problems)} problem(s)")
        typer.echo("OK")

    @group.command("dcc-import")
    def dcc_import(
        file: Path = typer.Argument(..., help="DCC XML file."),
        lab: str = typer.Option(
            ..., "--lab", help="Acronym of the laboratory the certificate is recorded for."
        ),
        item: str = typer.Option("", "--item", help="Asset number of the item (default: found by serial)."),
        issuer: str = typer.Option(
            "", "--issuer", help="Acronym of the issuing laboratory (default: from the DCC)."
        ),
    ) -> None:
        """Import a DCC: the lab's own certificate becomes a draft, another lab's an external record."""
        setup()
        from django.core.exceptions import PermissionDenied, ValidationError

        from nqi.metrology.certificates.importing import CommandLineOperator, import_dcc
        from nqi.metrology.models import Instrument

        xml = _read(file)
        acting = _organization(lab, "--lab")
        laboratory = _organization(issuer, "--issuer") if issuer.strip() else None
        instrument = None
        if item.strip():
            candidates = Instrument.objects.filter(asset_number=item.strip()).order_by("pk")
            instrument = candidates.filter(owner=acting).first() or (
                candidates.first() if candidates.count() == 1 else None
            )
            if instrument is None:
                raise fail(f"--item: no single item has the asset number {item!r}")
        try:
            record = import_dcc(CommandLineOperator(), xml, acting, laboratory=laboratory, item=instrument)
        except ValidationError as exc:
            for message in exc.messages:
                console.print(f"  {message}", markup=False, highlight=False, soft_wrap=True)
            raise fail(f"{file}: not imported") from exc
        except PermissionDenied as exc:
            raise fail(str(exc)) from exc
        kind = "draft" if record.status == "draft" else "external certificate"
        typer.echo(f"imported {record.certificate_number} as {kind} (record {record.pk}, item {record.item})")
