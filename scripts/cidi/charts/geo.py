"""Province boundaries for maps: the TopoJSON placeholder and its coarser re-quantisation."""
from __future__ import annotations

import altair as alt

TOPO_PLACEHOLDER = "@provinces.topo.json"


def topo_data() -> alt.InlineData:
    """The boundaries, as a placeholder that :func:`inline_topojson` fills after ``to_dict``
    (letting Altair walk the 80 KB TopoJSON for every map costs seconds)."""
    return alt.InlineData(values=TOPO_PLACEHOLDER, format=alt.DataFormat(type="topojson", feature="provinces"))


def coarse_topojson(topojson: dict, factor: int = 10) -> dict:
    """Re-quantise the TopoJSON arcs ``factor`` times coarser (1e5 -> 1e4 grid, about 0.6 km here,
    far below a pixel) and drop repeated points: a map spec shrinks by about a third."""
    arcs = []
    for arc in topojson["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded: absolute position = running sum
            x, y = x + dx, y + dy
            point = (round(x / factor), round(y / factor))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 2:
            points.append(points[0])
        deltas = [list(points[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(points, points[1:])]
        arcs.append(deltas)
    transform = topojson["transform"]
    return {**topojson, "arcs": arcs,
            "transform": {"scale": [v * factor for v in transform["scale"]], "translate": transform["translate"]}}


def fill_placeholders(node, values: dict):
    """Replace every placeholder string in a spec by its value (the boundaries, a chart's rows)."""
    if isinstance(node, dict):
        return {k: values[v] if isinstance(v, str) and v in values else fill_placeholders(v, values)
                for k, v in node.items()}
    if isinstance(node, list):
        return [fill_placeholders(v, values) for v in node]
    return node
