"""Where the ``report`` spider goes next: a pure walk planner (no Scrapy in here).

A walked range is feed time every card of which some run handled (newest first, in the state's
``meta`` per site and edition). A top walk cut short adds a range above the newest and leaves a
*hole* between them, known by its time span; a walk into it that reaches the older range merges
the two. A walk is one chain of feed pages of one edition (``top``, a hole walk, or ``resumed``:
a paused JOBDIR run's batches); at the close the ranges grow by its leading finished pages.

No listing is taken to be whole: a walk without a cursor (a backfill period of ``mode=archive``,
a hole no cursor reaches) opens with the date archive's listing of its newest day (the site
shows only that day's latest cards there) and scrolls on below its oldest card until the cards
cross the period's start. A backfill's walked periods are ranges of their own (``backfill``
meta key), so a re-run walks only what an earlier one left. A fresh state's first top walk must
reach ``history`` below the feed's newest card: the floor is seeded as an empty range, so a
first walk cut short leaves a hole down to it.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta

from newscrawl.extract.feed import FeedCard
from newscrawl.revisits import Known, RevisitPolicy
from newscrawl.site import BAKU, implausible_date, parse_iso_or_none
from newscrawl.store import StateStore, StoredArticle, Validators

TOP = "top"
#: The key prefix of a walk of a ``mode=archive`` period (then its span).
BACKFILL = "backfill:"
#: The walk of batches a paused (JOBDIR) run had queued, when the job resumes.
RESUMED = "resumed"


# -- walked ranges and holes ------------------------------------------------------------------
@dataclass
class WalkedRange:
    """Feed time from ``bottom`` to ``top`` walked completely."""

    top: datetime
    bottom: datetime
    #: The scroll cursor (a card's ``data-timestamp``) that continues below ``bottom``.
    cursor: str | None = None
    #: When the hole below this range was first recorded (None: no hole below it yet).
    hole_since: datetime | None = None


@dataclass(frozen=True)
class Hole:
    """Feed time between two walked ranges that no run has walked yet (exclusive bounds)."""

    top: datetime
    bottom: datetime
    cursor: str | None
    since: datetime | None

    @property
    def key(self) -> str:
        """The walk key of a walk into this hole: its span."""
        return f"hole:{self.top.isoformat()}/{self.bottom.isoformat()}"

    def as_dict(self) -> dict[str, str | None]:
        """The hole as the stats file reports it."""
        return {
            "from": self.bottom.isoformat(),
            "to": self.top.isoformat(),
            "cursor": self.cursor,
            "since": self.since.isoformat() if self.since else None,
        }


class Walks:
    """The walked ranges of one edition of one site, newest first."""

    def __init__(self, ranges: list[WalkedRange] | None = None) -> None:
        self.ranges: list[WalkedRange] = ranges or []

    @property
    def newest(self) -> WalkedRange | None:
        return self.ranges[0] if self.ranges else None

    def holes(self) -> list[Hole]:
        """The holes, newest first (the oldest is walked first)."""
        return [
            Hole(newer.bottom, older.top, newer.cursor, newer.hole_since)
            for newer, older in zip(self.ranges, self.ranges[1:], strict=False)
        ]

    def record_top_walk(
        self, top: datetime, bottom: datetime, cursor: str | None, reached: bool, now: datetime
    ) -> None:
        """A walk from the top covered ``top`` down to ``bottom``; with ``reached`` it went on
        into the newest range (they join)."""
        newest = self.newest
        if newest is not None and (reached or bottom <= newest.top):
            newest.top = max(newest.top, top)
            return
        if newest is not None and top <= newest.top:
            return  # walked nothing above what is already held
        hole_since = now if newest else None
        self.ranges.insert(0, WalkedRange(top, bottom, cursor, hole_since))

    def record_hole_walk(
        self, hole: Hole, bottom: datetime, cursor: str | None, closed: bool
    ) -> None:
        """A walk into ``hole`` covered it down to ``bottom``; with ``closed`` it reached the
        older range and the two join. A hole already closed (two walks recorded on one hole)
        changes nothing: the ranges are found by the hole's span."""
        pairs = zip(self.ranges, self.ranges[1:], strict=False)
        found = [(n, o) for n, o in pairs if n.bottom == hole.top and o.top == hole.bottom]
        if not found:
            return
        newer, older = found[0]
        if closed:
            older.top = newer.top
            self.ranges.remove(newer)
        elif bottom < newer.bottom:
            newer.bottom, newer.cursor = bottom, cursor

    def add(self, top: datetime, bottom: datetime) -> None:
        """Join ``bottom``..``top`` with the ranges it touches (a backfill's walked period)."""
        for held in [r for r in self.ranges if r.bottom <= top and r.top >= bottom]:
            top, bottom = max(top, held.top), min(bottom, held.bottom)
            self.ranges.remove(held)
        self.ranges.append(WalkedRange(top, bottom))
        self.ranges.sort(key=lambda r: r.top, reverse=True)

    def gaps(self, top: datetime, bottom: datetime) -> list[Hole]:
        """The parts of ``bottom``..``top`` no range holds, newest first."""
        found: list[Hole] = []
        for held in self.ranges:  # newest first
            if held.top <= bottom:
                break  # this range and the rest lie below the span
            if held.top < top:
                found.append(Hole(top, held.top, None, None))
            top = min(top, held.bottom)
            if top <= bottom:
                return found
        return [*found, Hole(top, bottom, None, None)]

    def to_json(self) -> str:
        return json.dumps([asdict(r) for r in self.ranges], default=datetime.isoformat)

    @classmethod
    def from_json(cls, text: str | None, legacy_top: str | None = None) -> Walks:
        """Ranges as stored; ``legacy_top`` is the single walk mark of an older newscrawl,
        read as a range of its own."""
        try:
            raw = json.loads(text) if text else []
        except ValueError:
            raw = []
        ranges: list[WalkedRange] = []
        for entry in raw if isinstance(raw, list) else []:
            if not isinstance(entry, dict):
                continue
            top, bottom = (parse_iso_or_none(entry.get(name)) for name in ("top", "bottom"))
            cursor = entry.get("cursor") if isinstance(entry.get("cursor"), str) else None
            if top is not None and bottom is not None:
                since = parse_iso_or_none(entry.get("hole_since"))
                ranges.append(WalkedRange(top, bottom, cursor, since))
        if not ranges and (legacy := parse_iso_or_none(legacy_top)) is not None:
            ranges.append(WalkedRange(legacy, legacy))
        return cls(ranges)


