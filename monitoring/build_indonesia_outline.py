"""Extract Indonesia's outline from world-atlas (Natural Earth, public domain) into a small lon/lat file.

Run once after `cd /tmp && npm install world-atlas@2`:
    python monitoring/build_indonesia_outline.py /tmp/node_modules/world-atlas/countries-50m.json
Writes static/vendor/world-atlas/indonesia-50m.json: a list of rings of [lon, lat] rounded to 0.01 degree.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static/vendor/world-atlas/indonesia-50m.json"


def decode(topology: dict, country_id: str) -> list[list[list[float]]]:
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append([round(x * scale[0] + translate[0], 2), round(y * scale[1] + translate[1], 2)])
        arcs.append(points)
    geometry = next(g for g in topology["objects"]["countries"]["geometries"] if g.get("id") == country_id)
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    rings = []
    for polygon in polygons:
        for ring in polygon:
            points = []
            for index in ring:
                arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
                points.extend(arc if not points else arc[1:])
            deduped = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            if len(deduped) >= 4:
                rings.append(deduped)
    return rings


if __name__ == "__main__":
    topology = json.loads(Path(sys.argv[1]).read_text())
    rings = decode(topology, "360")
    OUT.write_text(json.dumps(rings, separators=(",", ":")))
    print(f"{len(rings)} rings, {sum(len(r) for r in rings)} points -> {OUT}")
