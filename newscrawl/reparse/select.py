"""Which archived pages a reparse reads: the latest page of each article, and its feed card.

Records are read in file order (run ids are start times, so oldest first). An article URL
(canonical, on the site) answered 200 with a page that is not a firewall challenge is a
candidate; the latest record of each article within the selection wins. ``since``/``until``
select on the record's date (``WARC-Date``: when the page was fetched), which is known
without extracting anything. Every other HTML page (home, feed, scroll batch) is read for its
cards, so that an article gets the card it was found with (badges, the card's category and
time) as in the crawl.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.archive.location import ArchiveRef, archive_files
from newscrawl.archive.reader import ArchivedResponse, decoded_body, header, iter_responses
from newscrawl.dates import parse_iso
from newscrawl.editions import EDITIONS, Edition
from newscrawl.extract.challenge import challenge_marker
from newscrawl.extract.feed import FeedCard, parse_feed
from newscrawl.urls import SiteUrls

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class ArchivedArticle:
    """The record a reparse extracts one article from."""

    url: str
    language: str
    ref: ArchiveRef
    date: str


@dataclass
class Selection:
    """The articles to extract again, with their cards, and what was read."""

    site: SiteUrls
    articles: dict[str, ArchivedArticle] = field(default_factory=dict)
    cards: dict[str, FeedCard] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    responses: int = 0


def _site_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _edition_of_page(url: str) -> Edition:
    first = urlsplit(url).path.strip("/").split("/", 1)[0]
    return EDITIONS.get(first, EDITIONS["az"]) if first in ("en", "ru") else EDITIONS["az"]


def _is_html(response: ArchivedResponse) -> bool:
    kind = (header(response, "content-type") or "").split(";", 1)[0].strip().lower()
    return kind in HTML_TYPES


def _text(response: ArchivedResponse) -> str | None:
    body = decoded_body(response)
    if body is None:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def detect_site(files: list[Path]) -> str | None:
    """The site root most article records of ``files`` belong to (None: no records)."""
    counts: Counter[str] = Counter()
    for path in files:
        for response in iter_responses(path):
            if response.status == 200:
                counts[_site_of(response.url)] += 1
    return counts.most_common(1)[0][0] if counts else None


def select(
    directory: Path,
    site: SiteUrls,
    *,
    run_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    editions: list[Edition] | None = None,
) -> Selection:
    """Read the archive files of ``run_id`` (all runs by default) and choose (module doc)."""
    wanted = {edition.code for edition in editions} if editions else set(EDITIONS)
    selection = Selection(site=site, files=archive_files(directory, run_id))
    for path in selection.files:
        for response in iter_responses(path):
            selection.responses += 1
            if response.status != 200 or not _is_html(response):
                continue
            if not site.is_on_site(response.url):
                continue
            article = site.article_path(response.url)
            if article is None:
                _read_cards(selection, response)
                continue
            if article.edition.code not in wanted:
                continue
            fetched = parse_iso(response.date)
            if (since is not None and fetched < since) or (until is not None and fetched >= until):
                continue
            body = decoded_body(response)
            if body is None or not body.strip():
                continue
            if challenge_marker(response.status, body) is not None:
                continue
            known = selection.articles.get(article.url)
            if known is None or response.date >= known.date:
                selection.articles[article.url] = ArchivedArticle(
                    article.url, article.edition.code, response.ref, response.date
                )
    return selection


def _read_cards(selection: Selection, response: ArchivedResponse) -> None:
    html = _text(response)
    if not html:
        return
    site = selection.site
    for card in parse_feed(html, _edition_of_page(response.url)).cards:
        article = site.article_path(site.absolute(card.href, response.url))
        if article is not None:
            selection.cards[article.url] = card