# -- card dates are claims ---------------------------------------------------------------------
#: How much newer than the walk's previous page's oldest card a card may be and still count
#: (the scroll endpoint repeats the cursor's card; a republished card moves a little).
ORDER_TOLERANCE = timedelta(minutes=1)


def in_order(cards: list[FeedCard], ceiling: datetime | None) -> list[FeedCard]:
    """The dated cards of a page that agree with the feed's order (newest first): none newer
    than ``ceiling`` (the walk's previous page's oldest) by more than :data:`ORDER_TOLERANCE`,
    and of the rest the longest run, in page order, whose times never rise. A card left out (a
    date that jumps up, or one far older than the cards after it) still has its article
    fetched; it only never moves a walk's range, cursor or stop."""
    dated = [
        card
        for card in cards
        if card.published_at is not None
        and (ceiling is None or card.published_at <= ceiling + ORDER_TOLERANCE)
    ]
    # the longest run whose times never rise (at most MAX_CARDS_PER_PAGE cards: quadratic is
    # bounded); of equal runs the one with the oldest top (a jump up is not believed)
    times = [card.published_at for card in dated if card.published_at is not None]
    longest = [1] * len(times)
    for i in range(len(times) - 1, -1, -1):
        for j in range(i + 1, len(times)):
            if times[j] <= times[i] and longest[j] >= longest[i]:
                longest[i] = longest[j] + 1
    if not times:
        return []
    best = max(longest)
    at = min((k for k in range(len(times)) if longest[k] == best), key=lambda k: (times[k], k))
    chain = [dated[at]]
    while longest[at] > 1:
        at = next(
            j
            for j in range(at + 1, len(times))
            if times[j] <= times[at] and longest[j] == longest[at] - 1
        )
        chain.append(dated[at])
    return chain


