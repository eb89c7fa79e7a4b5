"""Finding an edition's articles when the home page's feed link is gone: the feed link of an
article page, feed-ish links of the home page, and the article URLs of the RSS feed and the
news sitemap. Pure functions over HTML/XML text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from parsel import Selector

from newscrawl.editions import EDITIONS, Edition
from newscrawl.extract.text import element_text, parse_html

#: Path words of links that look like a latest-news feed (any edition).
FEEDISH = ("son-xeberler", "latest", "lenta", "news-feed", "all-news", "xeber-lenti")
_FEEDISH = re.compile("|".join(re.escape(word) for word in FEEDISH), re.IGNORECASE)


def _edition_of_path(path: str) -> str:
    for edition in EDITIONS.values():
        if edition.prefix and (path == edition.prefix or path.startswith(edition.prefix + "/")):
            return edition.code
    return "az"


def article_links(html: str) -> list[str]:
    """The hrefs of the feed cards of a page (home, feed), in page order, without repeats."""
    return _unique(parse_html(html or "").css(".index-post-block a[href]::attr(href)").getall())


def heuristic_feed_link(html: str, edition: Edition) -> str | None:
    """A link of ``edition`` whose text is one of the edition's feed link texts (any case,
    inside the text), or whose path holds a feed-ish word (:data:`FEEDISH`); None otherwise."""
    page = parse_html(html or "")
    wanted = [text.casefold() for text in edition.feed_link_texts]
    by_path: str | None = None
    for link in page.css("a[href]"):
        href = (link.attrib.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        path = urlsplit(href).path
        if _edition_of_path(path) != edition.code:
            continue
        text = element_text(link.root).casefold()
        if text and any(word in text for word in wanted):
            return href
        if by_path is None and _FEEDISH.search(path):
            by_path = href
    return by_path


def rss_links(xml: str) -> list[str]:
    """The ``<item><link>`` URLs of an RSS 2.0 document, in order, without repeats."""
    return _unique(Selector(text=xml or "<rss/>", type="xml").xpath("//item/link/text()").getall())


def sitemap_locs(xml: str) -> list[str]:
    """The ``<url><loc>`` URLs of a sitemap (any namespace), in order, without repeats."""
    selector = Selector(text=xml or "<urlset/>", type="xml")
    return _unique(selector.xpath("//*[local-name()='url']/*[local-name()='loc']/text()").getall())


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in values if value.strip()))
