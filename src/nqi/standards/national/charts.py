"""SVG charts of the harmonization dashboard (matplotlib, Agg backend, imported lazily).

Text is kept as SVG text (``svg.fonttype = none``), so labels in Vietnamese, Uzbek, Kazakh or Russian
are drawn by the browser with the page's fonts. Labels come through gettext.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

COLOURS = {"IDT": "#1b7837", "MOD": "#7fbf7b", "NEQ": "#d9f0d3", "none": "#bababa"}


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _svg(fig) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "nqi"}):
        fig.tight_layout()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def trend_svg(points) -> str:
    """The harmonization rate over the years (line) with the number of standards in force (bars)."""
    fig = _figure(7, 3.2)
    ax = fig.add_subplot()
    years = [int(p.key) for p in points]
    ax.bar(years, [p.total for p in points], color="#d0d1e6", label=_("standards in force"))
    ax.set_ylabel(_("standards in force"))
    ax2 = ax.twinx()
    ax2.plot(years, [p.percent for p in points], color="#045a8d", lw=2, label=_("harmonized (%)"))
    ax2.set_ylim(0, 100)
    ax2.set_ylabel(_("harmonized (%)"))
    ax.set_title(_("Harmonization rate over time"))
    return _svg(fig)


def shares_svg(shares, title: str, limit: int = 15) -> str:
    """Horizontal bars: the rate of each group (ICS field, committee …), biggest groups first."""
    shares = list(shares)[:limit][::-1]
    fig = _figure(7, 0.3 * len(shares) + 1.2)
    ax = fig.add_subplot()
    labels = [f"{s.key} ({s.part}/{s.total})" for s in shares]
    ax.barh(labels, [s.percent for s in shares], color="#3690c0")
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.set_title(title)
    ax.tick_params(axis="y", labelsize=8)
    return _svg(fig)


def degrees_svg(by_degree: dict[str, int]) -> str:
    labels = {
        "IDT": _("identical (IDT)"),
        "MOD": _("modified (MOD)"),
        "NEQ": _("not equivalent (NEQ)"),
        "none": _("national only"),
    }
    fig = _figure(4, 3)
    ax = fig.add_subplot()
    keys = [k for k in ("IDT", "MOD", "NEQ", "none") if by_degree.get(k)]
    if keys:
        ax.pie(
            [by_degree[k] for k in keys],
            labels=[labels[k] for k in keys],
            colors=[COLOURS[k] for k in keys],
            autopct="%1.0f%%",
            textprops={"fontsize": 8},
        )
    ax.set_title(_("Degree of correspondence"))
    return _svg(fig)
