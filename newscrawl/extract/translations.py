"""The other editions' versions of an article, from every link of the page that can name them.

Where the site links an article's other editions is not known for sure (``site-facts.md``:
hreflang alternates, a visible block of other-edition titles, a language switcher), so every
on-site link to an article URL of another edition is a candidate. Candidates are ranked:
``link[rel=alternate][hreflang]`` first (source ``meta``), then the layout's translations block
(``selector``), then any other link of the page (``generic``). Links of the latest-news list
and of feed cards are never taken (they are other articles), nor links to the page's own
edition.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml.etree import _Element as HtmlElement
from parsel import Selector, SelectorList

from newscrawl.editions import EDITIONS
from newscrawl.extract.markup import links
from newscrawl.urls import ArticlePath, SiteUrls

#: Rank of each source: a lower one wins when several links name one language.
SOURCE_RANK = {"meta": 0, "selector": 1, "generic": 2}
#: Class-name fragments of news listings (latest news, feed cards) inside an article page.
LISTING_CLASSES = re.compile(r"latest|index-post-block|news__item|news-list|most-read|popular")
#: A list with at least this many items linking to articles of one edition is a listing.
LISTING_MIN_LINKS = 3


@dataclass(frozen=True)
class Translations:
    """Canonical URLs of the other editions by language, and the source each came from."""

    urls: dict[str, str]
    sources: dict[str, str]

    @property
    def source(self) -> str | None:
        """The least trusted source any of the URLs came from (None when there are none)."""
        if not self.sources:
            return None
        return max(self.sources.values(), key=lambda source: SOURCE_RANK[source])


def _classes_of(element: HtmlElement) -> str:
    value = element.get("class")
    return value.lower() if isinstance(value, str) else ""


class _Links:
    """The article paths of a page's links, each href resolved once per page."""

    def __init__(self, site: SiteUrls, page_url: str) -> None:
        self.site = site
        self.page_url = page_url
        self._on_page: dict[str, ArticlePath | None] = {}
        self._on_site: dict[str, ArticlePath | None] = {}

    def on_page(self, href: str) -> ArticlePath | None:
        """The article ``href`` names, joined against the page's URL."""
        if href not in self._on_page:
            self._on_page[href] = self.site.article_path(self.site.absolute(href, self.page_url))
        return self._on_page[href]

    def on_site(self, href: str) -> ArticlePath | None:
        """The article ``href`` names, joined against the site root."""
        if href not in self._on_site:
            self._on_site[href] = self.site.article_path(href)
        return self._on_site[href]


def _article_editions(element: HtmlElement, resolved: _Links) -> set[str]:
    """The editions of the article URLs ``element`` links to."""
    editions = set()
    for anchor in element.iter("a"):
        article = resolved.on_site(anchor.get("href") or "")
        if article is not None:
            editions.add(article.edition.code)
    return editions


def _in_listing(anchor: HtmlElement, resolved: _Links) -> bool:
    """True when the link sits in a news listing: a latest-news/card container by its class,
    or a list of items (the largest block around the link holding no other link, and its
    siblings) most of which link to articles of one edition: a translations block links to
    one article per other edition, a listing to several of one edition."""
    node: HtmlElement | None = anchor
    while node is not None:
        if LISTING_CLASSES.search(_classes_of(node)):
            return True
        node = node.getparent()
    item = anchor
    parent = item.getparent()
    while parent is not None and sum(1 for a in parent.iter("a") if a.get("href")) <= 1:
        item, parent = parent, parent.getparent()
    if parent is None:
        return False
    linked = [
        child
        for child in parent
        if isinstance(child.tag, str) and (child.tag == "a" or child.find(".//a") is not None)
    ]
    per_edition: dict[str, int] = {}
    for child in linked:
        for code in _article_editions(child, resolved):
            per_edition[code] = per_edition.get(code, 0) + 1
    most = max(per_edition.values(), default=0)
    return most >= LISTING_MIN_LINKS and most * 2 > len(linked)


def discover_translations(
    page: Selector,
    block_css: tuple[str, ...],
    site: SiteUrls,
    own_language: str,
    page_url: str,
    select: Callable[[str], SelectorList[Selector]] | None = None,
) -> Translations:
    """The translations of the page: ``block_css`` are the layout's selectors of its block.

    ``select`` evaluates a CSS selector on the page (``page.css`` unless given, e.g. a
    :class:`~newscrawl.extract.page.Page`'s, which evaluates each selector once).
    """
    css = select or page.css
    resolved = _Links(site, page_url)
    urls: dict[str, str] = {}
    sources: dict[str, str] = {}

    def consider(href: str, kind: str, anchor: HtmlElement | None) -> None:
        article = resolved.on_page(href) if href else None
        if article is None or article.edition.code == own_language:
            return
        code = article.edition.code
        if code in urls and SOURCE_RANK[sources[code]] <= SOURCE_RANK[kind]:
            return
        if anchor is not None and _in_listing(anchor, resolved):
            return
        urls[code] = article.url
        sources[code] = kind

    for link in links(page, "alternate"):
        if link.attrib.get("hreflang"):
            consider(link.attrib.get("href") or "", "meta", None)
    block_nodes: set[HtmlElement] = set()
    for block in block_css:
        found = css(block)
        if found:
            for node in found:
                block_nodes.add(node.root)
                consider(node.attrib.get("href") or "", "selector", None)
            break
    # Any other link only names an edition no alternate or block link named (a ``generic``
    # candidate never beats a ``meta`` or ``selector`` one): with every other edition named,
    # the page's links cannot change the result.
    if any(code != own_language and code not in urls for code in EDITIONS):
        for body in css("body")[:1]:
            for anchor in body.root.iter("a"):
                href = anchor.get("href")
                if href and anchor not in block_nodes:
                    consider(href, "generic", anchor)
    ordered = sorted(urls)
    return Translations({c: urls[c] for c in ordered}, {c: sources[c] for c in ordered})
