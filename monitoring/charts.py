"""Charts as inline SVG, for the PDF report (Chart.js does not run in WeasyPrint) and the map.

Each function returns markup with role="img", a <title> and an aria-label,
so the picture has a text alternative; the numbers are also shown as tables.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from django.conf import settings
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Indonesia's bounding box, degrees.
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 94.5, 141.5, -11.5, 6.5
MAP_WIDTH = 800
MAP_HEIGHT = round(MAP_WIDTH * (LAT_MAX - LAT_MIN) / (LON_MAX - LON_MIN))


def _n(value) -> str:
    return number_format(value, force_grouping=True)


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection onto the map's box; good enough near the equator."""
    x = (lon - LON_MIN) / (LON_MAX - LON_MIN) * MAP_WIDTH
    y = (LAT_MAX - lat) / (LAT_MAX - LAT_MIN) * MAP_HEIGHT
    return round(x, 1), round(y, 1)


@lru_cache(maxsize=1)
def indonesia_path() -> str:
    path = Path(settings.BASE_DIR) / "static/vendor/world-atlas/indonesia-50m.json"
    try:
        rings = json.loads(path.read_text())
    except OSError:
        return ""
    parts = []
    for ring in rings:
        coords = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x},{y}" for x, y in coords) + "Z")
    return "".join(parts)


def _svg(width: int, height: int, label: str, body: str, css_class: str = "", view_box: str = "") -> SafeString:
    label = escape(label)
    # No style="" (the browser policy forbids it): .svg-chart in static/css/app.css and the PDF's own CSS size it.
    classes = f"svg-chart {css_class}".strip()
    return mark_safe(  # noqa: S308  label is escaped above; body and numbers are built here from numbers
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box or f"0 0 {width} {height}"}" role="img" aria-label="{label}" '
        f'class="{classes}" preserveAspectRatio="xMidYMid meet">'
        f"<title>{label}</title>{body}</svg>"
    )


MAP_FONT_SIZE = 13
# Wide enough for DejaVu Sans, the widest of the fonts these pages fall back to (0.6 em per character on average).
CHAR_WIDTH = 0.62 * MAP_FONT_SIZE
LABEL_GAP = 3


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: "Box") -> bool:
        return (
            self.x < other.x + other.w and other.x < self.x + self.w and self.y < other.y + other.h and other.y < self.y + self.h
        )

    def inside(self, width: float, height: float) -> bool:
        return self.x >= 0 and self.y >= 0 and self.x + self.w <= width and self.y + self.h <= height


def label_boxes(
    marks: list[tuple[float, float, float, str]], *, width: float = MAP_WIDTH, height: float = MAP_HEIGHT
) -> list[Box]:
    """Where each mark's label goes: inside the map and clear of every other label and circle.

    marks are (x, y, radius, text). Each label tries the right of its circle, then the left, above,
    below, and the same places pushed further out; the first free spot wins. If none is free (a map
    crowded beyond reason) it takes the spot inside the map that overlaps least.
    """
    circles = [Box(x - r, y - r, 2 * r, 2 * r) for x, y, r, _t in marks]
    placed: list[Box] = []
    for (x, y, r, text), own in zip(marks, circles, strict=True):
        w, h = len(text) * CHAR_WIDTH, MAP_FONT_SIZE + 4  # the glyphs (15.4 px for 13 px text) with room to spare
        candidates = []
        for step in range(0, 5):
            shift = step * (h + 1)
            candidates += [Box(x + r + LABEL_GAP, y - h / 2 + sign * shift, w, h) for sign in ((1, -1) if step else (1,))] + [
                Box(x - r - LABEL_GAP - w, y - h / 2 + sign * shift, w, h) for sign in ((1, -1) if step else (1,))
            ]
            candidates += [Box(x - w / 2, y - r - LABEL_GAP - h - shift, w, h), Box(x - w / 2, y + r + LABEL_GAP + shift, w, h)]
        inside = [c for c in candidates if c.inside(width, height)] or [
            Box(min(max(c.x, 0), width - w), min(max(c.y, 0), height - h), w, h) for c in candidates
        ]
        obstacles = placed + [c for c in circles if c is not own]
        best = min(inside, key=lambda c: sum(c.overlaps(o) for o in obstacles))
        placed.append(best)
    return placed


def city_map(cities, *, link=None, pemda=False) -> SafeString:
    """The outline of Indonesia with a circle per city, coloured by progress against its target."""
    body = [f'<path d="{indonesia_path()}" fill="#dde6ee" stroke="#9fb3c8" stroke-width="0.6"/>']
    marks, circles = [], []
    for c in cities:
        x, y = project(c.longitude, c.latitude)
        pct = c.pct or 0
        colour = "#198754" if pct >= 100 else "#0d6efd" if pct >= 50 else "#fd7e14"
        radius = 6 + min(pct, 100) / 10
        template = (
            _("%(city)s: %(trained)s of %(target)s pemda officers (%(pct)s%%)")
            if pemda
            else _("%(city)s: %(trained)s of %(target)s UMKM (%(pct)s%%)")
        )
        text = template % {
            "city": c.name,
            "trained": _n(c.trained),
            "target": _n(c.target),
            "pct": _n(c.pct if c.pct is not None else 0),
        }
        circles.append(
            f'<circle cx="{x}" cy="{y}" r="{radius:.1f}" fill="{colour}" fill-opacity="0.8" stroke="#fff" stroke-width="1.5">'
            f"<title>{escape(text)}</title></circle>"
        )
        marks.append((x, y, radius, f"{c.name} {_n(c.pct or 0)}%"))
    body += circles
    boxes = label_boxes(marks)
    for (_x, _y, _r, label), box in zip(marks, boxes, strict=True):
        body.append(
            f'<text x="{box.x:.1f}" y="{box.y + MAP_FONT_SIZE:.1f}" font-size="{MAP_FONT_SIZE}" fill="#212529" '
            f'data-label-box="{box.x:.1f} {box.y:.1f} {box.w:.1f} {box.h:.1f}">{escape(label)}</text>'
        )
    label = _("Map of the programme cities and their progress")
    return _svg(MAP_WIDTH, MAP_HEIGHT, label, "".join(body), "city-map", view_box=map_view_box(marks, boxes))


