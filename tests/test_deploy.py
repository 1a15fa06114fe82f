"""Deployable as static files: one site URL, a deployment build that refuses a local one, the host
configuration shipped with the site, the GitHub Pages workflow, no inline script or style left."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cidi import paths
from cidi.deploy import CSP, check_site_url, headers_file, local_hosts_in

# --- make dist --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [None, "", "http://127.0.0.1:8000/", "http://localhost/", "https://[::1]/",
                                 "http://0.0.0.0:8000/", "https://myhost/", "ftp://cidi.example.org/", "cidi.example.org"])
def test_a_deployment_needs_a_public_site_url(url):
    with pytest.raises(SystemExit) as refused:
        check_site_url(url)
    assert "CIDI_SITE_URL" in str(refused.value)


def test_a_public_url_is_accepted_with_a_trailing_slash():
    assert check_site_url("https://cidi.example.org") == "https://cidi.example.org/"
    assert check_site_url("https://example.github.io/cidi/") == "https://example.github.io/cidi/"


@pytest.mark.parametrize("env", [{}, {"CIDI_SITE_URL": "http://127.0.0.1:8000/"}])
def test_make_dist_refuses_to_build_without_a_public_url(env, tmp_path):
    before = sorted(p.name for p in paths.SITE.iterdir()) if paths.SITE.is_dir() else None
    environment = {k: v for k, v in os.environ.items() if k != "CIDI_SITE_URL"} | env
    result = subprocess.run(["make", "--no-print-directory", "dist"], cwd=paths.ROOT, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "CIDI_SITE_URL" in result.stderr
    assert "step load_sources" not in result.stdout  # refused before building anything
    assert (sorted(p.name for p in paths.SITE.iterdir()) if paths.SITE.is_dir() else None) == before


def test_the_local_host_scan_finds_every_spelling(tmp_path):
    (tmp_path / "a.html").write_text('<link rel="canonical" href="http://127.0.0.1:8000/x/">', encoding="utf-8")
    (tmp_path / "b.xml").write_text("<loc>http://localhost:8000/</loc>", encoding="utf-8")
    (tmp_path / "c.json").write_text('{"url": "https://cidi.example.org/"}', encoding="utf-8")
    (tmp_path / "d.txt").write_text("see https://localhost.example.org/ and 10.127.0.0.1", encoding="utf-8")
    assert local_hosts_in(tmp_path) == ["a.html: http://127.0.0.1", "b.xml: http://localhost"]


@pytest.mark.slow
def test_a_deployment_build_names_no_local_host(tmp_path):
    """The whole site built for https://cidi.example.org/ (``python -m cidi.build`` with the address, into a
    temporary folder; ``make dist`` runs the same build and this same scan)."""
    site = tmp_path / "site"
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT / "scripts"), "CIDI_SITE_URL": "https://cidi.example.org/"}
    result = subprocess.run([sys.executable, "-m", "cidi.build", "--no-png", "--site", str(site)],
                            capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, result.stderr
    assert local_hosts_in(site) == []
    data_page = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert 'base = "https://cidi.example.org/data/"' in data_page.replace("&quot;", '"') or \
        "https://cidi.example.org/data/" in data_page
    assert "<loc>https://cidi.example.org/" in (site / "sitemap.xml").read_text(encoding="utf-8")


# --- the host configuration --------------------------------------------------------------------

def parse_headers(text: str) -> dict[str, dict[str, str]]:
    rules: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            current = rules.setdefault(line, {})
        else:
            name, value = line.strip().split(": ", 1)
            current[name] = value
    return rules


def test_headers_send_the_policy_and_utf8_for_the_files_people_open(site_dir):
    rules = parse_headers((site_dir / "_headers").read_text(encoding="utf-8"))
    assert rules["/*"] == {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                           "Referrer-Policy": "strict-origin-when-cross-origin"}
    assert rules["/data/README.md"] == {"Content-Type": "text/markdown; charset=utf-8"}
    assert rules["/data/scores.csv"] == {"Content-Type": "text/csv; charset=utf-8"}
    assert rules["/data/datapackage.json"] == {"Content-Type": "application/json; charset=utf-8"}
    for csv in (site_dir / "data").glob("*.csv"):
        assert f"/data/{csv.name}" in rules, csv.name
    assert len(rules) <= 100  # Cloudflare Pages reads at most 100 rules
    assert all(pattern.count("*") <= 1 for pattern in rules)  # and one splat per rule


def test_the_data_charts_and_oembed_answers_can_be_fetched_from_another_site(site_dir):
    """A CMS's editor fetches oembed.json from the browser, and a notebook fetches a CSV: both need CORS."""
    rules = parse_headers((site_dir / "_headers").read_text(encoding="utf-8"))

    def headers_for(path: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for pattern, headers in rules.items():
            if re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), path):
                found.update(headers)
        return found

    shared = [next((site_dir / "embed").glob("*/oembed.json")), next((site_dir / "zh" / "embed").glob("*/oembed.json")),
              site_dir / "data" / "scores.csv", site_dir / "data" / "datapackage.json",
              next((site_dir / "charts").glob("*.csv")), next((site_dir / "zh" / "charts").glob("*.vg.json"))]
    for path in shared:
        assert headers_for("/" + path.relative_to(site_dir).as_posix()).get("Access-Control-Allow-Origin") == "*", path
    assert "Access-Control-Allow-Origin" not in headers_for("/provinces/guangdong/")  # the site's own pages: not needed


