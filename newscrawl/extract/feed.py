"""Feed pages, scroll batches and home pages: cards, the scroll endpoint, the feed link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from parsel import Selector

from newscrawl.dates import DateError, parse_site_date
from newscrawl.editions import Edition
from newscrawl.extract.text import element_text

#: Most cards read from one page or batch; a larger page is cut, with a warning.
MAX_CARDS_PER_PAGE = 500


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


def _badges(card: Selector, edition: Edition) -> list[str]:
    """Badges are short labels (Photo, Video) anywhere in the card except title/category/date."""
    found: list[str] = []
    labels = edition.badge_labels
    candidates = card.css(
        ".news__badge, .news__type, .badge, [class*=badge], [class*=label], span, i, div"
    )
    for node in candidates:
        classes = node.attrib.get("class", "")
        if any(name in classes for name in ("news__title", "news__category", "news__date")):
            continue
        text = element_text(node.root).lower()
        badge = labels.get(text)
        if badge is None:
            for cls in classes.lower().split():
                if cls.endswith(("photo", "video", "foto")):
                    badge = "video" if "video" in cls else "photo"
        if badge and badge not in found:
            found.append(badge)
    return found


def _image(card: Selector) -> str | None:
    for img in card.css("img"):
        for attribute in ("data-src", "data-original", "src"):
            value = (img.attrib.get(attribute) or "").strip()
            if value and not value.startswith("data:"):
                return value
    return None


def parse_card(card: Selector, edition: Edition) -> FeedCard | None:
    """One ``div.index-post-block``; None when it has no link."""
    href = card.css("a.news__item::attr(href)").get() or card.css("a::attr(href)").get()
    if not href or not href.strip():
        return None
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
    title_node = card.css(".news__title")
    category_node = card.css(".news__category")
    return FeedCard(
        href=href.strip(),
        timestamp_raw=timestamp_raw.strip() if timestamp_raw else None,
        published_at=published_at,
        title=element_text(title_node[0].root) or None if title_node else None,
        category=element_text(category_node[0].root) or None if category_node else None,
        badges=_badges(card, edition),
        image=_image(card),
        warnings=warnings,
    )


def parse_feed(html: str, edition: Edition) -> FeedPage:
    """Cards and the scroll endpoint of a feed page or a scroll batch (an HTML fragment)."""
    selector = Selector(text=html or "<html></html>")
    warnings: list[str] = []
    blocks = selector.css(".index-post-block[data-timestamp], .index-post-block")
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
    load_url = selector.css(".loadContainer::attr(data-url)").get()
    return FeedPage(cards=cards, load_url=load_url.strip() if load_url else None, warnings=warnings)


def find_feed_link(html: str, edition: Edition) -> str | None:
    """The href of the home page's link to the latest-news feed, found by its visible text."""
    selector = Selector(text=html or "<html></html>")
    wanted = {text.casefold() for text in edition.feed_link_texts}
    for link in selector.css("a[href]"):
        if element_text(link.root).casefold() in wanted:
            return link.attrib["href"].strip()
    for css in ("a.all-news::attr(href)", "a[href*=son-xeberler]::attr(href)"):
        href = selector.css(css).get()
        if href:
            return href.strip()
    return None
