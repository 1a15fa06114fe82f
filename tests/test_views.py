"""The views are the only path from the data to a page: templates print view fields and nothing else."""
from __future__ import annotations

import re

import jinja2
import jinja2.meta
import pytest

from cidi import paths
from cidi.make_pages import environment, template_of
from cidi.views import registry

# what make_pages gives a template: the view's fields, the message catalogue, links and charts
CONTEXT = {"v", "t", "chart", "href", "link", "root", "site_root", "lang", "groups"}
DATA_CALLS = re.compile(r"\.\w+\s*\(|\.i?loc\[")  # a method call or a pandas lookup on data


def templates() -> list[str]:
    names = set()
    for view in registry():
        for lang in ("en", "zh"):
            names.add(template_of(view, lang)[0])
    return sorted(names)


@pytest.mark.parametrize("name", templates())
def test_templates_print_view_fields_only(name):
    env = environment([paths.TEMPLATES, paths.DOCS])
    source = env.loader.get_source(env, name)[0]
    names = jinja2.meta.find_undeclared_variables(env.parse(source))
    assert names <= CONTEXT, f"{name} reaches past its view: {sorted(names - CONTEXT)}"
    expressions = " ".join(re.findall(r"{{.*?}}|{%.*?%}", source, flags=re.S))
    assert not DATA_CALLS.search(expressions), f"{name} computes in the template: {DATA_CALLS.search(expressions).group(0)}"


def test_every_view_has_a_template_in_both_languages():
    for view in registry():
        for lang in ("en", "zh"):
            name, fallback = template_of(view, lang)
            assert not fallback, f"{view.name}: no {lang} version of {view.template}"
            root = paths.TEMPLATES if not view.hand_written else paths.DOCS
            assert (root / name).is_file(), name


def test_chart_ids_and_pages_are_unique_and_derived(sources, indices):
    from cidi.views import SiteData, chart_ids, page_urls
    from cidi.write_package import read_metadata

    data = SiteData(sources, indices, robust=None, descriptor={}, meta=read_metadata())
    urls, ids = page_urls(data), chart_ids(data)
    assert len(urls) == len(set(urls)) and len(ids) == len(set(ids))
    slugs = set(sources.provinces.loc[sources.provinces["assessed"], "slug"])
    assert {u.split("/")[1] for u in urls if re.fullmatch(r"provinces/[^/]+/", u)} == slugs
    assert {f"province-{s}-profile" for s in slugs} <= set(ids)
