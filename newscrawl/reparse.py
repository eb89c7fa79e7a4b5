"""``scrapy reparse``: the archived pages extracted again with the current code, offline
(README, "Re-extraction without the network"): :func:`select` picks the records,
:class:`ReparseSpider` runs the ``report`` spider's article code over them, each request
answered from its record by :class:`ReplayMiddleware`."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings

from newscrawl.archive import (
    ARCHIVE_META,
    DEFAULT_MAX_BODY,
    REPLAYED_META,
    ArchiveRef,
    archive_dir,
    archived_runs,
    iter_records,
    read_response,
)
from newscrawl.extract.feed import FeedCard, parse_feed
from newscrawl.items import Article, Reject
from newscrawl.limits import OverLimit
from newscrawl.middlewares import challenge_marker
from newscrawl.site import EDITIONS, Edition, SiteUrls, parse_iso
from newscrawl.spiders.report import ReportSpider

#: ``request.meta`` key: the record's WARC-Date (when the page was fetched).
ARCHIVE_DATE_META = "newscrawl_archive_date"
HTML_TYPES = ("text/html", "application/xhtml+xml")


def matching_runs(directory: Path, prefix: str) -> list[str]:
    """The archived runs whose id is ``prefix``, else those whose id starts with it (run ids
    end in ``-<pid or job>``, so a start time names its run)."""
    runs = archived_runs(directory)
    return [run for run in runs if run == prefix] or [r for r in runs if r.startswith(prefix)]


@dataclass
class Selection:
    """The articles to extract again (URL -> edition code and record), with their cards."""

    site: SiteUrls
    articles: dict[str, tuple[str, ArchiveRef, str]] = field(default_factory=dict)
    cards: dict[str, FeedCard] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    responses: int = 0
    #: Article records not extracted again: URL -> (edition code, why; e.g. over the limit).
    skipped: dict[str, tuple[str, str]] = field(default_factory=dict)


def detect_site(files: list[Path], limit: int = DEFAULT_MAX_BODY) -> str | None:
    """The site root most answered records of ``files`` belong to (None: no records)."""
    records = (r for path in files for r in iter_records(path, limit))
    answered = (r.url for r in records if r and r.status == 200)
    counts = Counter(f"{parts.scheme}://{parts.netloc}" for parts in map(urlsplit, answered))
    return counts.most_common(1)[0][0] if counts else None


def select(
    files: list[Path],
    site: SiteUrls,
    since: datetime | None = None,
    until: datetime | None = None,
    editions: list[Edition] | None = None,
    limit: int = DEFAULT_MAX_BODY,
    run: str | None = None,
) -> Selection:
    """The latest record (files are read oldest first) of each article page of ``editions``
    answered 200, not a firewall challenge, fetched (``WARC-Date``) within ``since``/``until``;
    the other HTML pages (home, feed, scroll) are read for their cards, so that an article gets
    the card it was found with (badges, category) as in a crawl. No body is read or inflated
    past ``limit`` bytes: such an article record is ``skipped`` with its reason. A revisit
    record counts as its page, with the payload it refers to; ``run``: only its records."""
    wanted = {edition.code for edition in editions or EDITIONS.values()}
    selection = Selection(site=site, files=files)
    for path in files:
        for response in filter(None, iter_records(path, limit)):
            if run is not None and response.run != run:
                continue
            selection.responses += 1
            kind = (response.header("content-type") or "").split(";", 1)[0].strip().lower()
            if response.status != 200 or kind not in HTML_TYPES:
                continue
            if not site.is_on_site(response.url):
                continue
            article = site.article_path(response.url)
            try:
                body = response.decoded_body(limit)
            except OverLimit as exc:
                # (an earlier record of the same article that can be read is extracted instead)
                if (
                    article
                    and article.edition.code in wanted
                    and article.url not in selection.articles
                ):
                    selection.skipped[article.url] = (article.edition.code, str(exc))
                continue
            if article is None:  # a home, feed or scroll page: read for its cards
                first = urlsplit(response.url).path.strip("/").split("/", 1)[0]
                edition = EDITIONS[first] if first in ("en", "ru") else EDITIONS["az"]
                page = (body or b"").decode("utf-8", errors="replace")
                for card in parse_feed(page, edition).cards:
                    found = site.article_path(site.absolute(card.href, response.url))
                    if found is not None:
                        selection.cards[found.url] = card
                continue
            fetched = parse_iso(response.date)
            if article.edition.code not in wanted or not body or not body.strip():
                continue
            if (since and fetched < since) or (until and fetched >= until):
                continue
            if challenge_marker(response.status, body) is not None:
                continue
            known = selection.articles.get(article.url)
            if known is None or response.date >= known[2]:
                entry = (article.edition.code, response.ref, response.date)
                selection.articles[article.url] = entry
                selection.skipped.pop(article.url, None)
    return selection


class ReplayMiddleware:
    """Answers each request from its archive record (``meta["newscrawl_archive"]``); the rest of
    the chain runs on it as on a downloaded page. A request without one is refused, counted."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.directory = archive_dir(crawler.settings) or Path("output") / "archive"
        self.limit = crawler.settings.getint("DOWNLOAD_MAXSIZE", DEFAULT_MAX_BODY)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/archive/{key}")

    def process_request(self, request: Request, spider: Any = None) -> Response:
        ref = request.meta.get(ARCHIVE_META)
        if not ref:
            self._inc("replay_refused")
            raise IgnoreRequest(f"not in the archive (reparse never downloads): {request.url}")
        try:
            archived = read_response(self.directory, ref, self.limit)
        except (OSError, ValueError) as exc:
            self._inc("replay_unreadable")
            raise IgnoreRequest(f"archive record {ref} unreadable: {exc}") from None
        if archived.over_limit:
            self._inc("replay_too_large")
            raise IgnoreRequest(f"archive record {ref} exceeded DOWNLOAD_MAXSIZE ({self.limit} B)")
        request.meta.update({REPLAYED_META: True, ARCHIVE_DATE_META: archived.date})
        self._inc("replayed")
        headers = Headers(archived.headers)
        cls = responsetypes.from_args(headers=headers, url=archived.url, body=archived.body)
        return cls(
            url=archived.url,
            status=archived.status,
            headers=headers,
            body=archived.body,
            flags=["archive"],
            request=request,
            protocol=archived.protocol,
        )


