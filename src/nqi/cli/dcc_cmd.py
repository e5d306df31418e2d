"""``nqi dcc``: validate and summarise digital calibration certificates (no Django)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]

dcc_app = typer.Typer(
    help="Digital calibration certificates (PTB DCC 3.3.0 XML with D-SI).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@dcc_app.command("validate")
def validate_command(
    file: Annotated[Path, typer.Argument(help="DCC XML file.")],
    schema: Annotated[
        Path | None,
        typer.Option(
            "--schema",
            help="Folder holding the official dcc.xsd and its imports, or the main XSD file.",
        ),
    ] = None,
) -> None:
    """Check FILE with NQI's structural checks (and the XSD with --schema); exit 1 if invalid."""
    from nqi.dcc import DccError, validate

    try:
        problems = validate(file, schema=schema)
    except DccError as exc:
        typer.echo(f"{file}: {exc}", err=True)
        raise typer.Exit(1) from None
    if not problems:
        typer.echo(f"{file}: OK")
        return
    for problem in problems:
        where = f"line {problem.line}" if problem.line is not None else "line ?"
        typer.echo(f"{file}:{where}: [{problem.source}] {problem.path}: {problem.message}")
    typer.echo(f"{file}: {len(problems)} problem(s)", err=True)
    raise typer.Exit(1)


def _quantity_lines(label: str, value: object, indent: str = "  ") -> list[str]:
    from nqi.dcc import Real, RealList, format_decimal

    if isinstance(value, Real):
        text = f"{format_decimal(value.value)} {value.unit}"
        if value.uncertainty is not None:
            u = value.uncertainty
            text += (
                f" ± {format_decimal(u.uncertainty)} (k = {format_decimal(u.coverage_factor)},"
                f" p = {format_decimal(u.coverage_probability)})"
            )
        return [f"{indent}{label}: {text}"]
    assert isinstance(value, RealList)
    values = ", ".join(format_decimal(v) for v in value.values)
    text = f"[{values}] {' '.join(value.units)}"
    if value.uncertainty is not None:
        ul = value.uncertainty
        text += (
            f" ± [{', '.join(format_decimal(x) for x in ul.uncertainties)}]"
            f" (k = {' '.join(format_decimal(x) for x in ul.coverage_factors)},"
            f" p = {' '.join(format_decimal(x) for x in ul.coverage_probabilities)})"
        )
    return [f"{indent}{label}: {text}"]


@dcc_app.command("show")
def show_command(file: Annotated[Path, typer.Argument(help="DCC XML file.")]) -> None:
    """Print a summary of FILE: certificate, laboratory, items and results."""
    from nqi.dcc import DccError, parse

    try:
        certificate = parse(file)
    except DccError as exc:
        typer.echo(f"{file}: {exc}", err=True)
        raise typer.Exit(1) from None
    lang = certificate.core.mandatory_languages[0] if certificate.core.mandatory_languages else None
    core = certificate.core
    lines = [
        f"Certificate: {core.unique_identifier}",
        f"Laboratory: {certificate.laboratory.contact.name.get(lang)}",
        f"Customer: {certificate.customer.name.get(lang)}",
        f"Performed: {core.begin_performance_date} – {core.end_performance_date} ({core.performance_location})",
    ]
    for item in certificate.items:
        ids = ", ".join(f"{i.issuer} {i.value}" for i in item.identifications)
        lines.append(f"Item: {item.name.get(lang)}" + (f" ({ids})" if ids else ""))
    for person in certificate.responsible_persons:
        signer = " (main signer)" if person.main_signer else ""
        lines.append(f"Responsible: {person.person.name.get(lang)}{signer}")
    for measurement in certificate.measurement_results:
        lines.append(f"Measurement: {measurement.name.get(lang)}")
        for equipment in measurement.measuring_equipments:
            cert = f", certificate {equipment.certificate_number}" if equipment.certificate_number else ""
            lines.append(f"  Equipment: {equipment.name.get(lang)}{cert}")
        for condition in measurement.influence_conditions:
            for quantity in condition.quantities:
                lines.extend(_quantity_lines(f"Condition: {condition.name.get(lang)}", quantity.value))
        for result in measurement.results:
            lines.append(f"  Result: {result.name.get(lang)}")
            for quantity in result.quantities:
                label = quantity.name.get(lang) if quantity.name is not None else "value"
                lines.extend(_quantity_lines(label, quantity.value, "    "))
    for statement in certificate.statements:
        name = statement.name.get(lang) if statement.name is not None else "Statement"
        verdict = f": {statement.conformity}" if statement.conformity else ""
        lines.append(f"Statement: {name}{verdict}")
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    """Add ``nqi dcc`` to the command-line application."""
    app.add_typer(dcc_app, name="dcc")
