"""Walked ranges of an edition's latest-news feed, and the holes between them.

A *range* is a stretch of feed time every card of which was handled by some run: its article
written, known, or rejected for good. Runs walk the feed from the top (newest card) down; a walk
that reaches the newest range extends it, a walk cut short (``max_pages``, an error, a firewall
stop, a deadline) adds a new range above it, leaving a *hole* between the two. A hole keeps the
scroll cursor where the newer range ends, so a later run can walk on from there; when that
walk reaches the older range, the two ranges merge and the hole is gone.

Ranges are kept newest first as JSON in the state's ``meta`` table, per site and edition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from newscrawl.dates import parse_iso_or_none


@dataclass
class WalkedRange:
    """Feed time from ``bottom`` to ``top`` walked completely."""

    top: datetime
    bottom: datetime
    #: The scroll cursor (a card's ``data-timestamp``) that continues below ``bottom``.
    cursor: str | None = None
    #: When the hole below this range was first recorded (None: no hole below it yet).
    hole_since: datetime | None = None

    def as_json(self) -> dict[str, str | None]:
        return {
            "top": self.top.isoformat(),
            "bottom": self.bottom.isoformat(),
            "cursor": self.cursor,
            "hole_since": self.hole_since.isoformat() if self.hole_since else None,
        }


@dataclass(frozen=True)
class Hole:
    """Feed time between two walked ranges that no run has walked yet."""

    #: Index of the newer range (the hole lies below ``ranges[index]``).
    index: int
    #: The newest and oldest card time the hole may hold (exclusive bounds).
    top: datetime
    bottom: datetime
    cursor: str | None
    since: datetime | None

    def as_dict(self) -> dict[str, str | None]:
        """The hole as the run summary reports it."""
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

    # -- reading --------------------------------------------------------------------------
    @property
    def newest(self) -> WalkedRange | None:
        return self.ranges[0] if self.ranges else None

    def holes(self) -> list[Hole]:
        """The holes, newest first (fill them from the end: the oldest first)."""
        return [
            Hole(
                index=i,
                top=self.ranges[i].bottom,
                bottom=self.ranges[i + 1].top,
                cursor=self.ranges[i].cursor,
                since=self.ranges[i].hole_since,
            )
            for i in range(len(self.ranges) - 1)
        ]

    # -- recording ------------------------------------------------------------------------
    def record_top_walk(
        self,
        top: datetime,
        bottom: datetime,
        cursor: str | None,
        reached_newest: bool,
        now: datetime,
    ) -> None:
        """A walk from the top of the feed covered ``top`` down to ``bottom``; with
        ``reached_newest`` it went on into the newest range (they join)."""
        newest = self.newest
        if newest is not None and (reached_newest or bottom <= newest.top):
            newest.top = max(newest.top, top)
            return
        if newest is not None and top <= newest.top:
            return  # walked nothing above what is already held
        self.ranges.insert(
            0,
            WalkedRange(top=top, bottom=bottom, cursor=cursor, hole_since=now if newest else None),
        )

    def record_hole_walk(
        self, hole: Hole, bottom: datetime, cursor: str | None, closed: bool
    ) -> None:
        """A walk into ``hole`` from its cursor covered it down to ``bottom``; with
        ``closed`` it reached the older range, and the two ranges join."""
        newer = self.ranges[hole.index]
        if closed:
            older = self.ranges.pop(hole.index + 1)
            newer.bottom, newer.cursor, newer.hole_since = (
                older.bottom,
                older.cursor,
                older.hole_since,
            )
        elif bottom < newer.bottom:
            newer.bottom, newer.cursor = bottom, cursor

    # -- storage --------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps([r.as_json() for r in self.ranges])

    @classmethod
    def from_json(cls, text: str | None, legacy_top: str | None = None) -> Walks:
        """Ranges as stored; ``legacy_top`` is the single walk mark of an older newscrawl
        (the newest card the last finished run saw), read as a range of its own."""
        ranges: list[WalkedRange] = []
        try:
            raw = json.loads(text) if text else []
        except ValueError:
            raw = []
        for entry in raw if isinstance(raw, list) else []:
            if not isinstance(entry, dict):
                continue
            top, bottom = (
                parse_iso_or_none(entry.get("top")),
                parse_iso_or_none(entry.get("bottom")),
            )
            if top is None or bottom is None:
                continue
            cursor = entry.get("cursor")
            ranges.append(
                WalkedRange(
                    top=top,
                    bottom=bottom,
                    cursor=cursor if isinstance(cursor, str) else None,
                    hole_since=parse_iso_or_none(entry.get("hole_since")),
                )
            )
        if not ranges and (legacy := parse_iso_or_none(legacy_top)) is not None:
            ranges.append(WalkedRange(top=legacy, bottom=legacy))
        return cls(ranges)
