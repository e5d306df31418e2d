"""The traceability chain of a record as an SVG graph, drawn on the server (no JavaScript).

Layered top-down: the SI on top, then national standards and external sources, the record checked
at the bottom; each node sits on the layer of its longest path from the record
(:attr:`TraceResult.layers`), so every edge points upwards, from a calibration to the certificate
of a standard it used. Within a layer nodes are ordered by the mean position of the nodes that use
them (the barycenter heuristic), which keeps edges short and crossings few; an edge spanning
several layers is routed through virtual nodes (Sugiyama et al., 1981).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from nqi.metrology.traceability import Node, TraceResult

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN, LINE = 230, 86, 24, 48, 12, 15
VIRTUAL_W = 8  # the width a long edge takes on a layer it crosses
CHARS = 34  # characters per line of a node at 12 px
FILL = {
    True: ("#e3f4e6", "#17612a"),  # background and border of the verdict-ok / verdict-broken badges
    False: ("#fde4e4", "#9b1c1c"),
}
SI_FILL = ("#e8eefc", "#2b4c9b")


def layout(
    result: TraceResult,
) -> tuple[dict[str, tuple[float, float]], dict[tuple[str, str], list], float, float]:
    """Top-left corner of every node, the bends of every edge, and the size of the drawing.

    An edge that spans several layers gets a narrow virtual node on each layer it crosses, placed
    like the real ones, and is drawn through them: it runs beside the boxes, never across one.
    """
    top = max(result.layers.values(), default=0)
    rows: dict[int, list[str]] = defaultdict(list)
    width_of: dict[str, float] = {}
    for node_id in result.nodes:
        rows[result.layers[node_id]].append(node_id)
        width_of[node_id] = NODE_W
    users: dict[str, list[str]] = defaultdict(list)
    bends: dict[tuple[str, str], list[str]] = {}
    for edge in result.edges:
        if edge.cycle:
            continue
        previous, chain = edge.source, []
        for layer in range(result.layers[edge.source] + 1, result.layers[edge.target]):
            virtual = f"{edge.source}>{edge.target}@{layer}"
            rows[layer].append(virtual)
            width_of[virtual] = VIRTUAL_W
            users[virtual].append(previous)
            chain.append(virtual)
            previous = virtual
        users[edge.target].append(previous)
        bends[(edge.source, edge.target)] = chain

    def row_width(row: list[str]) -> float:
        return sum(width_of[n] for n in row) + GAP_X * max(len(row) - 1, 0)

    width = MARGIN * 2 + max(row_width(row) for row in rows.values())
    centre: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    for layer in range(top + 1):
        row = rows.get(layer, [])
        row.sort(key=lambda n: sum(centre[u] for u in users[n]) / len(users[n]) if users[n] else width / 2)
        x = (width - row_width(row)) / 2
        for node_id in row:
            centre[node_id] = x + width_of[node_id] / 2
            positions[node_id] = (x, MARGIN + (top - layer) * (NODE_H + GAP_Y))
            x += width_of[node_id] + GAP_X
    routes = {
        key: [(centre[v], positions[v][1] + y) for v in chain for y in (NODE_H, 0.0)]
        for key, chain in bends.items()
    }
    height = MARGIN * 2 + (top + 1) * NODE_H + top * GAP_Y
    return {n: positions[n] for n in result.nodes}, routes, width, height


def _clip(text: str) -> str:
    return text if len(text) <= CHARS else text[: CHARS - 1] + "…"


def node_lines(node: Node) -> list[str]:
    """What a node says: certificate, item, laboratory and date, validity (or the terminal)."""
    if node.kind == "si":
        return ["SI", _("International System of Units")]
    if node.kind in ("national", "missing"):
        standard = node.instrument
        first = _("National measurement standard") if node.kind == "national" else _("No valid certificate")
        lines = [first, str(standard), standard.owner.acronym or str(standard.owner)]
        lines += [p.comparison.identifier for p in node.comparisons[:2]]
        return lines
    record = node.record
    lab = record.laboratory.acronym or str(record.laboratory)
    if node.kind == "external":
        lab = _("%(lab)s (external)") % {"lab": lab}
    lines = [
        record.certificate_number,
        str(record.item),
        f"{lab} · {date_format(record.calibrated_on, 'SHORT_DATE_FORMAT')}",
    ]
    if record.valid_until:
        lines.append(
            _("valid until %(date)s") % {"date": date_format(record.valid_until, "SHORT_DATE_FORMAT")}
        )
    if record.status != "issued":
        lines.append(record.get_status_display())
    return lines


def render(result: TraceResult, url_for: Callable[[Node], str] = lambda node: "") -> str:
    """The SVG document (to inline in a page or serve as ``image/svg+xml``)."""
    positions, routes, width, height = layout(result)
    title = _("Traceability chain of certificate %(number)s") % {"number": result.record.certificate_number}
    state = _("traceable") if result.ok else _("broken")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trace-graph" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="trace-title trace-desc" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="trace-title">{escape(title)}</title><desc id="trace-desc">{escape(state)}</desc>',
        '<defs><marker id="trace-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for edge in result.edges:
        (sx, sy), (tx, ty) = positions[edge.source], positions[edge.target]
        broken = edge.cycle or not result.nodes[edge.target].ok
        style = f'fill="none" stroke="{"#9b1c1c" if broken else "#555"}" stroke-width="1.5"'
        if edge.cycle:  # back down to a calibration below: dashed, straight
            style += ' stroke-dasharray="5 4"'
            points = [(sx + NODE_W * 0.8, sy + NODE_H), (tx + NODE_W * 0.8, ty)]  # beside the way up
        else:
            points = [
                (sx + NODE_W / 2, sy),
                *routes[(edge.source, edge.target)],
                (tx + NODE_W / 2, ty + NODE_H),
            ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        kind = "edge cycle" if edge.cycle else "edge"
        parts.append(f'<polyline class="{kind}" points="{path}" {style} marker-end="url(#trace-arrow)"/>')
    for node_id, node in result.nodes.items():
        x, y = positions[node_id]
        fill, stroke = SI_FILL if node.kind == "si" else FILL[node.ok]
        verdict = "verdict-ok" if node.ok else "verdict-broken"
        lines = node_lines(node)
        body = [
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2.5 if node_id == result.root else 1.2}"/>'
        ]
        for index, line in enumerate(lines[:5]):
            weight = ' font-weight="600"' if index == 0 else ""
            body.append(
                f'<text x="{x + 8:.1f}" y="{y + 17 + index * LINE:.1f}" fill="#1d1d1d"{weight}>{escape(_clip(line))}</text>'
            )
        tooltip = f"<title>{escape(' — '.join(lines))}</title>"
        group = f'<g class="node {verdict} kind-{node.kind}" data-node={quoteattr(node_id)}>{tooltip}{"".join(body)}</g>'
        url = url_for(node)
        if url:
            group = f"<a href={quoteattr(url)}>{group}</a>"
        parts.append(group)
    parts.append("</svg>")
    return "".join(parts)
