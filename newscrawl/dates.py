"""Dates of the site in all three languages and all layouts, as aware datetimes in Baku time.

The site shows local Baku time: UTC+4 since 2016; until then Azerbaijan kept summer time (UTC+5
from the last Sunday of March to the last Sunday of October), so a local time becomes an offset
through the ``Asia/Baku`` zone of the IANA database (``zoneinfo``; the ``tzdata`` package
supplies it where the system has none), never a fixed ``+04:00``. Formats seen:
``23 October, 2025`` + ``20:02``; ``22 İyul , 2022 16:30``; ``November 6, 2019 09:04``;
``26 November, 2024 / 19:05``; ``3 июля 2025``; ``15.03.2016 12:30``; ``2025-10-23 20:02:00``
(feed ``data-timestamp``) and ISO 8601 with offset (meta, JSON-LD).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from newscrawl.editions import ALL_MONTHS

#: Baku local time: UTC+4, and UTC+5 in the summers up to 2015.
BAKU = ZoneInfo("Asia/Baku")


class DateError(ValueError):
    """A date text that cannot be read; the message says why."""


_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*"
    r"(Z|[+-]\d{2}:?\d{2})?\s*$"
)
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\s*([^\W\d_]+)\.?\s*,?\s*(\d{4})(?!\d)")
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})\s*,\s*(\d{4})(?!\d)")
_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])")
_MAX_TEXT = 200


def _lower(text: str) -> str:
    # "İ".lower() is "i̇" (i + combining dot); the site writes İyul, İyun.
    return text.replace("İ", "i").lower()


def _month_number(name: str) -> int | None:
    return ALL_MONTHS.get(_lower(name))


def _checked_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(f"impossible date {text!r}: {exc}") from None


def _checked_time(text: str) -> time | None:
    match = _TIME.search(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(f"impossible time {match.group(0)!r}")
    return time(hour, minute, second)


@lru_cache(maxsize=256)
def parse_iso(text: str) -> datetime:
    """An ISO 8601 date or datetime; without an offset it is Baku time.

    Memoised: a page states its dates in its meta tags and again in its JSON-LD.
    """
    match = _ISO.match(text)
    if not match:
        raise DateError(f"not an ISO 8601 date: {text[:_MAX_TEXT]!r}")
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    day_value = _checked_date(year, month, day, text)
    clock = time(0, 0)
    if match.group(4):
        clock_or_none = _checked_time(f"{match.group(4)}:{match.group(5)}:{match.group(6) or '00'}")
        clock = clock_or_none or clock
    offset = match.group(7)
    tz: tzinfo = BAKU
    if offset == "Z":
        tz = UTC
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 14 or minutes > 59:
            raise DateError(f"impossible UTC offset {offset!r}")
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return datetime.combine(day_value, clock, tzinfo=tz)


def parse_site_date(text: str, time_text: str | None = None) -> datetime:
    """A date as the site prints it, in any edition's language, with an optional separate time.

    Raises :class:`DateError` with a specific reason when the text holds no date, an unknown
    month name, or an impossible day or time (``31 fevral, 2025``, ``99:99``).
    """
    if len(text) > _MAX_TEXT:
        raise DateError(f"date text too long ({len(text)} characters)")
    full = f"{text} {time_text}" if time_text else text
    if _ISO.match(text):
        parsed = parse_iso(text)
        if time_text and not _ISO.match(text).group(4):  # type: ignore[union-attr]
            clock = _checked_time(time_text)
            if clock is not None:
                parsed = datetime.combine(parsed.date(), clock, tzinfo=parsed.tzinfo)
        return parsed
    day_value: date | None = None
    numeric = _NUMERIC.search(text)
    if numeric:
        day, month, year = (int(numeric.group(i)) for i in (1, 2, 3))
        day_value = _checked_date(year, month, day, text)
        rest = text[: numeric.start()] + " " + text[numeric.end() :]
    else:
        rest = text
        for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
            for match in pattern.finditer(text):
                if order == "dmy":
                    day_text, month_name, year_text = match.groups()
                else:
                    month_name, day_text, year_text = match.groups()
                month_number = _month_number(month_name)
                if month_number is None:
                    continue
                day_value = _checked_date(int(year_text), month_number, int(day_text), text)
                rest = text[: match.start()] + " " + text[match.end() :]
                break
            if day_value is not None:
                break
        if day_value is None:
            words = re.findall(r"[^\W\d_]+", text)
            if words and not any(_month_number(w) for w in words):
                raise DateError(f"no known month name in {text!r}")
            raise DateError(f"no date in {text!r}")
    clock = _checked_time(time_text) if time_text else None
    if clock is None:
        clock = _checked_time(rest)
    if clock is None:
        raise DateError(f"no time of day in {full!r}")
    return datetime.combine(day_value, clock, tzinfo=BAKU)


def parse_argument_datetime(value: str) -> datetime:
    """The ``since``/``until`` spider arguments: an ISO date or datetime, Baku time by default."""
    return parse_iso(value)


def to_iso(moment: datetime) -> str:
    """ISO 8601 in Baku time with seconds, e.g. ``2025-10-23T20:02:00+04:00``."""
    return moment.astimezone(BAKU).isoformat(timespec="seconds")


def utc_now_iso() -> str:
    """The current time in UTC, ISO 8601, for ``crawled_at``."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_iso_or_none(value: object) -> datetime | None:
    """:func:`parse_iso` of a stored value, or None when it is missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_iso(value)
    except DateError:
        return None
