"""Walked ranges and holes of the feed, and which of a page's card dates to believe (pure).

A walked range is feed time every card of which some run handled (newest first, in the state's
``meta`` per site and edition). A top walk cut short adds a range above the newest and leaves a
*hole* between them, known by its time span; a walk into it that reaches the older range merges
the two. Card dates are claims: :func:`in_order` keeps those that agree with the feed's order.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from newscrawl.extract.feed import FeedCard
from newscrawl.site import parse_iso_or_none


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