# -- this run's walks -------------------------------------------------------------------------
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
    #: The page at which the walk reached what earlier runs hold, or None.
    reached_at: int | None = None
    stop_reason: str | None = None
    stop_cursor: str | None = None
    #: Its page 1 is the date archive's listing of a day (not a scroll batch).
    from_listing: bool = False
    #: Cards of its span seen per Baku day: URL -> (day, "listing" or "scroll").
    seen: dict[str, tuple[date, str]] = field(default_factory=dict)

    @property
    def is_hole_walk(self) -> bool:
        return self.key not in (TOP, RESUMED)

    @property
    def is_backfill(self) -> bool:
        return self.key.startswith(BACKFILL)

    def page(self, number: int) -> PageProgress:
        return self.pages.setdefault(number, PageProgress())

    def covered(self) -> tuple[datetime, datetime, str | None, bool] | None:
        """``(newest, oldest, cursor, reached)`` of the leading finished pages, or None when
        not even the first page is finished. ``reached``: they run into the older range."""
        newest: datetime | None = None
        oldest: datetime | None = None
        cursor: str | None = None
        reached = self.reached_at is not None
        last = self.reached_at if self.reached_at is not None else max(self.pages, default=0)
        for number in range(1, last + 1):
            progress = self.pages.get(number)
            if progress is None or not progress.finished:
                reached = False
                break
            if progress.oldest is None or progress.newest is None:
                continue  # a page without dated cards (an empty archive day) adds nothing
            newest = progress.newest if newest is None else max(newest, progress.newest)
            oldest, cursor = progress.oldest, progress.cursor
        if newest is None or oldest is None:
            return None
        return newest, oldest, cursor, reached


def _days(newest: datetime, oldest: datetime) -> list[date]:
    """The Baku days from ``newest`` back to ``oldest``, newest first."""
    day, last = newest.astimezone(BAKU).date(), oldest.astimezone(BAKU).date()
    return [day - timedelta(days=n) for n in range((day - last).days + 1)]


@dataclass
class Limits:
    """The run's walk limits, from the spider's arguments and the settings."""

    max_pages: int = 10
    hole_pages: int = 10
    since: datetime | None = None
    until: datetime | None = None
    #: A ``latest`` walk of the whole feed (no since/until): it grows the walked ranges.
    records_walks: bool = False
    overlap: timedelta = timedelta(minutes=30)
    #: Which known articles are fetched again for edits (``newscrawl.revisits``).
    revisit: RevisitPolicy = field(default_factory=RevisitPolicy)
    #: The run's clock (``NEWSCRAWL_NOW``); None: the system clock.
    now: datetime | None = None
    #: How far below the feed's newest card a fresh state's first walk must reach (None: no
    #: floor).
    history: timedelta | None = None
    #: How far past now a date may lie (``NEWSCRAWL_MAX_CLOCK_SKEW_MINUTES``).
    skew: timedelta = timedelta(minutes=60)


@dataclass
class Step:
    """What follows a feed page: a stop with its reason, or the next batch at ``cursor``."""

    stop: str | None = None
    cursor: str | None = None
    #: The walk reached the older range of its hole: walk the next hole.
    hole_closed: bool = False


