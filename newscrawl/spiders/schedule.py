"""What a scheduled run of the ``report`` spider adds to the feed walk: the re-check rotation
of known articles inside the edit horizon (edits of the body show on no feed card), and the
run deadline (``NEWSCRAWL_RUN_DEADLINE_SECONDS``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from scrapy.http import Request

from newscrawl.extensions.later import DeferredRequests
from newscrawl.spiders.parts import ARTICLE_PRIORITY, SpiderParts


class ScheduledRun(SpiderParts):
    """Mixin of :class:`~newscrawl.spiders.report.ReportSpider`: re-checks and the deadline."""

    deadline_passed: bool

    def _recheck_requests(self, edition: str) -> Iterator[Request]:
        """A few known articles inside the edit horizon, the ones fetched longest ago first:
        an edit of the body alone shows on no feed card (``NEWSCRAWL_RECHECK_PER_RUN``)."""
        if not self.records_walks:
            return
        limit = self.crawler.settings.getint("NEWSCRAWL_RECHECK_PER_RUN", 5)
        for url in self.incremental.recheck_candidates(edition, limit):
            self._inc(edition, "rechecks")
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_article_error,
                cb_kwargs={"language": edition, "card": None},
                meta={"edition": edition, "recheck": True},
                priority=ARTICLE_PRIORITY,
            )

    def _start_deadline(self) -> None:
        seconds = self.crawler.settings.getfloat("NEWSCRAWL_RUN_DEADLINE_SECONDS", 0)
        if seconds > 0:
            asyncio.get_event_loop().call_later(seconds, self._deadline_reached, seconds)

    def _deadline_reached(self, seconds: float) -> None:
        """No new feed pages from now on; requests waiting for a retry are let go. What was
        not walked stays a hole for the next runs."""
        self.deadline_passed = True
        later = DeferredRequests.of(self.crawler)
        dropped = later.cancel_all() if later is not None else 0
        self.logger.warning(
            "run deadline of %.0f s reached: no more feed pages (%d waiting requests dropped); "
            "the rest is left to the next runs",
            seconds,
            dropped,
        )
