"""Incremental crawling: the least work that still finds everything new.

With a persistent state, a scheduled run
- does not request an article the state already holds when its feed card is unchanged (same
  headline, not newer than the stored time) — unless ``recheck_hours`` asks to re-check
  articles younger than that for edits;
- stops walking an edition's feed at the first batch that reaches back past the top of the feed
  as the last *finished* run saw it (minus ``overlap`` for late or backdated cards). A run that
  was killed or stopped never moves that mark, so the next run walks over its ground again;
- starts at the feed URL it found last time instead of the home page.

The walk marks and feed URLs are kept per site (``base_url``): a state used against another
site (a mirror, the local replica) neither stops that site's walk at a mark of the first one
nor sends the crawl to the first one's feed URL. (Marks kept by a newscrawl from before
per-site keys are not read: the first run after the upgrade walks the feed in full once.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from newscrawl.dates import BAKU, DateError, parse_iso
from newscrawl.extract.feed import FeedCard
from newscrawl.state.store import StateStore, StoredArticle


def _same_headline(card_title: str | None, stored_title: str | None) -> bool:
    if not card_title or not stored_title:
        return True  # nothing to compare: the card gives no sign of an edit
    return " ".join(card_title.split()).casefold() == " ".join(stored_title.split()).casefold()


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_iso(value)
    except DateError:
        return None


@dataclass
class IncrementalPolicy:
    """What an incremental run may skip, decided from the state of earlier runs."""

    state: StateStore
    #: The site the marks belong to (the spider's ``base_url``).
    site: str = ""
    overlap: timedelta = timedelta(minutes=30)
    recheck: timedelta | None = None
    now: datetime | None = None

    def __post_init__(self) -> None:
        self._newest: dict[str, datetime | None] = {}

    @property
    def active(self) -> bool:
        return self.state.persistent

    def _key(self, name: str, language: str) -> str:
        return f"{name}:{language}:{self.site}"

    def walked_to(self, language: str) -> datetime | None:
        """The newest card time the last finished run saw in ``language``'s feed."""
        if language not in self._newest:
            self._newest[language] = _moment(self.state.get_meta(self._key("walked_to", language)))
        return self._newest[language]

    def remember_walk(self, language: str, newest_card: datetime) -> None:
        """Called when a run finished: everything down from ``newest_card`` was fetched."""
        if self.active:
            self.state.set_meta(self._key("walked_to", language), newest_card.isoformat())

    def skip_reason(self, url: str, card: FeedCard | None) -> str | None:
        """Why an article need not be requested, or None when it must be."""
        if not self.active:
            return None
        stored: StoredArticle | None = self.state.get(url)
        if stored is None:
            return None
        if card is not None and not _same_headline(card.title, stored.title):
            return None  # the headline changed on the card: fetch the edit
        stored_time = _moment(stored.published_at)
        card_time = card.published_at if card is not None else None
        if card_time and stored_time and card_time > stored_time + timedelta(minutes=1):
            return None  # the card moved: republished or re-dated
        now = self.now or datetime.now(BAKU)
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
            boundary = min(boundary, (self.now or datetime.now(BAKU)) - self.recheck)
        return min(times) <= boundary

    def feed_url(self, language: str) -> str | None:
        return self.state.get_meta(self._key("feed_url", language)) if self.active else None

    def remember_feed_url(self, language: str, url: str | None) -> None:
        if self.active:
            self.state.set_meta(self._key("feed_url", language), url)