class ReparseSpider(ReportSpider):
    """The ``report`` spider's ``parse_article`` over a :class:`Selection` (module docstring);
    an article's ``crawled_at`` is when its page was fetched, not when it was extracted again."""

    name = "reparse"
    kind = "reparse"
    #: Read by :class:`~newscrawl.pipelines.DedupPipeline`: compare whole records.
    reparse = True
    #: Never grows the state's walked feed ranges.
    records_walks = False

    def __init__(self, selection: Selection, **kwargs: Any) -> None:
        super().__init__(base_url=selection.site.base_url, **kwargs)
        self.selection = selection

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        middlewares = {
            **settings.getdict("DOWNLOADER_MIDDLEWARES"),
            "newscrawl.reparse.ReplayMiddleware": 990,
            "newscrawl.archive.ArchiveMiddleware": None,
        }
        for name, value in {
            "DOWNLOADER_MIDDLEWARES": middlewares,
            "ROBOTSTXT_OBEY": False,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        }.items():
            settings.set(name, value, priority="spider")

    async def start(self) -> AsyncIterator[Any]:
        if self.crawl_run.failure is not None:  # logged by the run extension
            raise CloseSpider(self.crawl_run.failure_reason)
        selection = self.selection
        self.logger.info(
            "reparse: %d articles from %d archive files (%d responses) of %s",
            *(len(selection.articles), len(selection.files), selection.responses, self.base_url),
        )
        for url, (language, detail) in selection.skipped.items():
            self._inc(language, "found")
            yield self._reject("too_large", url, language, detail, "download")
        for url, (language, ref, _) in selection.articles.items():
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_article_error,
                cb_kwargs={"language": language, "card": selection.cards.get(url)},
                meta={"edition": language, ARCHIVE_META: dict(ref)},
                dont_filter=True,
            )

    def parse_article(
        self, response: Response, language: str, card: FeedCard | None
    ) -> Iterator[Article | Reject | Request]:
        fetched = response.meta.get(ARCHIVE_DATE_META)
        for result in super().parse_article(response, language, card):
            if isinstance(result, Article | Reject) and fetched:
                result.crawled_at = parse_iso(fetched).astimezone(UTC).isoformat("T", "seconds")
            yield result
