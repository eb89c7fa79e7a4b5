"""What the revisit schedule costs on the live site's volume, by simulation (no network, no
Scrapy): ``python -m tests.bench.revisit_costs`` prints the table of ``docs/operations.md``
("Edits"); ``tests/test_revisits.py`` checks that the table there is this output.

A day of publication times (``per_day`` articles, at seeded random moments) is repeated for
enough days to fill the edit horizon; runs come every ``interval``. Each run fetches the
articles published since the last run (new), and the ones :class:`RevisitPolicy` finds due,
at most ``per_run``. Figures are those of the last day, per edition. A share ``EDITED`` of
the articles (the replica's ~3 %) is edited once in the body alone, at a random age within
``horizon x (1 - share)``; a revisit after the edit is a 200, every other one a 304. How long
a body-only edit waits is measured over every article whose horizon the simulation covers,
for ``SAMPLES`` edit moments each, at random ages within ``horizon x (1 - share)``. The old
mechanism (edit horizon walk of 24 h, 5 re-checks a run, ``max_pages`` 10) is simulated over
the same times for the column beside it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import median

from newscrawl.revisits import Known, RevisitPolicy

FEED_PAGE = 20
EDITED = 0.03
SAMPLES = 5
START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Costs:
    """Requests a day per edition, and how long body-only edits waited (hours)."""

    feed_pages: int
    new: int
    revisits: int
    not_modified: int
    old_total: int
    wait_median: float
    wait_max: float

    @property
    def total(self) -> int:
        return self.feed_pages + self.new + self.revisits


def simulate(
    per_day: int, interval: timedelta, policy: RevisitPolicy | None = None, seed: int = 1
) -> Costs:
    """Simulate the schedule (see the module docstring)."""
    policy = policy or RevisitPolicy()
    assert policy.horizon is not None
    rng = random.Random(seed)
    days = math.ceil(policy.horizon / timedelta(days=1)) + 2
    published = sorted(
        START + timedelta(days=day, seconds=rng.uniform(0, 86400))
        for day in range(days)
        for _ in range(per_day)
    )
    edits = {
        p: p + timedelta(hours=rng.uniform(0, policy.horizon / timedelta(hours=1) * 0.5))
        for p in published
        if rng.random() < EDITED
    }
    last_day = START + timedelta(days=days - 1)
    fetched: dict[datetime, datetime] = {}
    history: dict[datetime, list[datetime]] = {p: [] for p in published}
    feed = new = revisits = not_modified = old = 0
    now, index = START, 0
    while now < START + timedelta(days=days):
        now += interval
        fresh = []
        while index < len(published) and published[index] <= now:
            fresh.append(published[index])
            index += 1
        known = [Known(str(p.timestamp()), p, f) for p, f in fetched.items()]
        due = [datetime.fromtimestamp(float(k.url), UTC) for k in policy.select(known, now)]
        for p in due:
            edit = edits.get(p)
            if now >= last_day and not (edit is not None and fetched[p] < edit <= now):
                not_modified += 1
            fetched[p] = now
            history[p].append(now)
        for p in fresh:
            fetched[p] = now
            history[p].append(now)
        if now >= last_day:
            feed += 1 + len(fresh) // FEED_PAGE
            new += len(fresh)
            revisits += len(due)
            young = sum(1 for p in fetched if now - p <= timedelta(hours=24))
            old += min(10, 1 + young // FEED_PAGE) + min(5, young) + len(fresh)
    waits: list[float] = []
    latest = now - policy.horizon
    for p, times in history.items():
        if p > latest:
            continue
        for _ in range(SAMPLES):
            edit = p + rng.uniform(0, 1 - policy.share) * policy.horizon
            seen = next(t for t in times if t >= edit)
            waits.append((seen - edit) / timedelta(hours=1))
    return Costs(
        feed,
        new,
        revisits,
        not_modified,
        old,
        round(median(waits), 1) if waits else 0.0,
        round(max(waits), 1) if waits else 0.0,
    )


SCHEDULES = (
    ("10 min", timedelta(minutes=10)),
    ("15 min", timedelta(minutes=15)),
    ("hourly", timedelta(hours=1)),
)
VOLUMES = (150, 250)


def table() -> str:
    """The markdown table of ``docs/operations.md`` (defaults: share 0.5, horizon 48 h)."""
    lines = [
        "| schedule | articles a day | feed pages | new | revisits (of them 304) | total now "
        "| before (horizon walk + 5 re-checks) | a body-only edit seen after (median / max) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, interval in SCHEDULES:
        for per_day in VOLUMES:
            c = simulate(per_day, interval)
            lines.append(
                f"| {name} | {per_day} | {c.feed_pages:,} | {c.new:,} | {c.revisits:,} "
                f"({c.not_modified:,}) | {c.total:,} | {c.old_total:,} "
                f"| {c.wait_median} h / {c.wait_max} h |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
