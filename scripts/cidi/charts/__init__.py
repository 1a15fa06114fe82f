"""Charts: spec builders (:mod:`.specs`), rendering (:mod:`.render`), map boundaries (:mod:`.geo`)."""
from cidi.charts.model import Chart
from cidi.charts.render import render_charts
from cidi.charts.specs import make_charts

__all__ = ["Chart", "make_charts", "render_charts"]
