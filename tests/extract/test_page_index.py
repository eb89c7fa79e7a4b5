"""The page index answers the same whether it indexes everything or only what it is told to."""

from __future__ import annotations

import pytest

from newscrawl.extract.article import INDEXED_CLASSES, INDEXED_TAGS
from newscrawl.extract.index import PageIndex, parse_html
from newscrawl.extract.layouts import LAYOUTS

PAGE = """<html lang="en"><head><title>T</title><meta name="description" content="d">
<link rel="canonical" href="/en/x/y"><!-- a comment --></head>
<body><div class="news-detail"><div class="news-detail__head">
<ul class="news__date"><li>23 October, 2025</li><li>20:02</li></ul></div>
<div class="news-detail__desc news-detail__desc"><p>One</p><p class="other">Two</p>
<div class="tags"><a href="/t/1">A</a><a href="/t/2">B</a></div></div>
<div class="tags"><a href="/t/3">C</a></div></div>
<div class="sidebar other"><p>Side</p></div><div class="copy-url" data-url="x/123"></div>
</body></html>"""

SELECTORS = sorted(
    {css for layout in LAYOUTS for css in layout.selectors()}
    | {".other", "p", "div.other", ".sidebar p", "li", ".copy-url", "a"}
)


@pytest.mark.parametrize("css", SELECTORS)
def test_restricted_index_selects_like_the_full_one(css: str) -> None:
    root = parse_html(PAGE)
    full = PageIndex(root)
    restricted = PageIndex(root, tags=INDEXED_TAGS, classes=INDEXED_CLASSES)
    assert restricted.select(css) == full.select(css)


def test_what_is_indexed() -> None:
    root = parse_html(PAGE)
    index = PageIndex(root, tags=("meta", "link"), classes=frozenset({"tags", "news-detail__desc"}))
    assert sorted(index.by_tag) == ["link", "meta"]
    assert sorted(index.by_class) == ["news-detail__desc", "tags"]
    assert len(index.by_class["news-detail__desc"]) == 1  # its class named twice: filed once
    assert len(index.by_class["tags"]) == 2
    nothing = PageIndex(root, tags=(), classes=frozenset())
    assert nothing.by_tag == {} and nothing.by_class == {}
    assert [e.text for e in nothing.select(".sidebar p")] == ["Side"]  # found by a scan
    assert [e.text for e in nothing.select("li")] == ["23 October, 2025", "20:02"]
