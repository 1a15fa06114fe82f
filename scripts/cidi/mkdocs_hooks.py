"""MkDocs hooks (``hooks:`` in mkdocs.yml): the HTML the site's strict Content-Security-Policy needs, and
tables that fit a phone.

Python-Markdown's tables write column alignment as ``style="text-align: right;"``, which
``style-src 'self'`` blocks; each such attribute becomes a class (``cidi-align-right``, styled in
docs/assets/css/cidi.css).

Every table of a page's Markdown is wrapped in ``<div class="cidi-table ...">`` and each data cell gets its
column's name (``data-label``), so that on a narrow screen (cidi.css, block "phone: tables, finder") it can
be read without scrolling sideways, in one of two ways:

- *stacked* (``cidi-table--stack``): each row becomes a card, each cell a line with its column's name.
  The default for a table of ``STACK_FROM`` columns or more;
- *priority columns* (``cidi-table--priority``): the columns a reader needs stay, the others (class
  ``cidi-col-more``) are hidden behind a "show all columns" button (docs/assets/js/cidi-tables.js; without
  JavaScript every column shows and the table scrolls). A template asks for it by putting the table in
  ``<div class="cidi-table-priority" data-keep="1 2 5" markdown>`` (the columns to keep, counted from 1).

``<div class="cidi-table-scroll" markdown>`` keeps a table as it is (it scrolls sideways). Tables written as
HTML (the charts' data tables) are not touched.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

ALIGN = re.compile(r'<(t[hd]) style="text-align: (left|right|center);">')
STACK_FROM = 5  # columns; tables of 4 fit a 360 px screen once cell padding shrinks (cidi.css)

# A table of Python-Markdown (``<table>`` then a newline: the charts' data tables, written as HTML by
# make_pages.data_table, have none), optionally inside a template's
# wrapper: <div class="cidi-table-priority" data-keep="1 2 5"> or <div class="cidi-table-scroll">.
TABLE = re.compile(r'(?P<wrap><div class="cidi-table-(?P<mode>priority|scroll)"(?: data-keep="(?P<keep>[\d ]+)")?>\s*)?'
                   r'<table>(?P<body>\n<thead>.*?)</table>', re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<(t[hd])((?: [^>]*)?)>(.*?)</\1>", re.S)
TAG = re.compile(r"<[^>]+>")


@lru_cache(maxsize=None)
def message(key: str, lang: str) -> str:
    from cidi.i18n import read_catalogue
    return read_catalogue()[key][lang]


def label_of(cell_html: str) -> str:
    """A header cell's text, for an attribute."""
    return html.escape(" ".join(html.unescape(TAG.sub("", cell_html)).split()), quote=True)


def with_class(attrs: str, name: str) -> str:
    if 'class="' in attrs:
        return attrs.replace('class="', f'class="{name} ', 1)
    return f'{attrs} class="{name}"'


def rewrite_table(body: str, mode: str, keep: set[int]) -> str:
    """The rows of one table with column names on the data cells and, for priority columns, the extra
    columns marked; for a stacked table, explicit roles (its cells are laid out as blocks on a phone,
    which would otherwise drop the table's semantics in some browsers)."""
    rows = ROW.findall(body)
    header = [label_of(content) for tag, _, content in CELL.findall(rows[0])] if rows else []

    def cell(column: int, tag: str, attrs: str, content: str) -> str:
        if mode == "priority" and column not in keep:
            attrs = with_class(attrs, "cidi-col-more")
        if tag == "td" and column <= len(header) and header[column - 1]:
            attrs += f' data-label="{header[column - 1]}"'
        if mode == "stack":
            attrs += ' role="columnheader"' if tag == "th" else ' role="cell"'
            if tag == "td" and content.strip():  # one box beside the column's name, however many elements the cell holds
                content = f'<span class="cidi-cell">{content}</span>'
        return f"<{tag}{attrs}>{content}</{tag}>"

    def row(match: re.Match) -> str:
        cells = [cell(i, *m.groups()) for i, m in enumerate(CELL.finditer(match.group(1)), start=1)]
        role = ' role="row"' if mode == "stack" else ""
        return f"<tr{role}>\n" + "\n".join(cells) + "\n</tr>"

    body = ROW.sub(row, body)
    if mode == "stack":
        body = body.replace("<thead>", '<thead role="rowgroup">').replace("<tbody>", '<tbody role="rowgroup">')
    return body


def fit_tables(page_html: str, lang: str) -> str:
    count = 0

    def table(match: re.Match) -> str:
        nonlocal count
        body = match.group("body")
        columns = len(CELL.findall(ROW.search(body).group(1))) if ROW.search(body) else 0
        mode = match.group("mode") or ("stack" if columns >= STACK_FROM else "plain")
        if mode in ("scroll", "plain"):
            return f'{match.group("wrap") or ""}<div class="cidi-table cidi-table--{mode}"><table>{body}</table></div>'
        keep = {int(n) for n in (match.group("keep") or "").split()}
        count += 1
        table_id = f"cidi-table-{count}"
        role = ' role="table"' if mode == "stack" else ""
        out = f'<div class="cidi-table cidi-table--{mode}"><table id="{table_id}"{role}>{rewrite_table(body, mode, keep)}</table>'
        if mode == "priority":
            out += (f'<button type="button" class="cidi-table__more" hidden aria-expanded="false" '
                    f'aria-controls="{table_id}" data-more="{html.escape(message("table.more", lang))}" '
                    f'data-fewer="{html.escape(message("table.fewer", lang))}">{message("table.more", lang)}</button>')
        out += "</div>"
        return (match.group("wrap") or "") + out

    return TABLE.sub(table, page_html)


def on_page_content(html: str, page=None, config=None, **kwargs) -> str:
    lang = config.theme["language"] if config is not None else "en"
    return fit_tables(ALIGN.sub(r'<\1 class="cidi-align-\2">', html), "zh" if lang == "zh" else "en")
