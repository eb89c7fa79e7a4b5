"""Walks into the holes of an edition's feed (stretches a cut-short walk left, see
:mod:`newscrawl.state.walks`): the oldest hole first, from its cursor by scrolling, or through
the date archive's days when there is no cursor or scroll endpoint; within
``NEWSCRAWL_HOLE_PAGES`` feed pages per edition and run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

from scrapy.http import Request

from newscrawl.dates import BAKU
from newscrawl.editions import EDITIONS
from newscrawl.spiders.parts import SpiderParts
from newscrawl.state.walks import Hole
from newscrawl.walk import Walk

if TYPE_CHECKING:
    pass


def hole_key(hole: Hole) -> str:
    """The walk key of a walk into ``hole``."""
    return f"hole:{hole.index}"


class HoleWalking(SpiderParts):
    """Mixin of :class:`~newscrawl.spiders.walking.FeedWalking`: the walks into holes."""

    def _hole_budget_left(self, edition: str) -> bool:
        used = self._stat(edition, "hole_pages_requested")
        return used < self.crawler.settings.getint("NEWSCRAWL_HOLE_PAGES", 10)

    def _first_hole_walk(self, edition: str, endpoint: str | None) -> Iterator[Request]:
        """Start on the oldest hole of ``edition`` (when the state has one)."""
        holes = self.incremental.walks(edition).holes()
        if holes:
            yield from self._hole_walk(edition, holes[-1], endpoint)

    def _next_hole_walk(self, closed: Walk, endpoint: str | None) -> Iterator[Request]:
        """After a hole is walked to its end, the next older-but-one: the one above it."""
        assert closed.hole is not None
        holes = self.incremental.walks(closed.edition).holes()
        above = [hole for hole in holes if hole.index < closed.hole.index]
        if above:
            yield from self._hole_walk(closed.edition, above[-1], endpoint)

    def _hole_walk(self, edition: str, hole: Hole, endpoint: str | None) -> Iterator[Request]:
        """The first requests of a walk into ``hole``: from its cursor by scrolling, or by
        the date archive's days when there is no cursor or scroll endpoint."""
        if not self._hole_budget_left(edition):
            return
        key = hole_key(hole)
        walk = self.crawl_state.progress.start(edition, key, hole)
        self.logger.info(
            "%s: walking the hole %s .. %s in the feed", edition, hole.bottom, hole.top
        )
        endpoint = endpoint or self.incremental.scroll_url(edition)
        if hole.cursor is not None and endpoint is not None:
            self._inc(edition, "hole_pages_requested")
            yield self._scroll_request(edition, endpoint, hole.cursor, 1, key)
            return
        prefix = EDITIONS[edition].prefix
        day, last = hole.top.astimezone(BAKU).date(), hole.bottom.astimezone(BAKU).date()
        page = 0
        while day >= last and self._hole_budget_left(edition):
            page += 1
            self._inc(edition, "hole_pages_requested")
            url = self.site.url(f"{prefix}/archive/{day:%Y/%m/%d}")
            yield self._feed_request(edition, url, page=page, walk=key, dont_filter=True)
            day -= timedelta(days=1)
        walk.hole = Hole(hole.index, hole.top, hole.bottom, None, hole.since)
