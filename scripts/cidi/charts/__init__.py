"""Charts: spec builders (:mod:`.specs`), rendering (:mod:`.render`), the tile map (:mod:`.tiles`).
Which charts exist, and their ids, is declared by the views (:mod:`cidi.views`)."""
from cidi.charts.model import Chart
from cidi.charts.render import render_charts

__all__ = ["Chart", "render_charts"]
