"""The article extractor alone, beside ``trafilatura.extract``, on the same replica pages.

Pages are fetched once from the replica (a sample spread over the three editions and every
layout the replica serves), decoded as the spider decodes them, then each extractor is called
once per page, in turn on the same page, after a warm-up pass. Times are wall-clock per call
(``time.perf_counter``) in this single process while nothing else runs.
"""

from __future__ import annotations

import statistics
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from random import Random
from types import ModuleType

import lxml.html

from newscrawl.extract.article import ExtractionError, extract_article
from newscrawl.site import SiteUrls, parse_iso


@dataclass
class Timing:
    """Per-page times of one extractor, in milliseconds."""

    name: str
    times_ms: list[float]
    failures: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p99(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.times_ms)


@dataclass
class ExtractorComparison:
    pages: int
    bytes_total: int
    ours: Timing
    trafilatura: Timing | None
    trafilatura_error: str | None = None
    #: ``lxml.html.fromstring`` alone: the floor of any lxml-based extractor on these pages.
    parse_only: Timing | None = None
    #: Each extractor over all the pages in a row (warm caches), after the page-by-page turns.
    ours_in_a_row: Timing | None = None
    trafilatura_in_a_row: Timing | None = None


def fetch_pages(urls: Sequence[str], timeout: float = 30) -> list[tuple[str, str]]:
    """(url, decoded HTML) of each page; UTF-8 first, like ``newscrawl.extract.text``."""
    pages: list[tuple[str, str]] = []
    for url in urls:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body: bytes = response.read()
        try:
            html = body.decode("utf-8")
        except UnicodeDecodeError:
            html = body.decode("cp1252", "replace")
        pages.append((url, html))
    return pages


def sample_urls(urls: Sequence[str], count: int, seed: int = 1) -> list[str]:
    """A reproducible sample of ``count`` URLs (all of them when there are fewer)."""
    chosen = list(urls)
    if len(chosen) <= count:
        return chosen
    return sorted(Random(seed).sample(chosen, count))


#: Rounds of the in-a-row passes (each extractor over every page, in turn).
IN_A_ROW_ROUNDS = 3


def _faster(kept: Timing | None, new: Timing) -> Timing:
    return new if kept is None or new.median < kept.median else kept


def _timed(function: Callable[[], object]) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        function()
        ok = True
    except ExtractionError:
        ok = False
    return (time.perf_counter() - started) * 1000, ok


def compare_extractors(pages: Sequence[tuple[str, str]], base_url: str) -> ExtractorComparison:
    """Time ``extract_article`` and ``trafilatura.extract`` on each page."""
    site = SiteUrls(base_url)
    trafilatura: ModuleType | None
    error: str | None = None
    try:
        import trafilatura
    except ImportError as exc:  # a dev-only dependency
        trafilatura = None
        error = f"trafilatura not installed ({exc}); pip install -e '.[dev]'"

    def ours(url: str, html: str) -> Callable[[], object]:
        return lambda: extract_article(html, url, site)

    def parse(html: str) -> Callable[[], object]:
        return lambda: lxml.html.fromstring(html)

    def theirs(url: str, html: str) -> Callable[[], object]:
        assert trafilatura is not None
        return lambda: trafilatura.extract(html, url=url)

    for url, html in pages[:20]:  # warm-up: imports, regex and selector caches
        _timed(ours(url, html))
        if trafilatura is not None:
            _timed(theirs(url, html))
    our_timing = Timing("newscrawl extract_article", [])
    their_timing = Timing("trafilatura.extract", []) if trafilatura is not None else None
    parse_timing = Timing("HTML parse alone (lxml.html.fromstring)", [])
    for url, html in pages:
        elapsed, _ = _timed(parse(html))
        parse_timing.times_ms.append(elapsed)
        elapsed, ok = _timed(ours(url, html))
        our_timing.times_ms.append(elapsed)
        our_timing.failures += not ok
        if their_timing is not None:
            elapsed, _ = _timed(theirs(url, html))
            their_timing.times_ms.append(elapsed)
    # In a row: each extractor over all the pages, in turn, IN_A_ROW_ROUNDS times; the round
    # with the lowest median is kept for each (a slow spell of the machine during one pass
    # would otherwise skew the ratio of two passes run one after the other).
    ours_in_a_row: Timing | None = None
    their_row: Timing | None = None
    for _ in range(IN_A_ROW_ROUNDS):
        fresh = SiteUrls(base_url)  # as for pages seen first
        getattr(parse_iso, "cache_clear", lambda: None)()  # when it memoises
        timing = Timing("newscrawl extract_article, pages in a row", [])
        for url, html in pages:
            elapsed, _ = _timed(partial(extract_article, html, url, fresh))
            timing.times_ms.append(elapsed)
        ours_in_a_row = _faster(ours_in_a_row, timing)
        if trafilatura is not None:
            timing = Timing("trafilatura.extract, pages in a row", [])
            for url, html in pages:
                elapsed, _ = _timed(theirs(url, html))
                timing.times_ms.append(elapsed)
            their_row = _faster(their_row, timing)
    return ExtractorComparison(
        ours_in_a_row=ours_in_a_row,
        trafilatura_in_a_row=their_row,
        pages=len(pages),
        bytes_total=sum(len(html.encode("utf-8")) for _, html in pages),
        ours=our_timing,
        trafilatura=their_timing,
        trafilatura_error=error,
        parse_only=parse_timing,
    )
