"""Where the ``report`` spider goes next: a pure walk planner (no Scrapy in here).

The walked ranges and holes it keeps per edition are :mod:`newscrawl.walks`. A walk is one
chain of feed pages of one edition (``top``, a hole walk, or ``resumed``: a paused JOBDIR run's
batches); at the close the ranges grow by its leading finished pages.

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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from newscrawl.arguments import ProjectSettings
from newscrawl.extract.feed import FeedCard
from newscrawl.revisits import Known, RevisitPolicy
from newscrawl.site import BAKU, implausible_date, parse_iso_or_none
from newscrawl.store import StateStore, StoredArticle, Validators
from newscrawl.walks import Hole, WalkedRange, Walks, in_order

TOP = "top"
#: The key prefix of a walk of a ``mode=archive`` period (then its span).
BACKFILL = "backfill:"
#: The walk of batches a paused (JOBDIR) run had queued, when the job resumes.
RESUMED = "resumed"


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
    #: A URL that failed transiently in this many runs is given up (0: never).
    failure_runs: int = 3

    def configure(self, project: ProjectSettings) -> None:
        """The limits the project's settings set (the spider's arguments set the rest)."""
        hours = project.NEWSCRAWL_EDIT_HORIZON_HOURS
        self.revisit = RevisitPolicy(
            share=project.NEWSCRAWL_REVISIT_SHARE,
            horizon=timedelta(hours=hours) if hours > 0 else None,
            per_run=project.NEWSCRAWL_REVISITS_PER_RUN,
        )
        self.now = parse_iso_or_none(project.NEWSCRAWL_NOW or None)
        self.hole_pages = project.NEWSCRAWL_HOLE_PAGES
        self.overlap = timedelta(minutes=project.NEWSCRAWL_INCREMENTAL_OVERLAP_MINUTES)
        hours = project.NEWSCRAWL_HISTORY_HOURS
        self.history = timedelta(hours=hours) if hours > 0 else None
        self.skew = timedelta(minutes=project.NEWSCRAWL_MAX_CLOCK_SKEW_MINUTES)
        self.failure_runs = project.NEWSCRAWL_URL_FAILURE_RUNS


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
    _recorded: dict[str, Walks] = field(default_factory=dict, init=False)

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

    def held(self, edition: str) -> Walks:
        """The walked ranges of ``edition`` as the state holds them: as this run recorded
        them, or as read when it began."""
        return self._recorded.get(edition, self.ranges(edition))

    def holes(self, edition: str) -> list[Hole]:
        """The holes of ``edition`` as the state holds them (:meth:`held`)."""
        return self.held(edition).holes()

    def hole_figures(self, edition: str) -> tuple[int, float]:
        """``(holes, age in hours of the oldest)`` of ``edition`` (0.0 when none), as the
        state would hold them if the run ended now."""
        holes = self.grown(edition).holes()
        ages = [(self._now() - h.since).total_seconds() / 3600 for h in holes if h.since]
        return len(holes), round(max(ages, default=0.0), 3)

    def grown(self, edition: str, now: datetime | None = None) -> Walks:
        """``edition``'s walked ranges as read when the run began, grown by what this run's
        walks covered for good so far (the ranges read are never changed: recording again
        later, a checkpoint after a checkpoint, applies the walks once)."""
        ranges = copy.deepcopy(self.ranges(edition))
        if self.limits.records_walks:
            self._grow(edition, ranges, now or datetime.now(BAKU))
        return ranges

    def record(self, now: datetime | None = None, *, edition: str | None = None) -> None:
        """Save what this run's walks (of ``edition``, else of every edition) covered for good:
        the walked ranges grown, and the periods backfills walked. Safe to call again as the
        walks go on (a work unit's checkpoint)."""
        editions = [edition] if edition else sorted({code for code, _ in self.walks})
        for code in editions:
            self._record_backfill(code)
            if not self.limits.records_walks:
                continue
            self._recorded[code] = ranges = self.grown(code, now)
            if self.store.persistent:
                self.store.set_meta(self._key("walks", code), ranges.to_json())
                self.store.set_meta(self._key("walked_to", code), None)

    def reset(self, edition: str) -> None:
        """Forget this run's walks and reads of ``edition``: it is taken up afresh (a work unit
        claimed again, which another node may have walked since)."""
        for walk in [walk for walk in self.walks if walk[0] == edition]:
            del self.walks[walk]
        for name in (edition, self._key("backfill", edition)):
            self._ranges.pop(name, None)
        self._recorded.pop(edition, None)
        self._hole_pages.pop(edition, None)

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

    def backfill_left(self, edition: str) -> bool:
        """Some of the period of ``mode=archive`` is not walked yet, by this run or another."""
        return bool(self.backfill_ranges(edition).gaps(*self.backfill_period()))

    def _record_backfill(self, edition: str) -> None:
        spans = []
        for (code, _), walk in self.walks.items():
            if code != edition or walk.hole is None or not walk.is_backfill:
                continue
            if (covered := walk.covered()) is not None:
                spans.append((walk.hole.top, walk.hole.bottom if covered[3] else covered[1]))
        if not spans:
            return
        for top, bottom in spans:
            self.backfill_ranges(edition).add(top, bottom)

        def merged(held: str | None) -> str:
            ranges = Walks.from_json(held)
            for top, bottom in spans:
                ranges.add(top, bottom)
            return ranges.to_json()

        if self.store.persistent:  # merged under the row's lock with other runs' periods
            self.store.update_meta(self._key("backfill", edition), merged)

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
                holes = self.ranges(edition).holes()
                walk = self.start(edition, RESUMED, holes[0] if holes else None)
        elif walk is None or (page == 1 and key == TOP):
            walk = self.start(edition, key, walk.hole if walk is not None else None)
        return walk

    def undate_implausible(self, cards: list[FeedCard]) -> int:
        """Refuse the card dates that cannot be true (before the site existed, or past now by
        more than the allowed clock skew): such a card counts as undated for the walk (its
        article is still fetched, dated by its page) and carries a warning. How many."""
        now, undated = self._now(), 0
        for card in cards:
            if card.published_at is None:
                continue
            if (problem := implausible_date(card.published_at, now, self.limits.skew)) is None:
                continue
            card.warnings.append(f"implausible date: data-timestamp {problem}")
            card.published_at = None
            undated += 1
        return undated

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
        holes = self.ranges(edition).holes() if self.limits.records_walks else []
        return holes[-1] if holes else None

    def next_hole(self, closed: Walk) -> Hole | None:
        """After a hole is walked to its end, the one above it."""
        assert closed.hole is not None
        above = [h for h in self.ranges(closed.edition).holes() if h.bottom >= closed.hole.top]
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
    def failed(self, url: str, run_id: str, cause: str) -> int | None:
        """A failure of ``url`` itself in run ``run_id``. When that uses up its failure budget
        (``failure_runs`` runs), the URL is given up, never asked for again, and the number of
        runs it failed in is returned; else None."""
        if not self.store.persistent:
            return None
        runs = self.store.note_failure(url, run_id, cause)
        if runs < self.limits.failure_runs or self.limits.failure_runs == 0:
            return None
        self.store.give_up(url, run_id)
        return runs

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
