"""Incremental crawling: the least work that still finds everything new.

With a persistent state, a scheduled run
- does not request an article the state already holds when its feed card is unchanged (same
  headline, not newer than the stored time) — unless ``recheck_hours`` asks to re-check
  articles younger than that for edits;
- stops walking an edition's feed at the first batch that reaches back past the top of the
  newest walked range (minus ``overlap`` for late or backdated cards) — and past the edit
  horizon, within which every run compares the feed cards with the state to catch edited
  headlines. The walked ranges and the holes between them are :mod:`newscrawl.state.walks`;
  a walk cut short leaves a hole that later runs fill;
- re-checks a few known articles inside the horizon each run (the ones checked longest ago
  first), so that edits of the body alone are caught within a bounded time;
- starts at the feed URL it found last time instead of the home page.

The walk marks and feed URLs are kept per site (``base_url``): a state used against another
site (a mirror, the local replica) neither stops that site's walk at a mark of the first one
nor sends the crawl to the first one's feed URL. (Marks kept by a newscrawl from before
per-site keys are not read: the first run after the upgrade walks the feed in full once.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from newscrawl.dates import BAKU, parse_iso_or_none
from newscrawl.extract.feed import FeedCard
from newscrawl.state.store import StateStore, StoredArticle
from newscrawl.state.walks import Walks


def _same_headline(card_title: str | None, stored_title: str | None) -> bool:
    if not card_title or not stored_title:
        return True  # nothing to compare: the card gives no sign of an edit
    return " ".join(card_title.split()).casefold() == " ".join(stored_title.split()).casefold()


@dataclass
class IncrementalPolicy:
    """What an incremental run may skip, decided from the state of earlier runs."""

    state: StateStore
    #: The site the marks belong to (the spider's ``base_url``).
    site: str = ""
    overlap: timedelta = timedelta(minutes=30)
    recheck: timedelta | None = None
    #: Within this age every run compares feed cards with the state (edited headlines).
    horizon: timedelta | None = None
    now: datetime | None = None

    def __post_init__(self) -> None:
        self._walks: dict[str, Walks] = {}

    @property
    def active(self) -> bool:
        return self.state.persistent

    def _key(self, name: str, language: str) -> str:
        return f"{name}:{language}:{self.site}"

    def _now(self) -> datetime:
        return self.now or datetime.now(BAKU)

    def walks(self, language: str) -> Walks:
        """The walked ranges of ``language``'s feed on this site (read once per run)."""
        if language not in self._walks:
            self._walks[language] = (
                Walks.from_json(
                    self.state.get_meta(self._key("walks", language)),
                    legacy_top=self.state.get_meta(self._key("walked_to", language)),
                )
                if self.active
                else Walks()
            )
        return self._walks[language]

    def known_walks(self) -> list[str]:
        """The languages whose walked ranges were read in this run."""
        return sorted(self._walks)

    def save_walks(self, language: str) -> None:
        if self.active and language in self._walks:
            self.state.set_meta(self._key("walks", language), self._walks[language].to_json())
            self.state.set_meta(self._key("walked_to", language), None)

    def walked_to(self, language: str) -> datetime | None:
        """The top of the newest walked range of ``language``'s feed."""
        newest = self.walks(language).newest
        return newest.top if newest is not None else None

    def within_horizon(self, cards: list[FeedCard]) -> bool:
        """True while a batch still holds cards young enough to compare with the state."""
        if self.horizon is None or not self.active:
            return False
        times = [card.published_at for card in cards if card.published_at is not None]
        return bool(times) and min(times) > self._now() - self.horizon

    def recheck_candidates(self, language: str, limit: int) -> list[str]:
        """Up to ``limit`` known articles of ``language`` inside the horizon, the one
        fetched longest ago first."""
        if self.horizon is None or not self.active or limit <= 0:
            return []
        oldest = (self._now() - self.horizon).astimezone(BAKU)
        return self.state.least_recently_seen(language, self.site, oldest.isoformat(), limit)

    def headline_changed(self, url: str, card: FeedCard | None) -> bool:
        """True when ``card`` shows a headline other than the one the state holds."""
        if not self.active or card is None:
            return False
        stored = self.state.get(url)
        return stored is not None and not _same_headline(card.title, stored.title)

    def skip_reason(self, url: str, card: FeedCard | None) -> str | None:
        """Why an article need not be requested, or None when it must be."""
        if not self.active:
            return None
        stored: StoredArticle | None = self.state.get(url)
        if stored is None:
            return None
        if card is not None and not _same_headline(card.title, stored.title):
            return None  # the headline changed on the card: fetch the edit
        stored_time = parse_iso_or_none(stored.published_at)
        card_time = card.published_at if card is not None else None
        if card_time and stored_time and card_time > stored_time + timedelta(minutes=1):
            return None  # the card moved: republished or re-dated
        now = self._now()
        if (
            self.recheck is not None
            and stored_time is not None
            and now - stored_time <= self.recheck
        ):
            return None  # young enough to be re-checked for edits
        return "known"

    def feed_reached_known(self, language: str, cards: list[FeedCard]) -> bool:
        """True when this batch reaches back past what earlier runs already hold."""
        if not self.active:
            return False
        newest = self.walked_to(language)
        times = [card.published_at for card in cards if card.published_at is not None]
        if newest is None or not times:
            return False
        boundary = newest - self.overlap
        if self.recheck is not None:  # keep walking while cards are young enough to re-check
            boundary = min(boundary, self._now() - self.recheck)
        return min(times) <= boundary

    def scroll_url(self, language: str) -> str | None:
        """The scroll endpoint last seen on ``language``'s feed (for walks into holes)."""
        return self.state.get_meta(self._key("scroll_url", language)) if self.active else None

    def remember_scroll_url(self, language: str, url: str) -> None:
        if self.active and url != self.scroll_url(language):
            self.state.set_meta(self._key("scroll_url", language), url)

    def feed_url(self, language: str) -> str | None:
        return self.state.get_meta(self._key("feed_url", language)) if self.active else None

    def remember_feed_url(self, language: str, url: str | None) -> None:
        if self.active:
            self.state.set_meta(self._key("feed_url", language), url)