def test_only_fingerprinted_files_are_cached_for_a_year(site_dir):
    rules = parse_headers((site_dir / "_headers").read_text(encoding="utf-8"))
    cached = [p for p, h in rules.items() if "immutable" in h.get("Cache-Control", "")]
    assert "/assets/javascripts/" + next((site_dir / "assets" / "javascripts").glob("bundle.*.min.js")).name in cached
    for pattern in cached:
        assert re.search(r"\.[0-9a-f]{8}\.min\.(js|css)$", pattern), pattern
        assert (site_dir / pattern.lstrip("/")).is_file()
    assert not any("cidi.js" in p or "vega" in p for p in cached)  # our own files keep their names across changes


def test_headers_file_is_written_from_the_tree(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "main.0123abcd.min.css").write_text("", encoding="utf-8")
    (tmp_path / "assets" / "cidi.css").write_text("", encoding="utf-8")
    rules = parse_headers(headers_file(tmp_path))
    assert rules["/data/a.csv"] == {"Content-Type": "text/csv; charset=utf-8"}
    assert "/assets/main.0123abcd.min.css" in rules and "/assets/cidi.css" not in rules


# --- the GitHub Pages workflow ----------------------------------------------------------------

def test_the_pages_workflow_is_valid_yaml_that_builds_with_make_dist_and_publishes_build_site():
    workflow = yaml.safe_load((paths.ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"push", "workflow_dispatch"}  # YAML 1.1 reads the key `on` as True
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = workflow["jobs"]["build"]["steps"]
    run = next(step for step in build if step.get("run") == "make dist")
    assert run["env"]["CIDI_SITE_URL"].startswith("${{ steps.pages.outputs.base_url }}")
    assert any(step.get("id") == "pages" and step["uses"].startswith("actions/configure-pages@") for step in build)
    upload = next(step for step in build if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "build/site"
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "uses" in step or "run" in step
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


# --- nothing inline that the policy blocks -----------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I)


def test_no_page_has_an_inline_script_a_style_element_or_a_style_attribute(site_dir):
    offenders = []
    for page in sorted(site_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        body = re.sub(r"<pre\b.*?</pre>", "", text, flags=re.S)  # embed codes shown as text are not markup
        for pattern, what in ((INLINE_SCRIPT, "inline script"), (re.compile(r"<style\b", re.I), "<style>"),
                              (re.compile(r"<[a-z][^>]*\sstyle=\"", re.I), "style attribute"),
                              (re.compile(r"\son[a-z]+=\"", re.I), "event handler attribute")):
            match = pattern.search(body)
            if match:
                offenders.append(f"{page.relative_to(site_dir)}: {what} {match.group(0)[:60]}")
    assert offenders == [], offenders[:10]


def test_the_vega_expression_interpreter_is_served_beside_vega(site_dir):
    interpreter = (site_dir / "assets" / "js" / "vega-interpreter.js").read_text(encoding="utf-8")
    assert "window.vega.expressionInterpreter = expression;" in interpreter
    assert not re.search(r"^\s*(import|export)\b", interpreter, re.M)  # a plain script, no import map needed
    for script in ("cidi.js", "cidi-embed.js"):
        source = (site_dir / "assets" / "js" / script).read_text(encoding="utf-8")
        assert "expr: vega.expressionInterpreter" in source and "ast: true" in source, script


def test_a_chart_caption_is_the_last_child_of_its_figure(site_dir):
    """HTML allows <figcaption> only as the first or last child of <figure> (the Nu Html Checker's most
    frequent error on the site before): every chart figure ends with its caption, when it has one."""
    for page in ("provinces/guangdong/index.html", "zh/dimensions/innovation/index.html", "index.html"):
        text = (site_dir / page).read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="cidi-chart".*?</figure>', text, flags=re.S)
        assert figures, page
        for figure in figures:
            if "<figcaption" in figure:
                assert re.search(r"</figcaption>\s*</figure>$", figure), page
