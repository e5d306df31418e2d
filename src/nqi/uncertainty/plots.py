"""SVG plots (matplotlib, Agg backend, imported lazily)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np

from .errors import UncertaintyError
from .gum import GumResult
from .montecarlo import MonteCarloResult

__all__ = ["histogram_svg"]


def histogram_svg(
    mc: MonteCarloResult,
    gum_result: GumResult | None = None,
    output: str | None = None,
    path: str | Path | None = None,
    bins: int = 100,
) -> str:
    """Histogram of the Monte Carlo values of one output, with the coverage interval(s) and the
    GUM Gaussian (or scaled t) density overlaid. Returns the SVG text; writes it to ``path`` if given."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from scipy import stats  # type: ignore[import-untyped]

    if mc.samples is None:
        raise UncertaintyError("the Monte Carlo result has no samples (keep_samples=False)")
    name = mc.model.output_names[0] if output is None else output
    if name not in mc.model.output_names:
        raise UncertaintyError(f"unknown output {name!r}")
    k = mc.model.output_names.index(name)
    y = mc.samples[k]
    res = mc[name]
    unit = f" / {res.unit}" if res.unit else ""
    fig = Figure(figsize=(7, 4.2))
    ax = fig.add_subplot()
    lo_plot, hi_plot = np.quantile(y, [0.0005, 0.9995])
    ax.hist(y, bins=bins, range=(lo_plot, hi_plot), density=True, color="#9ecae1", label="Monte Carlo")
    lo, hi = res.symmetric_interval
    ax.axvline(lo, color="#08519c", ls="--", lw=1, label=f"MC {100 * res.coverage_probability:g} % symmetric")
    ax.axvline(hi, color="#08519c", ls="--", lw=1)
    if res.shortest_interval is not None:
        slo, shi = res.shortest_interval
        ax.axvline(slo, color="#6a51a3", ls=":", lw=1, label="MC shortest")
        ax.axvline(shi, color="#6a51a3", ls=":", lw=1)
    if gum_result is not None:
        g = gum_result[name]
        if g.uncertainty > 0:
            xs = np.linspace(lo_plot, hi_plot, 400)
            if math.isinf(g.dof):
                pdf = stats.norm.pdf(xs, g.value, g.uncertainty)
            else:
                pdf = stats.t.pdf((xs - g.value) / g.uncertainty, g.dof) / g.uncertainty
            ax.plot(xs, pdf, color="#de2d26", lw=1.5, label="GUM")
            glo, ghi = g.interval
            ax.axvline(glo, color="#de2d26", ls="-.", lw=1, label="GUM interval")
            ax.axvline(ghi, color="#de2d26", ls="-.", lw=1)
    ax.set_xlabel(f"{name}{unit}")
    ax.set_ylabel("probability density")
    ax.set_title(f"{name}: {mc.trials} trials")
    ax.legend(fontsize="small")
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    if path is not None:
        Path(path).write_text(svg, encoding="utf-8")
    return svg
