"""This run's feed walks, page by page, until every article of a page is handled.

A *walk* is one chain of feed requests of one edition: the ``top`` walk from the newest card
down, or a ``hole`` walk from a hole's cursor down to the older range. Each page records its
card times, its scroll cursor and how many of its article requests are still out; a page whose
articles failed in a way a later run may not meet again (timeouts, 5xx, firewall) is *unclean*.
When the run closes, the stretch of feed a walk covered for good is its leading run of parsed,
finished, clean pages: that is what the state's walked ranges (:mod:`newscrawl.state.walks`)
grow by. A page left out (a kill, a failure, a deadline) stays a hole for the next runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from newscrawl.state.walks import Hole

TOP = "top"


@dataclass
class PageProgress:
    """One feed page (or scroll batch, or archive day) of a walk."""

    oldest: datetime | None = None
    newest: datetime | None = None
    #: The data-timestamp of its last readable card: the cursor of the next batch.
    cursor: str | None = None
    parsed: bool = False
    pending: int = 0
    clean: bool = True

    @property
    def finished(self) -> bool:
        return self.parsed and self.pending == 0 and self.clean


@dataclass
class Walk:
    """One chain of feed pages of one edition (see the module docstring)."""

    edition: str
    key: str
    hole: Hole | None = None
    pages: dict[int, PageProgress] = field(default_factory=dict)
    #: The page at which the walk reached what earlier runs hold (the newest range for the
    #: top walk, the older range for a hole walk), or None.
    reached_at: int | None = None
    #: Why the walk stopped (``known_reached``, ``max_pages``, ``feed_end``, ...).
    stop_reason: str | None = None
    stop_cursor: str | None = None

    def page(self, number: int) -> PageProgress:
        return self.pages.setdefault(number, PageProgress())

    def covered(self) -> tuple[datetime, datetime, str | None, bool] | None:
        """``(newest, oldest, cursor, reached)`` of the leading finished pages, or None when
        not even the first page is finished. ``reached``: they run into the older range."""
        newest: datetime | None = None
        oldest: datetime | None = None
        cursor: str | None = None
        last = self.reached_at if self.reached_at is not None else max(self.pages, default=0)
        for number in range(1, last + 1):
            progress = self.pages.get(number)
            if progress is None or not progress.finished:
                return _result(newest, oldest, cursor, False)
            if progress.oldest is None or progress.newest is None:
                continue  # a page without dated cards (an empty archive day) adds nothing
            newest = progress.newest if newest is None else max(newest, progress.newest)
            oldest, cursor = progress.oldest, progress.cursor
        return _result(newest, oldest, cursor, self.reached_at is not None)


def _result(
    newest: datetime | None, oldest: datetime | None, cursor: str | None, reached: bool
) -> tuple[datetime, datetime, str | None, bool] | None:
    if newest is None or oldest is None:
        return None
    return newest, oldest, cursor, reached


class WalkProgress:
    """Every walk of this run, by edition and key."""

    def __init__(self) -> None:
        self.walks: dict[tuple[str, str], Walk] = {}

    def start(self, edition: str, key: str, hole: Hole | None = None) -> Walk:
        walk = Walk(edition=edition, key=key, hole=hole)
        self.walks[(edition, key)] = walk
        return walk

    def get(self, edition: str, key: str) -> Walk | None:
        return self.walks.get((edition, key))

    def of_edition(self, edition: str) -> list[Walk]:
        return [walk for (code, _), walk in self.walks.items() if code == edition]

    def requested(self, ref: tuple[str, str, int] | None) -> None:
        """An article request of page ``ref`` = (edition, walk key, page) was queued."""
        if ref is not None and (walk := self.get(ref[0], ref[1])) is not None:
            walk.page(ref[2]).pending += 1

    def handled(self, ref: tuple[str, str, int] | None, clean: bool = True) -> None:
        """An article request of page ``ref`` came to its end (an item, a reject, a drop)."""
        if ref is None or (walk := self.get(ref[0], ref[1])) is None:
            return
        progress = walk.page(ref[2])
        progress.pending = max(0, progress.pending - 1)
        progress.clean = progress.clean and clean
