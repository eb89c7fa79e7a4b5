"""The baseline of the benchmark: requests the same pages as ``scrapy crawl report`` and parses
nothing it does not need to find the next link.

home page -> latest-news feed -> scroll batches -> article pages, like the report spider
(with ``-a mode=archive -a since=YYYY-MM-DD -a until=YYYY-MM-DD``: the archive page of each day,
newest day first, -> article pages, as ``scrapy crawl report -a mode=archive`` does):

- the home page's feed link is found with :func:`newscrawl.extract.feed.find_feed_link` (three
  pages in a whole run, so its cost does not matter, and the link is the same by construction);
- feed pages and scroll batches are read with regular expressions over the raw bytes of the
  cards (``.index-post-block`` opening tag, its ``data-timestamp`` and the first ``href``
  after it) and the ``.loadContainer[data-url]``: no HTML parser, no decoding;
- card links are made canonical with :class:`newscrawl.site.SiteUrls`, as the report spider
  does, so both request exactly the same article URLs;
- article pages are not looked at at all (no decoding, no parsing, no item);
- requests get the report spider's priorities (articles before the next feed batch), so both
  crawls keep a similar queue.

Run it as the benchmark does::

    SCRAPY_SETTINGS_MODULE=tests.bench.baseline_settings \\
        scrapy runspider tests/bench/baseline_spider.py -a base_url=http://127.0.0.1:PORT \\
        -a max_pages=1100 -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=0 ...
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import scrapy
from parsel import Selector
from scrapy.http import Request, Response

from newscrawl.extract.feed import find_feed_link
from newscrawl.extract.text import response_text
from newscrawl.site import EDITIONS, Edition, SiteUrls, parse_editions
from newscrawl.spiders import report

#: The report spider's request priorities, so both crawls schedule their requests alike
#: (articles before the next feed batch when the report spider does so).
ARTICLE_PRIORITY: int = getattr(report, "ARTICLE_PRIORITY", 0)

#: The opening tag of a feed card; group 1 is the whole tag.
CARD = re.compile(rb"<div\b([^>]*\bclass\s*=\s*[\"'][^\"']*\bindex-post-block\b[^>]*)>", re.I)
TIMESTAMP = re.compile(rb"\bdata-timestamp\s*=\s*[\"']\s*([^\"']*?)\s*[\"']", re.I)
HREF = re.compile(rb"<a\b[^>]*?\bhref\s*=\s*[\"']\s*([^\"']+?)\s*[\"']", re.I)
LOAD_URL = re.compile(
    rb"<[a-z]+\b[^>]*\bclass\s*=\s*[\"'][^\"']*\bloadContainer\b[^>]*\bdata-url\s*=\s*"
    rb"[\"']\s*([^\"']+?)\s*[\"']",
    re.I,
)
#: A timestamp the report spider can read (what it scrolls on).
READABLE = re.compile(rb"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


def scan_feed(body: bytes) -> tuple[list[tuple[bytes, bytes | None]], bytes | None]:
    """(href, data-timestamp) of each card, and the scroll endpoint, from a feed page's bytes."""
    cards: list[tuple[bytes, bytes | None]] = []
    matches = list(CARD.finditer(body))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        link = HREF.search(body, match.end(), end)
        if link is None:
            continue
        stamp = TIMESTAMP.search(match.group(1))
        cards.append((link.group(1), stamp.group(1) if stamp else None))
    load = LOAD_URL.search(body)
    return cards, load.group(1) if load else None


def archive_days(since: str, until: str) -> list[date]:
    """The days from ``until`` back to ``since`` (the first ten characters of each: the date)."""
    first, last = date.fromisoformat(since[:10]), date.fromisoformat(until[:10])
    return [last - timedelta(days=back) for back in range((last - first).days + 1)]


class BaselineSpider(scrapy.Spider):
    """Same requests as ``report``; callbacks that only find the next links."""

    name = "baseline"

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8765",
        editions: str | None = None,
        max_pages: str | int = 10,
        parse_articles: str | int = 0,
        mode: str = "latest",
        since: str | None = None,
        until: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.site = SiteUrls(base_url)
        self.editions: list[Edition] = parse_editions(editions)
        self.allowed_domains = [self.site.host]
        self.max_pages = int(max_pages)
        self.parse_articles = bool(int(parse_articles))
        self._requested: set[str] = set()
        if mode not in ("latest", "archive") or (mode == "archive" and not (since and until)):
            raise ValueError("mode is latest, or archive with since= and until= (YYYY-MM-DD)")
        self.mode = mode
        self.days = archive_days(since, until) if mode == "archive" and since and until else []

    async def start(self) -> AsyncIterator[Any]:
        for edition in self.editions:
            if self.mode == "archive":
                for day in self.days:
                    yield Request(
                        self.site.url(f"{edition.prefix}/archive/{day:%Y/%m/%d}"),
                        callback=self.parse_feed,
                        cb_kwargs={"page": 1, "cursor": None, "load_url": None},
                    )
                continue
            yield Request(
                self.site.url(edition.home_path),
                callback=self.parse_home,
                cb_kwargs={"edition": edition.code},
            )

    def parse_home(self, response: Response, edition: str) -> Iterator[Request]:
        info = EDITIONS[edition]
        href = find_feed_link(response.text, info)
        url = self.site.absolute(href, response.url) if href else None
        if url is None or not self.site.is_on_site(url):
            url = self.site.url(info.feed_fallback_path)
        yield Request(
            url, callback=self.parse_feed, cb_kwargs={"page": 1, "cursor": None, "load_url": None}
        )

    def parse_feed(
        self, response: Response, page: int, cursor: str | None, load_url: bytes | None
    ) -> Iterator[Request]:
        cards, found_load_url = scan_feed(response.body)
        load_url = found_load_url or load_url  # scroll batches do not repeat it
        if not cards:
            return
        for href, _stamp in cards:
            article = self.site.article_path(
                self.site.absolute(href.decode("utf-8", "replace"), response.url)
            )
            if article is None or article.url in self._requested:
                continue
            self._requested.add(article.url)
            yield Request(article.url, callback=self.parse_article, priority=ARTICLE_PRIORITY)
        if page >= self.max_pages or load_url is None:
            return
        stamps = [s for _, s in cards if s is not None and READABLE.match(s)]
        if not stamps:
            return
        next_cursor = stamps[-1].decode("ascii")
        if next_cursor == cursor:
            return
        endpoint = self.site.absolute(load_url.decode("utf-8"), response.url).split("?", 1)[0]
        yield Request(
            f"{endpoint}?{urlencode({'date': next_cursor, 'oldest': 1})}",
            callback=self.parse_feed,
            cb_kwargs={"page": page + 1, "cursor": next_cursor, "load_url": load_url},
        )

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        """Nothing: the baseline only downloads article pages.

        With ``-a parse_articles=1`` (the "parse floor" of the benchmark): the page is decoded
        and parsed into a :class:`parsel.Selector` (lxml's HTML parser, as Scrapy's own
        ``response.css``), and one small item per page goes through Scrapy's item path to the
        feed given with ``-o``: what any crawler that reads the pages and writes one line per
        article costs at least.
        """
        if self.parse_articles:
            root = Selector(text=response_text(response) or "<html></html>").root
            yield {"url": response.url, "elements": len(root)}
