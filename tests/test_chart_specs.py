"""Chart builders follow the data: palettes, scales and captions (no rendering; specs only)."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from cidi.charts import specs
from cidi.charts.model import OKABE_ITO, categorical
from cidi.compute_indices import compute_indices
from cidi.views import SiteData
from cidi.write_package import read_metadata


def find(node, key):
    """Every value of ``key`` anywhere in a spec."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from find(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from find(v, key)


def colour_scale(spec: dict) -> dict:
    return next(enc["scale"] for enc in find(spec, "color") if isinstance(enc, dict) and "scale" in enc)


def with_seventh_dimension(sources):
    """Split cyberspace regulation (12 points) into two dimensions of 6, as a later edition might."""
    dims = sources.dimensions.copy()
    extra = dims[dims["id"] == "cyberspace_regulation"].copy()
    extra["id"], extra["order"], extra["name_en"], extra["short_name_en"], extra["name_zh"] = (
        "open_data", dims["order"].max() + 1, "Open data", "Open data", "开放数据")
    dims.loc[dims["id"] == "cyberspace_regulation", "weight"] = 6
    extra["weight"] = 6
    scores = sources.scores.copy()
    half = (scores["cyberspace_regulation"] / 2).round(2)
    scores["open_data"] = (scores["cyberspace_regulation"] - half).round(2)
    scores["cyberspace_regulation"] = half
    return dataclasses.replace(sources, dimensions=pd.concat([dims, extra], ignore_index=True), scores=scores)


def site_data(sources) -> SiteData:
    return SiteData(sources, compute_indices(sources), robust=None, descriptor={}, meta=read_metadata())


def test_a_seventh_dimension_gets_its_own_colour(sources):
    data = site_data(with_seventh_dimension(sources))
    chart = specs.ranking_stacked(data, {}, data.lang("en"), "ranking-stacked")
    scale = colour_scale(chart.spec)
    assert len(scale["domain"]) == 7 and "Open data" in scale["domain"]
    assert len(set(scale["range"])) == 7, scale["range"]  # no colour recycled


def test_the_palette_refuses_more_categories_than_it_can_tell_apart():
    assert categorical(6) == OKABE_ITO[:6]
    with pytest.raises(ValueError, match="9 categories"):
        categorical(9)


def test_the_stacked_ranking_axis_and_height_follow_the_data(sources):
    data = site_data(sources)
    chart = specs.ranking_stacked(data, {}, data.lang("en"), "ranking-stacked")
    x = next(enc for enc in find(chart.spec, "x") if isinstance(enc, dict) and "scale" in enc)
    leader = data.indices.scores["total"].max()
    assert x["scale"]["domain"] == [0, -(-leader // 10) * 10]  # the leader's total rounded up to the next 10
    assert next(find(chart.spec, "height")) == len(data.indices.scores) * 16


def test_captions_word_their_claims_from_the_data(sources):
    data = site_data(sources)
    L = data.lang("en")
    caption = specs.ranking_stacked(data, {}, L, "x").alt
    weight = int(sources.dimensions.set_index("id").loc["internet_application", "weight"])
    assert f"Internet application is the largest part of every total (weight {weight} %)" in caption
    # move 7 points of Beijing's from Internet application to infrastructure (its total unchanged):
    # infrastructure becomes its largest part, so the claim must turn into a count
    scores = sources.scores.copy()
    beijing = scores["adcode"] == "110000"
    scores.loc[beijing, "infrastructure"] += 7
    scores.loc[beijing, "internet_application"] -= 7
    assert (scores.loc[beijing, "infrastructure"] > scores.loc[beijing, "internet_application"]).all()
    changed = site_data(dataclasses.replace(sources, scores=scores))
    caption = specs.ranking_stacked(changed, {}, changed.lang("en"), "x").alt
    assert "Internet application is the largest part of 30 of the 31 totals" in caption, caption
    totals = data.indices.scores.groupby("region")["total"]
    spread = (totals.max() - totals.min()).sort_values()
    widest = spread.index[-1]
    regions = specs.regions_total(data, {}, L, "regions-total").alt
    assert (f"The {widest} has the widest spread ({totals.min()[widest]:.2f} to {totals.max()[widest]:.2f})"
            in regions), regions
