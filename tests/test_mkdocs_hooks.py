"""The table rewriting of scripts/cidi/mkdocs_hooks.py on tiny tables, written as Python-Markdown writes them."""
from __future__ import annotations

from cidi.mkdocs_hooks import fit_tables


def table(columns: int) -> str:
    head = "\n".join(f"<th>H{i}</th>" for i in range(1, columns + 1))
    cells = "\n".join(f"<td>v{i}</td>" for i in range(1, columns + 1))
    return f"<table>\n<thead>\n<tr>\n{head}\n</tr>\n</thead>\n<tbody>\n<tr>\n{cells}\n</tr>\n</tbody>\n</table>"


def test_a_wide_table_stacks_with_each_cell_named_by_its_column():
    out = fit_tables(table(5), "en")
    assert out.startswith('<div class="cidi-table cidi-table--stack"><table id="cidi-table-1" role="table">')
    assert '<td data-label="H3" role="cell"><span class="cidi-cell">v3</span></td>' in out
    assert '<th role="columnheader">H1</th>' in out and '<tr role="row">' in out


def test_a_narrow_table_is_only_wrapped():
    out = fit_tables(table(4), "en")
    assert out == f'<div class="cidi-table cidi-table--plain">{table(4)}</div>'


def test_priority_columns_mark_the_others_and_add_the_button_in_the_page_language():
    source = '<div class="cidi-table-priority" data-keep="1 3">\n' + table(5) + "\n</div>"
    out = fit_tables(source, "zh")
    assert out.startswith('<div class="cidi-table-priority" data-keep="1 3">\n<div class="cidi-table cidi-table--priority">')
    assert '<th>H1</th>' in out and '<th class="cidi-col-more">H2</th>' in out and '<th>H3</th>' in out
    assert '<td class="cidi-col-more" data-label="H5">v5</td>' in out
    assert ('<button type="button" class="cidi-table__more" hidden aria-expanded="false" aria-controls="cidi-table-1" '
            'data-more="显示全部列" data-fewer="显示较少列">显示全部列</button></div>\n</div>') in out


def test_html_tables_of_the_chart_data_are_left_alone():
    data = "<table><thead><tr><th>a</th><th>b</th><th>c</th><th>d</th><th>e</th></tr></thead></table>"
    assert fit_tables(data, "en") == data
