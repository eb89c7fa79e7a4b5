"""What a canary run saw of each edition (filled by the canary spider, judged by checks.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fetch:
    """One page asked for: its URL, and the status or the error it ended in."""

    url: str
    status: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None

    def describe(self) -> str:
        return self.error or f"{self.status} {self.url}"


@dataclass
class FeedSeen:
    """A feed page or scroll batch: its cards' count and timestamps."""

    fetch: Fetch
    cards: int = 0
    newest: str | None = None
    oldest: str | None = None
    hrefs: list[str] = field(default_factory=list)
    cursor: str | None = None  # scroll batches: the cursor sent
    load_url: str | None = None  # feed pages: the scroll endpoint named


@dataclass
class ArticleSeen:
    """One extracted article: its fields, where each came from, or why it failed."""

    fetch: Fetch
    item: dict[str, Any] | None = None
    sources: dict[str, str] = field(default_factory=dict)
    derived_sources: bool = False
    reject: str | None = None


@dataclass
class EditionSeen:
    """Everything the canary saw of one edition."""

    code: str
    home: Fetch | None = None
    feed_url: str | None = None
    feed_how: str | None = None  # "home link" | "fallback path" | "fallback path (home failed)"
    feed: FeedSeen | None = None
    scroll: FeedSeen | None = None
    rss: Fetch | None = None
    rss_items: int = 0
    articles: list[ArticleSeen] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class CanarySeen:
    """The whole run: per edition, and the site's robots.txt."""

    base_url: str
    user_agent: str
    editions: dict[str, EditionSeen] = field(default_factory=dict)
    robots: Fetch | None = None
    robots_body: bytes = b""
    elapsed: float = 0.0
