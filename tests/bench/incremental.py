"""Requests per new article in an incremental run, counted from the replica's request log.

A first run fills the state; the replica's clock moves on until some articles are new; a second
run with the same state should fetch each new article once and walk no more of the feed than it
must. The requests it made are sorted by what they asked for (:func:`classify`). The bound of
the target: every new article once, plus the feed pages the run walked, so::

    requests - robots.txt <= new articles + feed pages walked

(per new article: at most 1 + feed pages / new articles). "New" counts the article URLs that
appeared (republished copies included: only their page tells they are copies) and the known
articles whose content the replica changed meanwhile *and* that the run fetched again (their
card shows the change; fetching them is how an edit is picked up). robots.txt is Scrapy's, once
per run and host, and is left out; home pages count against the run: with a state, the spider
remembers each edition's feed URL and needs no home page. Any other request (a known, unchanged
article fetched again, a feed page past the known ones) is beyond the bound.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from tests.bench.measure import Measurement

#: The feed pages of the three editions and their scroll endpoint (tests/site/editions.py).
FEED_PATHS = ("/son-xeberler", "/en/news-feed", "/ru/lenta")
HOME_PATHS = ("", "/az", "/en", "/ru")
KINDS = ("robots", "home", "feed", "article")


def classify(path: str) -> str:
    """``robots``, ``home``, ``feed`` (feed page, scroll batch or archive day) or ``article``."""
    bare = path.split("?", 1)[0]
    if bare == "/robots.txt":
        return "robots"
    trimmed = bare.rstrip("/")
    if trimmed in HOME_PATHS:
        return "home"
    if trimmed in FEED_PATHS or "/infinity/" in bare or "/archive/" in bare:
        return "feed"
    return "article"


@dataclass
class IncrementalRequests:
    """The second run of an incremental pair: what it asked the site for, and what was new."""

    #: Article URLs visible after the clock moved on and not before.
    new_articles: int
    advanced_minutes: float
    #: Requests by kind (:data:`KINDS`), from the replica's log of that run.
    kinds: dict[str, int] = field(default_factory=dict)
    #: Articles the run exported or rejected as duplicates (it saw them).
    found: int = 0
    #: New article URLs the run did not export or reject (missed).
    missed: int = 0
    measurement: Measurement | None = None
    #: Known articles whose content changed meanwhile, and that the run fetched again.
    edited_fetched: int = 0

    @classmethod
    def from_paths(
        cls, paths: list[str], new_articles: int, advanced_minutes: float
    ) -> IncrementalRequests:
        counts = Counter(classify(path) for path in paths)
        return cls(new_articles, advanced_minutes, {kind: counts.get(kind, 0) for kind in KINDS})

    @property
    def requests(self) -> int:
        """Requests to the site but robots.txt."""
        return sum(count for kind, count in self.kinds.items() if kind != "robots")

    @property
    def feed_pages(self) -> int:
        return self.kinds.get("feed", 0)

    @property
    def changed(self) -> int:
        """New articles, and edited ones fetched again: the pages the run had to fetch."""
        return self.new_articles + self.edited_fetched

    @property
    def per_new_url(self) -> float:
        """Requests per new article URL alone (edits not counted)."""
        return self.requests / self.new_articles if self.new_articles else math.nan

    @property
    def per_new_article(self) -> float:
        """Requests per new (or edited and fetched) article: the target's figure."""
        return self.requests / self.changed if self.changed else math.nan

    @property
    def bound(self) -> float:
        """The target's bound per new article: 1 + feed pages walked / new articles."""
        return 1 + self.feed_pages / self.changed if self.changed else math.nan

    @property
    def met(self) -> bool:
        return self.changed > 0 and self.requests <= self.changed + self.feed_pages
