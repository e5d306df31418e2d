"""``nqi uncertainty MODEL.toml``: GUM budget, Monte Carlo and the JCGM 101 §8 validation.

The library is imported inside the command so that other ``nqi`` commands do not pay for numpy
and scipy at start-up.
"""

from __future__ import annotations

import json
import math
import secrets
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["register"]


def _fmt(x: float, digits: int = 6) -> str:
    if x is None or (isinstance(x, float) and math.isinf(x)):
        return "∞"
    return f"{x:.{digits}g}"


def uncertainty(
    model_file: Annotated[Path, typer.Argument(help="Model file (TOML), see docs/uncertainty.md.")],
    trials: Annotated[
        int | None, typer.Option("--trials", "-n", help="Monte Carlo trials (default: file, else 10^6).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed (default: file, else random).")
    ] = None,
    adaptive: Annotated[
        bool, typer.Option("--adaptive", help="Adaptive Monte Carlo (JCGM 101 §7.9).")
    ] = False,
    ndig: Annotated[
        int | None, typer.Option("--ndig", help="Significant digits for §7.9 and §8 (default 2).")
    ] = None,
    second_order: Annotated[
        bool, typer.Option("--second-order", help="Add the GUM 5.1.2 second-order terms.")
    ] = False,
    svg: Annotated[
        Path | None, typer.Option("--svg", help="Write the Monte Carlo histogram (SVG) to this file.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document instead of tables.")
    ] = False,
) -> None:
    """Evaluate the measurement uncertainty of a model: GUM, Monte Carlo and validation."""
    from rich.console import Console
    from rich.table import Table

    from nqi.uncertainty import UncertaintyError, gum, load_model, monte_carlo, validate

    try:
        mf = load_model(model_file)
        model = mf.model
        mc_cfg = mf.monte_carlo
        gum_cfg = mf.gum
        n_trials = int(trials if trials is not None else mc_cfg.get("trials", 1_000_000))
        use_seed = seed if seed is not None else mc_cfg.get("seed")
        if use_seed is None:
            use_seed = secrets.randbits(32)
        use_adaptive = adaptive or bool(mc_cfg.get("adaptive", False))
        digits = int(ndig if ndig is not None else mc_cfg.get("ndig", 2))
        g = gum(
            model,
            second_order=second_order or bool(gum_cfg.get("second_order", False)),
            dof_rounding=gum_cfg.get("dof_rounding", "floor"),
            k=gum_cfg.get("k"),
        )
        mc = monte_carlo(
            model,
            n_trials,
            seed=int(use_seed),
            adaptive=use_adaptive,
            ndig=digits,
            max_trials=int(mc_cfg.get("max_trials", 50_000_000)),
        )
        val = validate(g, mc, ndig=digits)
        if svg is not None:
            from nqi.uncertainty.plots import histogram_svg

            histogram_svg(mc, g, path=svg)
    except (UncertaintyError, OSError, TypeError, ValueError) as exc:
        # plain text: messages may contain brackets that rich would take for markup
        typer.echo(f"error: {model_file}: {exc}", err=True)
        raise typer.Exit(code=2) from None

    if as_json:
        doc: dict[str, Any] = {
            "model": model.to_dict(),
            "gum": g.to_dict(),
            "budgets": {o: g.budget(o).to_dict() for o in model.output_names},
            "monte_carlo": mc.to_dict(),
            "validation": val.to_dict(),
        }
        typer.echo(json.dumps(doc, indent=2, allow_nan=False))
        return

    out = Console(highlight=False)
    title = model.title or model_file.name
    out.print(f"[bold]{title}[/]")
    if mf.reference:
        out.print(f"Reference: {mf.reference}")
    for name in model.output_names:
        b = g.budget(name)
        unit = f" {b.unit}" if b.unit else ""
        out.print(f"\n[bold]{name}[/] = {model.expression_of(name)}")
        table = Table(title=f"Uncertainty budget of {name}")
        for col in ("Quantity", "Estimate", "u(x)", "Distribution", "ν", "c", "|c|·u(x)", "Share"):
            table.add_column(col, justify="left" if col in ("Quantity", "Distribution") else "right")
        for r in b.rows:
            table.add_row(
                r.quantity + (f" [{r.unit}]" if r.unit else ""),
                _fmt(r.estimate, 8),
                _fmt(r.standard_uncertainty, 3),
                r.distribution,
                _fmt(r.dof, 3),
                _fmt(r.sensitivity, 4),
                _fmt(r.contribution, 3),
                f"{100 * r.share:.1f} %",
            )
        out.print(table)
        go = g[name]
        lo, hi = go.interval
        out.print(
            f"GUM: {name} = {_fmt(go.value, 10)}{unit}, u = {_fmt(go.uncertainty, 3)}{unit}, "
            f"ν_eff = {_fmt(go.dof, 3)}, k = {go.coverage_factor:.3f}, "
            f"U({100 * go.coverage_probability:g} %) = {_fmt(go.expanded_uncertainty, 3)}{unit}, "
            f"interval [{_fmt(lo, 8)}, {_fmt(hi, 8)}]"
        )
        mo = mc[name]
        slo, shi = mo.symmetric_interval
        line = (
            f"Monte Carlo: {name} = {_fmt(mo.value, 10)}{unit}, u = {_fmt(mo.uncertainty, 3)}{unit}, "
            f"{100 * mo.coverage_probability:g} % symmetric [{_fmt(slo, 8)}, {_fmt(shi, 8)}]"
        )
        if mo.shortest_interval is not None:
            line += f", shortest [{_fmt(mo.shortest_interval[0], 8)}, {_fmt(mo.shortest_interval[1], 8)}]"
        out.print(line)
        v = val[name]
        verdict = "[green]PASS[/]" if v.passed else "[red]FAIL[/]"
        out.print(
            f"Validation (JCGM 101 §8, ndig = {val.ndig}): δ = {_fmt(v.delta, 2)}, "
            f"d_low = {_fmt(v.d_low, 2)}, d_high = {_fmt(v.d_high, 2)}: GUM result {verdict}"
        )
    mode = f"adaptive (§7.9, ndig = {mc.ndig}, converged: {mc.converged})" if mc.adaptive else "fixed M"
    out.print(f"\nMonte Carlo: {mc.trials} trials, {mode}, seed {mc.seed}")
    if len(model.output_names) > 1:
        out.print(
            "Correlation of outputs (GUM): "
            + json.dumps([[round(x, 3) for x in r] for r in g.correlation.tolist()])
        )
        out.print(
            "Correlation of outputs (MC):  "
            + json.dumps([[round(x, 3) for x in r] for r in mc.correlation.tolist()])
        )
    if svg is not None:
        out.print(f"Histogram written to {svg}")


def register(app: typer.Typer) -> None:
    """Add ``nqi uncertainty`` to the command-line application."""
    app.command("uncertainty")(uncertainty)
