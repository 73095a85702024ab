"""The directly-follows graph drawn as SVG on the server (no script, no CDN).

Layout: one box per activity, top to bottom in the order cases first reach it (breadth-first
from the start activities, commonest edges first). A step to a later box is drawn on the
right, a step back (rework) on the left, a step to the next box straight down. Line width
grows with the count, colour with the mean working hours (the slowest edges red); each edge
links to the list of its dossiers and carries a ``<title>`` (hover / screen readers). The
tables under the graph give the same figures (the graph is an illustration, the tables stay).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from html import escape

from motcua.core.formats import vn_number
from motcua.insights.mining import Edge, ProcessMap

BOX_W, BOX_H, GAP, MARGIN = 300, 34, 30, 150


def _order(pm: ProcessMap, edges: list[Edge]) -> list[str]:
    nodes = {e.source for e in edges} | {e.target for e in edges}
    out: dict[str, list[Edge]] = defaultdict(list)
    for e in sorted(edges, key=lambda e: -e.count):
        out[e.source].append(e)
    seen: list[str] = []
    queue = deque(a for a, _ in pm.starts.most_common() if a in nodes)
    while queue or len(seen) < len(nodes):
        if not queue:  # a part not reached from a start: its commonest activity
            queue.append(max(nodes - set(seen), key=lambda a: (pm.activities[a], a)))
        a = queue.popleft()
        if a in seen:
            continue
        seen.append(a)
        queue.extend(e.target for e in out[a] if e.target not in seen)
    return seen


def _colour(mean: float, slowest: float) -> str:
    share = mean / slowest if slowest else 0.0
    if share > 0.66:
        return "#b02a37"  # red
    if share > 0.33:
        return "#c77700"  # amber
    return "#2f5d8a"  # blue


def dfg_svg(
    pm: ProcessMap,
    *,
    label: Callable[[str], str] = str,
    link: Callable[[Edge], str] | None = None,
    max_edges: int = 40,
) -> str:
    edges = pm.edges[:max_edges]
    if not edges:
        return ""
    order = _order(pm, edges)
    row = {a: i for i, a in enumerate(order)}
    width = MARGIN + BOX_W + MARGIN
    height = len(order) * (BOX_H + GAP) + GAP
    top = max(e.count for e in edges)
    slowest = max(e.mean_hours for e in edges)

    def y(a: str) -> float:
        return GAP + row[a] * (BOX_H + GAP)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" role="group" aria-labelledby="do-thi-tieu-de '
        'do-thi-mo-ta" id="do-thi-svg" font-family="system-ui, sans-serif" font-size="12">',
        '<title id="do-thi-tieu-de">Đồ thị nối tiếp trực tiếp của các bước</title>',
        '<desc id="do-thi-mo-ta">Mỗi hộp là một hành động; mũi tên là bước tiếp theo, dày theo '
        "số lần, đỏ khi trung bình giờ làm việc lâu. Bảng bên dưới có cùng số liệu.</desc>",
        '<defs><marker id="mui-ten" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#555"/></marker></defs>',
    ]
    left, right, middle = MARGIN, MARGIN + BOX_W, MARGIN + BOX_W / 2
    for e in sorted(edges, key=lambda e: e.count):
        a, b = row[e.source], row[e.target]
        stroke = 1 + 6 * e.count / top
        colour = _colour(e.mean_hours, slowest)
        ya, yb = y(e.source) + BOX_H / 2, y(e.target) + BOX_H / 2
        if b == a + 1:
            d = f"M{middle},{y(e.source) + BOX_H} L{middle},{y(e.target)}"
            tx, ty = middle + 10, (y(e.source) + BOX_H + y(e.target)) / 2 + 4
        elif b > a:
            bulge = right + 20 + 18 * (b - a)
            d = f"M{right},{ya} C{bulge},{ya} {bulge},{yb} {right},{yb}"
            tx, ty = min(bulge - 10, width - 60), (ya + yb) / 2
        else:
            bulge = left - 20 - 18 * (a - b + (a == b))
            d = f"M{left},{ya} C{bulge},{ya} {bulge},{yb - (a == b) * 20} {left},{yb}"
            tx, ty = max(bulge - 30, 2), (ya + yb) / 2
        title = (
            f"{label(e.source)} → {label(e.target)}: {vn_number(e.count)} lần, trung bình "
            f"{vn_number(e.mean_hours, 1)} giờ làm việc"
        )
        body = (
            f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{stroke:.1f}" '
            f'marker-end="url(#mui-ten)"><title>{escape(title)}</title></path>'
            f'<text x="{tx:.0f}" y="{ty:.0f}" fill="{colour}">{vn_number(e.mean_hours, 1)} g</text>'
        )
        if link is not None:
            body = f'<a href="{escape(link(e))}" class="canh">{body}</a>'
        parts.append(body)
    for a in order:
        name = label(a)
        short = name if len(name) <= 40 else name[:39] + "…"
        parts.append(
            f'<g class="nut"><rect x="{left}" y="{y(a)}" width="{BOX_W}" height="{BOX_H}" rx="6" '
            f'fill="#f4f6f9" stroke="#7a8699"/><text x="{middle}" y="{y(a) + 21}" '
            f'text-anchor="middle" fill="#1b2430"><title>{escape(name)}</title>{escape(short)} '
            f"({vn_number(pm.activities[a])})</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
