"""``nqi comparison``: analyse a key comparison or proficiency test from a CSV file (no Django)."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

CSV_HELP = (
    "CSV columns (header row; names case-insensitive): participant, value, and either "
    "standard_uncertainty (u) or expanded_uncertainty (U) with k (default 2); optional dof and "
    "contributes (yes/no: whether the result contributes to the reference value). Lines starting "
    "with # are ignored."
)


class MethodChoice(enum.StrEnum):
    weighted_mean = "weighted-mean"
    lcs = "lcs"
    mean = "mean"
    median = "median"
    dersimonian_laird = "dersimonian-laird"
    mandel_paule = "mandel-paule"
    algorithm_a = "algorithm-a"
    q_hampel = "q-hampel"


class LcsChoice(enum.StrEnum):
    sequential = "sequential"
    enumerate = "enumerate"


class StoppingChoice(enum.StrEnum):
    third = "third-significant-figure"
    tolerance = "tolerance"


def _fmt(value: float | None, digits: int = 6) -> str:
    return "—" if value is None else f"{value:.{digits}g}"


def comparison(
    results: Annotated[Path, typer.Argument(help="Results CSV file. " + CSV_HELP)],
    method: Annotated[MethodChoice, typer.Option("--method", "-m", help="Reference value.")] = (
        MethodChoice.weighted_mean
    ),
    svg: Annotated[Path | None, typer.Option("--svg", help="Write the DoE chart (SVG).")] = None,
    z_svg: Annotated[Path | None, typer.Option("--z-svg", help="Write the z-score chart (SVG).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full analysis as JSON.")] = False,
    alpha: Annotated[
        float, typer.Option("--alpha", help="Significance level of the chi-square test.")
    ] = 0.05,
    k: Annotated[float, typer.Option("--k", help="Coverage factor of expanded uncertainties.")] = 2.0,
    sigma_pt: Annotated[
        float | None, typer.Option("--sigma-pt", help="Standard deviation for z, z'.")
    ] = None,
    lcs_strategy: Annotated[LcsChoice, typer.Option("--lcs-strategy")] = LcsChoice.sequential,
    stopping: Annotated[StoppingChoice, typer.Option("--stopping", help="Algorithm A stop rule.")] = (
        StoppingChoice.third
    ),
    bootstrap: Annotated[
        int | None, typer.Option("--bootstrap", help="Bootstrap draws (0: analytic).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 1,
) -> None:
    """Reference value, consistency check, degrees of equivalence and scores of a comparison."""
    from nqi.interlab import InterlabError, analyse, read_results_csv

    err = Console(stderr=True)
    try:
        data = read_results_csv(results)
        analysis = analyse(
            data,
            method.value,
            alpha=alpha,
            k=k,
            sigma_pt=sigma_pt,
            lcs_strategy="enumerate" if lcs_strategy is LcsChoice.enumerate else "sequential",
            stopping="tolerance" if stopping is StoppingChoice.tolerance else "third-significant-figure",
            bootstrap=bootstrap,
            seed=seed,
        )
        if svg is not None or z_svg is not None:
            from nqi.interlab.plots import doe_chart, z_score_chart

            if svg is not None:
                doe_chart(analysis, svg)
            if z_svg is not None:
                z_score_chart(analysis, z_svg)
    except InterlabError as exc:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False, markup=True)
        raise typer.Exit(code=2) from None
    except OSError as exc:
        err.print(f"[bold red]Error:[/] cannot write output: {exc}", highlight=False)
        raise typer.Exit(code=2) from None

    if as_json:
        typer.echo(json.dumps(analysis.to_dict(), indent=2))
        return

    out = Console()
    ref = analysis.reference
    out.print(
        f"[bold]Reference value[/] ({ref.method}): {ref.value:.8g}  u = {ref.u:.3g}  "
        f"U = {ref.expanded:.3g} (k = {ref.k:g})" + (f"  tau = {ref.tau:.3g}" if ref.tau > 0 else "")
    )
    c = analysis.consistency
    if c is not None:
        verdict = "[green]consistent[/]" if c.consistent else "[red]inconsistent[/]"
        out.print(
            f"[bold]Chi-square check[/]: chi2_obs = {c.chi2_obs:.4g}, "
            f"chi2_crit({c.dof}) = {c.chi2_crit:.4g}, "
            f"p = {c.p_value:.3g}, Birge ratio = {c.birge_ratio:.3g} -> {verdict}"
        )
    if analysis.excluded:
        out.print(f"[bold]Excluded[/]: {', '.join(analysis.excluded)}")
    table = Table(title=f"Degrees of equivalence and scores (DoE u: {analysis.settings['doe_uncertainty']})")
    for col in ("participant", "contrib.", "d", "u(d)", "U(d)", "En", "zeta", "z", "z'"):
        table.add_column(col, justify="left" if col == "participant" else "right", no_wrap=True)
    for doe, sc in zip(analysis.degrees_of_equivalence, analysis.scores, strict=True):
        table.add_row(
            doe.participant,
            "excl." if doe.excluded else ("yes" if doe.contributes else "no"),
            _fmt(doe.d, 4),
            _fmt(doe.u, 3),
            _fmt(doe.expanded, 3),
            _fmt(sc.en, 3),
            _fmt(sc.zeta, 3),
            _fmt(sc.z, 3),
            _fmt(sc.z_prime, 3),
        )
    out.print(table)
    if analysis.sigma_pt is not None:
        out.print(f"sigma_pt = {analysis.sigma_pt:.4g} ({analysis.settings['sigma_pt_source']})")
    for w in analysis.warnings:
        out.print(f"[yellow]Warning:[/] {w}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``nqi comparison`` to the ``nqi`` command line."""
    app.command("comparison", help="Analyse key-comparison / proficiency-test results from a CSV file.")(
        comparison
    )