@dataclass
class Planner:
    """The walk planner of one run over the state (see the module docstring)."""

    store: StateStore
    site: str = ""
    limits: Limits = field(default_factory=Limits)
    now: datetime | None = None
    walks: dict[tuple[str, str], Walk] = field(default_factory=dict)
    _ranges: dict[str, Walks] = field(default_factory=dict, init=False)
    _hole_pages: dict[str, int] = field(default_factory=dict, init=False)

    def _key(self, name: str, edition: str) -> str:
        return f"{name}:{edition}:{self.site}"

    def _now(self) -> datetime:
        return self.now or self.limits.now or datetime.now(BAKU)

    # -- walked ranges ----------------------------------------------------------------------
    def ranges(self, edition: str) -> Walks:
        """The walked ranges of ``edition``'s feed on this site (read once per run)."""
        if edition not in self._ranges:
            walks, legacy = (
                self.store.get_meta(self._key(k, edition)) for k in ("walks", "walked_to")
            )
            self._ranges[edition] = Walks.from_json(walks, legacy)
        return self._ranges[edition]

    def holes(self, edition: str) -> list[Hole]:
        return self.ranges(edition).holes()

    def hole_figures(self, edition: str) -> tuple[int, float]:
        """``(holes, age in hours of the oldest)`` of ``edition`` (0.0 when none), as the
        state would hold them if the run ended now."""
        ranges = copy.deepcopy(self.ranges(edition))
        if self.limits.records_walks:
            self._grow(edition, ranges, datetime.now(BAKU))
        holes = ranges.holes()
        ages = [(self._now() - h.since).total_seconds() / 3600 for h in holes if h.since]
        return len(holes), round(max(ages, default=0.0), 3)

    def record(self, now: datetime | None = None) -> None:
        """Grow each edition's walked ranges by what this run's walks covered for good, and
        save them."""
        self._record_backfill()
        if not self.limits.records_walks:
            return
        for edition in sorted({edition for edition, _ in self.walks}):
            self._grow(edition, self.ranges(edition), now or datetime.now(BAKU))
            if self.store.persistent:
                self.store.set_meta(self._key("walks", edition), self.ranges(edition).to_json())
                self.store.set_meta(self._key("walked_to", edition), None)

    def _grow(self, edition: str, ranges: Walks, now: datetime) -> None:
        # hole walks first, the older hole first; each finds its ranges by the hole's span
        walks = [w for (code, _), w in self.walks.items() if code == edition]
        walks.sort(key=lambda w: (w.hole is None, w.hole.bottom if w.hole else now))
        for walk in walks:
            covered = walk.covered()
            if covered is None:
                continue
            newest, oldest, cursor, reached = covered
            if walk.key == TOP:
                ranges.record_top_walk(newest, oldest, cursor, reached, now)
            elif walk.hole is not None:
                ranges.record_hole_walk(walk.hole, oldest, cursor, reached)

    # -- backfill periods (mode=archive) ----------------------------------------------------
    def backfill_ranges(self, edition: str) -> Walks:
        """The periods earlier backfills of ``edition`` walked to their start."""
        key = self._key("backfill", edition)
        if key not in self._ranges:
            stored = self.store.get_meta(key) if self.store.persistent else None
            self._ranges[key] = Walks.from_json(stored)
        return self._ranges[key]

    def backfill_period(self) -> tuple[datetime, datetime]:
        """``(top, bottom)`` of ``mode=archive``: the end of ``until``'s Baku day (or now)
        down to just below ``since`` (a card at ``since`` is inside)."""
        assert self.limits.since is not None
        now = self._now()
        top = now
        if self.limits.until is not None:
            day = self.limits.until.astimezone(BAKU).date() + timedelta(days=1)
            top = min(now, datetime(day.year, day.month, day.day, tzinfo=BAKU))
        return top, self.limits.since - timedelta(seconds=1)

    def backfill_walks(self, edition: str) -> list[Walk]:
        """One walk per part of the period no earlier backfill walked, newest first."""
        top, bottom = self.backfill_period()
        walks = []
        for gap in self.backfill_ranges(edition).gaps(top, bottom):
            key = f"{BACKFILL}{gap.top.isoformat()}/{gap.bottom.isoformat()}"
            walks.append(self.start(edition, key, gap))
        return walks

    def _record_backfill(self) -> None:
        for (edition, _), walk in self.walks.items():
            if walk.hole is None or not walk.is_backfill or (covered := walk.covered()) is None:
                continue
            _, oldest, _, reached = covered
            self.backfill_ranges(edition).add(
                walk.hole.top, walk.hole.bottom if reached else oldest
            )
            if self.store.persistent:
                ranges = self.backfill_ranges(edition).to_json()
                self.store.set_meta(self._key("backfill", edition), ranges)

    def day_figures(self, edition: str) -> dict[date, dict[str, int | bool]]:
        """Per Baku day of this run's backfill and hole walks of ``edition``: the cards of
        their spans seen on the day's listing and in scroll batches, and whether the walk
        reached below the day's start (or its span's) with every article handled."""
        days: dict[date, dict[str, int | bool]] = {}
        for (code, _), walk in self.walks.items():
            if code != edition or walk.hole is None:
                continue
            covered = walk.covered()
            floor = None
            if covered is not None:
                floor = walk.hole.bottom if covered[3] else covered[1]
            span = (walk.hole.top - timedelta(seconds=1), walk.hole.bottom + timedelta(seconds=1))
            for day in _days(*span):
                start = datetime(day.year, day.month, day.day, tzinfo=BAKU)
                figures = days.setdefault(day, {"listing": 0, "scroll": 0, "complete": True})
                done = floor is not None and max(start, walk.hole.bottom) >= floor
                figures["complete"] = bool(figures["complete"]) and done
            for day, source in walk.seen.values():
                if day in days:
                    days[day][source] = int(days[day][source]) + 1
        return dict(sorted(days.items(), reverse=True))

    # -- walks of this run ------------------------------------------------------------------
    def start(self, edition: str, key: str, hole: Hole | None = None) -> Walk:
        walk = Walk(edition=edition, key=key, hole=hole)
        self.walks[(edition, key)] = walk
        return walk

    def get(self, edition: str, key: str | None) -> Walk | None:
        return self.walks.get((edition, key)) if key else None

    def walk_of(self, edition: str, key: str | None, page: int) -> Walk | None:
        """The walk a feed page belongs to (started at its first page), or None (the check
        listing of a backfill that has nothing left to walk)."""
        if key is None:
            return None
        walk = self.get(edition, key)
        if key == TOP and page > 1 and walk is None:
            # a batch queued by a run paused under JOBDIR: its walk went on below the range
            # that run recorded, so it is a walk into the hole under the newest range
            walk = self.get(edition, RESUMED)
            if walk is None:
                holes = self.holes(edition)
                walk = self.start(edition, RESUMED, holes[0] if holes else None)
        elif walk is None or (page == 1 and key == TOP):
            walk = self.start(edition, key, walk.hole if walk is not None else None)
        return walk

    def implausible(self, moment: datetime | None) -> str | None:
        """Why a date a page claims cannot be true (before the site existed, or past now by
        more than the allowed clock skew), or None (plausible, or no date)."""
        if moment is None:
            return None
        return implausible_date(moment, self._now(), self.limits.skew)

    def page_cards(self, walk: Walk | None, page: int, cards: list[FeedCard]) -> None:
        """Note a parsed page's card times and its cursor, from the cards in the feed's order
        only (:func:`in_order`); and the cards of a hole or backfill walk's span per day; on a
        fresh state's first page, the history floor."""
        if walk is None:
            return
        progress = walk.page(page)
        progress.parsed = True
        previous = walk.pages.get(page - 1)
        ordered = in_order(cards, previous.oldest if previous is not None else None)
        times = [card.published_at for card in ordered if card.published_at is not None]
        if walk.key == TOP and page == 1 and times:
            self._seed_history(walk.edition, times[0])
        if walk.hole is not None:
            source = "listing" if page == 1 and walk.from_listing else "scroll"
            for card in cards:
                moment = card.published_at
                if moment is not None and walk.hole.bottom < moment <= walk.hole.top:
                    walk.seen.setdefault(card.href, (moment.astimezone(BAKU).date(), source))
        if times:
            progress.newest, progress.oldest = times[0], times[-1]
            progress.cursor = ordered[-1].timestamp_raw

    def _seed_history(self, edition: str, newest: datetime) -> None:
        """A fresh state (no walked range): the floor ``history`` below the newest card,
        as an empty range the first walk must reach (a walk cut short leaves a hole to it)."""
        history, ranges = self.limits.history, self.ranges(edition)
        if history is None or ranges.ranges or not self.limits.records_walks:
            return
        if self.store.persistent:
            floor = newest - history
            ranges.ranges.append(WalkedRange(floor, floor))

    def requested(self, ref: tuple[str, str, int] | None) -> None:
        """An article request of page ``ref`` = (edition, walk key, page) was queued."""
        if ref is not None and (walk := self.get(ref[0], ref[1])) is not None:
            walk.page(ref[2]).pending += 1

    def handled(self, ref: tuple[str, str, int] | None, clean: bool = True) -> bool:
        """An article request of page ``ref`` came to its end (an item, a reject, a drop);
        True when none of the page's is left."""
        if ref is None or (walk := self.get(ref[0], ref[1])) is None:
            return False
        progress = walk.page(ref[2])
        progress.pending = max(0, progress.pending - 1)
        progress.clean = progress.clean and clean
        return progress.pending == 0

    def stop(self, walk: Walk | None, reason: str, cursor: str | None = None) -> bool:
        """Record why ``walk`` stopped; True the first time. At the feed's end (a page without
        cards) the walk reached the bottom of everything: below it is nothing to walk."""
        if walk is None or walk.stop_reason is not None:
            return False
        if reason == "feed_end" and walk.reached_at is None and walk.pages:
            walk.reached_at = max(walk.pages)
        walk.stop_reason, walk.stop_cursor = reason, cursor
        return True

    def wants_card(self, published: datetime | None, mode: str) -> bool:
        """Whether a card's article is inside ``since``/``until``."""
        limits = self.limits
        if limits.since is not None and published is not None and published < limits.since:
            return False
        return not (mode == "latest" and limits.until and published and published > limits.until)

    def after_page(
        self,
        walk: Walk,
        page: int,
        cursor: str | None,
        *,
        deadline_passed: bool,
        has_endpoint: bool,
    ) -> Step:
        """The next batch of ``walk`` after its page ``page``, or why it stops here."""
        limits = self.limits
        oldest = walk.page(page).oldest  # of the cards in the feed's order (page_cards)
        if walk.hole is not None and oldest is not None and oldest <= walk.hole.bottom:
            walk.reached_at = page
            if walk.key == RESUMED:
                return Step(stop="known_reached")
            if walk.is_backfill:
                return Step(stop="since")
            return Step(stop="hole_closed", hole_closed=True)
        if limits.since is not None and oldest is not None and oldest < limits.since:
            return Step(stop="since")
        if walk.key == TOP and self.feed_reached_known(walk.edition, oldest):
            walk.reached_at = page
            return Step(stop="known_reached")
        if deadline_passed:
            return Step(stop="deadline")
        if not walk.is_hole_walk and page >= limits.max_pages:
            return Step(stop="max_pages")
        if walk.is_hole_walk and not walk.is_backfill and not self.hole_budget_left(walk.edition):
            return Step(stop="max_pages")
        next_cursor = walk.page(page).cursor
        if next_cursor is None:
            return Step(stop="cursor_unreadable")
        if next_cursor == cursor:
            return Step(stop="cursor_stuck")
        if not has_endpoint:
            return Step(stop="no_scroll")
        if walk.is_hole_walk and not walk.is_backfill:
            self.use_hole_page(walk.edition)
        return Step(cursor=next_cursor)

    # -- holes --------------------------------------------------------------------------------
    def hole_budget_left(self, edition: str) -> bool:
        return self._hole_pages.get(edition, 0) < self.limits.hole_pages

    def use_hole_page(self, edition: str) -> None:
        self._hole_pages[edition] = self._hole_pages.get(edition, 0) + 1

    def first_hole(self, edition: str) -> Hole | None:
        """The oldest hole of ``edition`` (walked first), when the run records walks."""
        holes = self.holes(edition) if self.limits.records_walks else []
        return holes[-1] if holes else None

    def next_hole(self, closed: Walk) -> Hole | None:
        """After a hole is walked to its end, the one above it."""
        assert closed.hole is not None
        above = [h for h in self.holes(closed.edition) if h.bottom >= closed.hole.top]
        return above[-1] if above else None

    # -- the incremental policy ---------------------------------------------------------------
    def feed_reached_known(self, edition: str, oldest: datetime | None) -> bool:
        """True when a batch whose oldest card in the feed's order is ``oldest`` reaches back
        past what earlier runs already hold."""
        newest = self.ranges(edition).newest
        if newest is None or oldest is None or not self.store.persistent:
            return False
        return oldest <= newest.top - self.limits.overlap

    def revisits(self, edition: str) -> list[StoredArticle]:
        """The known articles of ``edition`` due for a revisit now (``newscrawl.revisits``),
        oldest debt first; only in runs that grow the walked ranges."""
        policy, now = self.limits.revisit, self._now()
        oldest = policy.oldest(now)
        if oldest is None or not self.limits.records_walks or not self.store.persistent:
            return []
        rows = {
            row.url: row
            for row in self.store.published_since(
                edition, self.site, oldest.astimezone(BAKU).isoformat()
            )
        }
        known = [
            Known(url, published, fetched)
            for url, row in rows.items()
            if (published := parse_iso_or_none(row.published_at)) is not None
            and (fetched := parse_iso_or_none(row.last_seen)) is not None
        ]
        return [rows[due.url] for due in policy.select(known, now)]

    def fetch_time(self) -> str:
        """Now on the run's clock, as the state and ``crawled_at`` record it (UTC, ISO)."""
        return self._now().astimezone(UTC).isoformat(timespec="seconds")

    # -- the failure budget of a URL across runs ---------------------------------------------
    def failed(self, url: str, run_id: str, cause: str) -> int:
        """A failure of ``url`` itself in run ``run_id``; the number of runs it failed in
        (this one counted; 0 without a state)."""
        return self.store.note_failure(url, run_id, cause) if self.store.persistent else 0

    def give_up(self, url: str, run_id: str) -> None:
        """``url`` used up its failure budget: no later run asks for it again."""
        if self.store.persistent:
            self.store.give_up(url, run_id)

    def answered(self, url: str) -> None:
        """``url`` answered: its failure count starts again."""
        if self.store.persistent:
            self.store.clear_failures(url)

    def revisit_failed(self, url: str) -> None:
        """A revisit of ``url`` failed: it waits for its next slot of the schedule (a page
        gone for good is not asked for on every run until it leaves the horizon)."""
        if self.store.persistent:
            self.store.touch(url, self.fetch_time())

    def not_modified(self, url: str, validators: Validators) -> None:
        """A revisit answered 304: the article was fetched now and is unchanged."""
        if self.store.persistent:
            self.store.touch(url, self.fetch_time(), validators=validators)

    def card_status(self, url: str, card: FeedCard | None) -> str | None:
        """``known`` when an article need not be requested, ``edited`` when its card shows
        another headline than the state holds, ``given_up`` when its failure budget is used
        up, None when it must be requested."""
        if not self.store.persistent:
            return None
        if self.store.given_up(url):
            return "given_up"
        stored = self.store.get(url)
        if stored is None:
            return None
        shown = " ".join(card.title.split()).casefold() if card and card.title else ""
        if shown and stored.title and shown != " ".join(stored.title.split()).casefold():
            return "edited"
        stored_time = parse_iso_or_none(stored.published_at)
        card_time = card.published_at if card is not None else None
        if card_time and stored_time and card_time > stored_time + timedelta(minutes=1):
            return None  # the card moved: republished or re-dated
        return "known"

    def remembered(self, name: str, edition: str) -> str | None:
        """The ``feed_url`` or ``scroll_url`` last seen for ``edition`` on this site."""
        return self.store.get_meta(self._key(name, edition)) if self.store.persistent else None

    def remember(self, name: str, edition: str, url: str | None) -> None:
        if self.store.persistent and url != self.remembered(name, edition):
            self.store.set_meta(self._key(name, edition), url)
