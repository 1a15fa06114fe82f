"""MkDocs hooks (``hooks:`` in mkdocs.yml): the HTML the site's strict Content-Security-Policy needs.

Python-Markdown's tables write column alignment as ``style="text-align: right;"``, which
``style-src 'self'`` blocks; each such attribute becomes a class (``cidi-align-right``, styled in
docs/assets/css/cidi.css).
"""
from __future__ import annotations

import re

ALIGN = re.compile(r'<(t[hd]) style="text-align: (left|right|center);">')


def on_page_content(html: str, **kwargs) -> str:
    return ALIGN.sub(r'<\1 class="cidi-align-\2">', html)
