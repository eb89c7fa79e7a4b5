"""The revisit schedule: which known articles a run fetches again to see their edits (pure: no
Scrapy in here).

The rule. An article published at ``p`` and last fetched (200 or 304) at ``f`` is *due* at
``now`` when the time since its last fetch exceeds a share of its age,

    now - f > share * (now - p),

and its age ``now - p`` is within the edit horizon. With ``share`` s an article fetched at age
``a`` is due again at age ``a / (1 - s)`` (``2a`` for the default 0.5): the gaps between fetches
grow with the age, so an article costs about ``log2(horizon / schedule interval)`` revisits
over its horizon (``docs/operations.md``, "Edits").

The latency bound. An edit made at age ``A`` is seen by the first run after the article is due
again: by age ``A / (1 - s) + interval`` at the latest (``2A + interval`` for 0.5), i.e. it
waits at most ``s`` x its age when seen, plus one schedule interval. An edit made after age
``horizon x (1 - s)`` may fall past the horizon and is not promised. Headline edits do not wait
for the schedule: a feed card that shows another headline than the state is fetched at once
(:meth:`newscrawl.planner.Planner.card_status`).

Order and bound. The due articles of an edition go oldest debt first (the one due longest ago:
the largest ``(now - f) - s x (now - p)``), at most ``per_run`` a run; those left over stay due
and lead the next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Known:
    """What the schedule needs of one article of the state."""

    url: str
    published: datetime
    fetched: datetime


@dataclass(frozen=True)
class RevisitPolicy:
    """The revisit rule of the module docstring: ``share`` of the age, within ``horizon``
    (None: no revisits), at most ``per_run`` articles per edition and run."""

    share: float = 0.5
    horizon: timedelta | None = timedelta(hours=48)
    per_run: int = 200

    def oldest(self, now: datetime) -> datetime | None:
        """The earliest publication time still inside the horizon (None: revisits are off)."""
        return None if self.horizon is None else now - self.horizon

    def debt(self, known: Known, now: datetime) -> timedelta:
        """How far past due ``known`` is at ``now`` (due when positive)."""
        return (now - known.fetched) - self.share * (now - known.published)

    def is_due(self, known: Known, now: datetime) -> bool:
        oldest = self.oldest(now)
        if oldest is None or known.published < oldest:
            return False
        return self.debt(known, now) > timedelta(0)

    def select(self, candidates: Iterable[Known], now: datetime) -> list[Known]:
        """The due ones among ``candidates``, oldest debt first, at most ``per_run``."""
        due = [known for known in candidates if self.is_due(known, now)]
        due.sort(key=lambda known: (-self.debt(known, now), known.url))
        return due[: max(0, self.per_run)]
