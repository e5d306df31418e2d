"""SVG charts (matplotlib, Agg backend, imported lazily): degrees of equivalence and z-scores."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ._errors import InterlabError
from .models import ComparisonAnalysis


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: str | Path | None) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    _pyplot().close(fig)
    svg = buf.getvalue()
    if path is not None:
        Path(path).write_text(svg, encoding="utf-8")
    return svg


def doe_chart(analysis: ComparisonAnalysis, path: str | Path | None = None, title: str | None = None) -> str:
    """Unilateral DoEs with their expanded uncertainties, and the band +/- U(x_ref) about zero.

    Returns the SVG text (also written to ``path`` if given).
    """
    plt = _pyplot()
    does = analysis.degrees_of_equivalence
    fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(does) + 2.0), 3.6))
    big_u = analysis.reference.expanded
    ax.axhspan(-big_u, big_u, color="0.85", label=f"±U(x_ref), k = {analysis.reference.k:g}")
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    labelled: set[str] = set()
    for pos, doe in enumerate(does):
        used = doe.contributes and not doe.excluded
        colour = "tab:blue" if used else "tab:orange"
        label = "in reference value" if used else "not in reference value"
        yerr = doe.expanded if doe.expanded is not None else 0.0
        ax.errorbar(
            pos,
            doe.d,
            yerr=yerr,
            fmt="o",
            color=colour,
            capsize=3,
            label=None if label in labelled else label,
        )
        labelled.add(label)
    ax.set_xticks(range(len(does)))
    ax.set_xticklabels([d.participant for d in does], rotation=45, ha="right")
    ax.set_ylabel("d = x − x_ref")
    ax.set_title(title or f"Degrees of equivalence ({analysis.method})")
    ax.legend(loc="best", fontsize="small")
    return _save(fig, path)


def z_score_chart(
    analysis: ComparisonAnalysis, path: str | Path | None = None, title: str | None = None
) -> str:
    """Bar chart of z-scores with the warning (±2) and action (±3) limits."""
    zs = [(s.participant, s.z) for s in analysis.scores if s.z is not None]
    if not zs:
        raise InterlabError(
            "analysis: no z-scores (sigma_pt was not given and the method has no robust s.d.)"
        )
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(4.0, 0.5 * len(zs) + 2.0), 3.6))
    values = [z for _, z in zs]
    colours = ["tab:green" if abs(z) <= 2 else "tab:orange" if abs(z) < 3 else "tab:red" for z in values]
    ax.bar(range(len(zs)), values, color=colours)
    for lim, style in ((2.0, "--"), (3.0, "-")):
        ax.axhline(lim, color="0.4", linestyle=style, linewidth=0.8)
        ax.axhline(-lim, color="0.4", linestyle=style, linewidth=0.8)
    ax.set_xticks(range(len(zs)))
    ax.set_xticklabels([p for p, _ in zs], rotation=45, ha="right")
    ax.set_ylabel("z")
    ax.set_title(title or "z-scores")
    return _save(fig, path)
