"""The listing pages: feed pages, scroll batches and home pages (cards, the scroll endpoint, the
feed link, feed-ish links), the RSS feed and the news sitemap. Pure functions over HTML/XML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from parsel import Selector

from newscrawl.extract.text import element_text, image_url, inside, parse_html
from newscrawl.site import EDITIONS, DateError, Edition, parse_site_date

#: Most cards read from one page or batch; a larger page is cut, with a warning.
MAX_CARDS_PER_PAGE = 500
CARD = ".index-post-block"
SCROLL_CONTAINER = ".loadContainer"
_IMAGE_ATTRIBUTES = ("data-src", "data-original", "src")


@dataclass
class FeedCard:
    """One entry of the latest-news feed, as it travels with the article request."""

    href: str
    timestamp_raw: str | None
    published_at: datetime | None
    title: str | None
    category: str | None
    badges: list[str] = field(default_factory=list)
    image: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class FeedPage:
    """What one feed page or scroll batch holds."""

    cards: list[FeedCard]
    load_url: str | None
    warnings: list[str] = field(default_factory=list)


_CARD_TEXT_CLASSES = ("news__title", "news__category", "news__date")
#: Elements of a card that may be a badge: small inline or block elements that are not its
#: title, category or date (by a class name containing those words).
_BADGE_CANDIDATES = ", ".join(
    tag + "".join(f":not([class*={name}])" for name in _CARD_TEXT_CLASSES)
    for tag in ("span", "i", "div", "em", "b")
)


def _badge_of(node: Selector, labels: dict[str, str]) -> str | None:
    """A short label (Photo, Video) or a class such as ``icon-video``; None otherwise."""
    badge = labels.get(element_text(node.root).lower()) if len(node.root) == 0 else None
    classes = (node.attrib.get("class") or "").lower().split()
    marked = (c for c in classes if c.endswith(("photo", "video", "foto")))
    return badge or next(("video" if "video" in c else "photo" for c in marked), None)


def parse_card(card: Selector, edition: Edition) -> FeedCard | None:
    """One ``div.index-post-block`` (elements inside it only); None without a link."""
    href = inside(card, "a.news__item::attr(href)").get()
    href = href or next(filter(None, inside(card, "a::attr(href)").getall()), None)
    if not href or not href.strip():
        return None
    images = (image_url(img.attrib, _IMAGE_ATTRIBUTES) for img in inside(card, "img"))
    image = next(filter(None, images), None)
    title = category = None
    for node in inside(card, ".news__title, .news__category"):
        tokens = (node.attrib.get("class") or "").split()
        if title is None and "news__title" in tokens:
            title = element_text(node.root) or None
        elif category is None and "news__category" in tokens:
            category = element_text(node.root) or None
    found = (_badge_of(node, edition.badge_labels) for node in inside(card, _BADGE_CANDIDATES))
    badges = list(dict.fromkeys(filter(None, found)))
    warnings: list[str] = []
    timestamp_raw = card.attrib.get("data-timestamp")
    published_at: datetime | None = None
    if timestamp_raw:
        try:
            published_at = parse_site_date(timestamp_raw)
        except DateError as exc:
            warnings.append(f"bad data-timestamp: {exc}")
    else:
        warnings.append("card without data-timestamp")
    return FeedCard(
        href=href.strip(),
        timestamp_raw=timestamp_raw.strip() if timestamp_raw else None,
        published_at=published_at,
        title=title,
        category=category,
        badges=badges,
        image=image,
        warnings=warnings,
    )


def parse_feed(html: str, edition: Edition) -> FeedPage:
    """Cards and the scroll endpoint of a feed page or a scroll batch (an HTML fragment)."""
    page = parse_html(html or "")
    warnings: list[str] = []
    blocks = page.css(CARD)
    if len(blocks) > MAX_CARDS_PER_PAGE:
        warnings.append(f"{len(blocks)} cards on one page; read the first {MAX_CARDS_PER_PAGE}")
        blocks = blocks[:MAX_CARDS_PER_PAGE]
    parsed = [parse_card(block, edition) for block in blocks]
    cards = [card for card in parsed if card is not None]
    warnings += ["card without link skipped"] * (len(parsed) - len(cards))
    load_url = page.css(SCROLL_CONTAINER).attrib.get("data-url")
    return FeedPage(cards=cards, load_url=load_url.strip() if load_url else None, warnings=warnings)


def find_feed_link(html: str, edition: Edition) -> str | None:
    """The href of the home page's link to the latest-news feed, found by its visible text
    (then, failing that, an ``a.all-news`` or a link to ``son-xeberler``)."""
    page = parse_html(html or "")
    wanted = {text.casefold() for text in edition.feed_link_texts}
    for link in page.css("a[href]:not([href=''])"):
        if element_text(link.root).casefold() in wanted:
            return link.attrib["href"].strip()
    fallback = page.css("a.all-news[href]:not([href='']), a[href*=son-xeberler]")
    return fallback.attrib["href"].strip() if fallback else None


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
