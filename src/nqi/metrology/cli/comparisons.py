"""``nqi metrology comparison-analyse IDENT``: the analysis of a comparison from its stored results."""

from __future__ import annotations

import json

import typer

from nqi.metrology.cli.common import console, fail, setup


def _fmt(value: float | None, digits: int = 6) -> str:
    return "—" if value is None else f"{value:.{digits}g}"


def comparison_analyse(
    identifier: str = typer.Argument(..., help="Comparison identifier, e.g. APMP.M.M-K1"),
    sigma_pt: float | None = typer.Option(None, "--sigma-pt", min=0.0, help="σ_pt for z and z′ scores."),
    as_json: bool = typer.Option(False, "--json", help="Print the full analysis as JSON."),
) -> None:
    """Print the reference value, consistency check, DoEs and scores; changes nothing.

    Exits 1 when the comparison is unknown or has too few results for its method.
    """
    setup()
    from django.core.exceptions import ValidationError

    from nqi.metrology.models import Comparison
    from nqi.metrology.services.comparisons import analyse_results

    comparison = Comparison.objects.filter(identifier=identifier).first()
    if comparison is None:
        raise fail(f"no comparison {identifier!r}")
    try:
        analysis = analyse_results(comparison, sigma_pt or None)
    except ValidationError as exc:
        raise fail(f"{identifier}: {' '.join(exc.messages)}") from None
    if as_json:
        typer.echo(json.dumps(analysis.to_dict(), indent=2))
        return
    ref = analysis.reference
    typer.echo(f"{comparison.identifier} — {comparison.title} ({analysis.method})")
    typer.echo(
        f"reference value: {_fmt(ref.value, 10)} {comparison.unit}, u = {_fmt(ref.u, 3)}, "
        f"U = {_fmt(ref.expanded, 3)} (k = {ref.k:g}), from {', '.join(ref.used)}"
    )
    check = analysis.consistency
    if check is not None:
        verdict = "consistent" if check.consistent else "NOT consistent"
        typer.echo(
            f"chi-square: {check.chi2_obs:.4g} (nu = {check.dof}, critical {check.chi2_crit:.4g}, "
            f"p = {check.p_value:.3g}), Birge ratio {check.birge_ratio:.3g}: {verdict}"
        )
    if analysis.excluded:
        typer.echo(f"excluded: {', '.join(analysis.excluded)}")
    typer.echo(f"{'participant':<16}{'d':>12}{'U(d)':>12}{'En':>9}{'zeta':>9}{'z':>9}")
    for doe, score in zip(analysis.degrees_of_equivalence, analysis.scores, strict=True):
        typer.echo(
            f"{doe.participant:<16}{_fmt(doe.d, 4):>12}{_fmt(doe.expanded, 3):>12}"
            f"{_fmt(score.en, 3):>9}{_fmt(score.zeta, 3):>9}{_fmt(score.z, 3):>9}"
        )
    for warning in analysis.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)


def register(group: typer.Typer) -> None:
    group.command("comparison-analyse")(comparison_analyse)
