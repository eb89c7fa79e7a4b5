"""Feed pages, scroll batches and home pages: cards, the scroll endpoint, the feed link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml.etree import _Element as HtmlElement

from newscrawl.dates import DateError, parse_site_date
from newscrawl.editions import Edition
from newscrawl.extract.index import PageIndex, parse_html
from newscrawl.extract.text import element_text

#: Most cards read from one page or batch; a larger page is cut, with a warning.
MAX_CARDS_PER_PAGE = 500
#: The classes a feed page is read by: its cards and the scroll container.
FEED_CLASSES = frozenset({"index-post-block", "loadContainer"})


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


def _badge_of(node: HtmlElement, classes: str, labels: dict[str, str]) -> str | None:
    """A short label (Photo, Video) or a class such as ``icon-video``; None otherwise."""
    badge = labels.get(element_text(node).lower()) if len(node) == 0 else None
    if badge is None:
        for cls in classes.lower().split():
            if cls.endswith(("photo", "video", "foto")):
                return "video" if "video" in cls else "photo"
    return badge


def _image_url(img: HtmlElement) -> str | None:
    for attribute in ("data-src", "data-original", "src"):
        value = (img.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


def parse_card(card: HtmlElement, edition: Edition) -> FeedCard | None:
    """One ``div.index-post-block``, read in a single pass over its elements; None without link."""
    href = title = category = image = None
    any_href: str | None = None
    badges: list[str] = []
    for node in card.iterdescendants():
        tag = node.tag
        if not isinstance(tag, str):
            continue
        classes = node.get("class") or ""
        tokens = classes.split()
        if tag == "a":
            if href is None and "news__item" in tokens:
                href = node.get("href")
            any_href = any_href or node.get("href")
        elif tag == "img":
            image = image or _image_url(node)
        if title is None and "news__title" in tokens:
            title = element_text(node) or None
        elif category is None and "news__category" in tokens:
            category = element_text(node) or None
        elif tag in ("span", "i", "div", "em", "b") and not any(
            name in classes for name in _CARD_TEXT_CLASSES
        ):
            badge = _badge_of(node, classes, edition.badge_labels)
            if badge and badge not in badges:
                badges.append(badge)
    href = href or any_href
    if not href or not href.strip():
        return None
    warnings: list[str] = []
    timestamp_raw = card.get("data-timestamp")
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
    index = PageIndex(parse_html(html or ""), tags=(), classes=FEED_CLASSES)
    warnings: list[str] = []
    blocks = index.by_class.get("index-post-block", [])
    if len(blocks) > MAX_CARDS_PER_PAGE:
        warnings.append(f"{len(blocks)} cards on one page; read the first {MAX_CARDS_PER_PAGE}")
        blocks = blocks[:MAX_CARDS_PER_PAGE]
    cards = []
    for block in blocks:
        card = parse_card(block, edition)
        if card is None:
            warnings.append("card without link skipped")
        else:
            cards.append(card)
    containers = index.by_class.get("loadContainer", [])
    load_url = containers[0].get("data-url") if containers else None
    return FeedPage(cards=cards, load_url=load_url.strip() if load_url else None, warnings=warnings)


def find_feed_link(html: str, edition: Edition) -> str | None:
    """The href of the home page's link to the latest-news feed, found by its visible text
    (then, failing that, an ``a.all-news`` or a link to ``son-xeberler``)."""
    links = [a for a in parse_html(html or "").iter("a") if a.get("href")]
    wanted = {text.casefold() for text in edition.feed_link_texts}
    for link in links:
        if element_text(link).casefold() in wanted:
            return str(link.get("href")).strip()
    for link in links:
        if "all-news" in (link.get("class") or "").split() or "son-xeberler" in link.get("href"):
            return str(link.get("href")).strip()
    return None