def map_view_box(marks, boxes: list[Box], *, margin: float = 24, min_width: float = 360) -> str:
    """The part of the map the programme's cities and labels occupy, with a margin: an eastern programme
    fills the picture instead of sitting in a corner of Indonesia (and a national one shows all of it)."""
    if not marks:
        return f"0 0 {MAP_WIDTH} {MAP_HEIGHT}"
    shapes = boxes + [Box(x - r, y - r, 2 * r, 2 * r) for x, y, r, _t in marks]
    left = max(0.0, min(b.x for b in shapes) - margin)
    right = min(float(MAP_WIDTH), max(b.x + b.w for b in shapes) + margin)
    top = max(0.0, min(b.y for b in shapes) - margin)
    bottom = min(float(MAP_HEIGHT), max(b.y + b.h for b in shapes) + margin)
    if right - left < min_width:
        grow = (min_width - (right - left)) / 2
        left, right = max(0.0, left - grow), min(float(MAP_WIDTH), right + grow)
    return f"{left:.1f} {top:.1f} {right - left:.1f} {bottom - top:.1f}"


def city_bars(cities) -> SafeString:
    """Horizontal bars: UMKM trained against each city's target."""
    row, label_w, width = 26, 150, 700
    bar_w = width - label_w - 130
    height = row * max(1, len(cities)) + 10
    body = []
    for i, c in enumerate(cities):
        y = 5 + i * row
        filled = bar_w * min(100.0, c.pct or 0) / 100
        body.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(c.name)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="16" fill="#e9ecef"/>'
            f'<rect x="{label_w}" y="{y + 3}" width="{filled:.1f}" height="16" fill="#0d6efd"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 15}" font-size="12">{_n(c.trained)} / {_n(c.target)}</text>'
        )
    return _svg(width, height, _("UMKM trained per city against the city targets"), "".join(body))


def trend_lines(points, target: int) -> SafeString:
    """Cumulative UMKM trained over time beside the straight line that reaches the target at the programme's end."""
    width, height, left, bottom, top = 700, 260, 60, 30, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    if not points:
        return _svg(width, height, _("No data yet"), "")
    top_value = max(target, max(p.trained for p in points), 1)
    n = max(1, len(points) - 1)

    def xy(i, v):
        return left + plot_w * i / n, top + plot_h * (1 - v / top_value)

    def polyline(values, colour, dash=""):
        pts = " ".join("{:.1f},{:.1f}".format(*xy(i, v)) for i, v in enumerate(values))
        return f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2" {dash}/>'

    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#adb5bd"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#adb5bd"/>',
        f'<text x="{left - 5}" y="{top + 10}" font-size="11" text-anchor="end">{_n(top_value)}</text>',
        f'<text x="{left - 5}" y="{top + plot_h}" font-size="11" text-anchor="end">0</text>',
        f'<text x="{left}" y="{height - 8}" font-size="11">{points[0].day:%d/%m/%Y}</text>',
        f'<text x="{left + plot_w}" y="{height - 8}" font-size="11" text-anchor="end">{points[-1].day:%d/%m/%Y}</text>',
        polyline([p.required for p in points], "#6c757d", 'stroke-dasharray="6 4"'),
        polyline([p.trained for p in points], "#0d6efd"),
    ]
    label = _("Cumulative UMKM trained (solid) against the pace needed to reach %(target)s (dashed)") % {"target": _n(target)}
    return _svg(width, height, label, "".join(body))


def share_bars(rows) -> SafeString:
    """One stacked bar of shares: rows are (label, value)."""
    width, height = 700, 60
    total = sum(v for _l, v in rows) or 1
    colours = ["#0d6efd", "#20c997", "#fd7e14", "#adb5bd", "#6f42c1", "#d63384"]
    x, body, legend = 0.0, [], []
    for i, (label, value) in enumerate(rows):
        w = width * value / total
        body.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="24" fill="{colours[i % len(colours)]}"/>')
        legend.append(
            f'<rect x="{i * 175}" y="36" width="12" height="12" fill="{colours[i % len(colours)]}"/>'
            f'<text x="{i * 175 + 16}" y="46" font-size="12">{escape(str(label))}: {_n(value)}</text>'
        )
        x += w
    summary = ", ".join(f"{label}: {_n(value)}" for label, value in rows)
    return _svg(width, height, summary, "".join(body + legend))
