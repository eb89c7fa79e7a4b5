"""Times of the replica: epoch seconds in, the site's date texts (Baku time, UTC+4) out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from tests.site.editions import EDITIONS

BAKU = timezone(timedelta(hours=4))
DEFAULT_NOW = "2025-10-23T21:00:00+04:00"


def parse_iso(text: str) -> int:
    """ISO 8601 (naive means Baku time) -> epoch seconds."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BAKU)
    return int(moment.timestamp())


def local(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, BAKU)


def iso(ts: int) -> str:
    """``2025-10-23T20:02:00+04:00``."""
    return local(ts).isoformat(timespec="seconds")


def timestamp(ts: int) -> str:
    """Feed card ``data-timestamp``: ``2025-10-23 20:02:00``."""
    return local(ts).strftime("%Y-%m-%d %H:%M:%S")


def parse_timestamp(text: str) -> int | None:
    """``2025-10-23 20:02:00`` (or ISO) -> epoch seconds, None when unreadable."""
    text = text.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return int(datetime.strptime(text, fmt).replace(tzinfo=BAKU).timestamp())
        except ValueError:
            continue
    try:
        return parse_iso(text)
    except ValueError:
        return None


def hhmm(ts: int) -> str:
    return local(ts).strftime("%H:%M")


def current_date(edition: str, ts: int) -> str:
    """Date header of the current layout and of feed cards: ``23 October, 2025``; az and ru as
    on the live site, a two-digit day and a comma (``06 oktyabr, 2025``, ``01 января, 2026``)."""
    moment = local(ts)
    month = EDITIONS[edition].texts.MONTHS[moment.month - 1]
    if edition == "en":
        return f"{moment.day} {month}, {moment.year}"
    return f"{moment.day:02d} {month}, {moment.year}"


def date_2019(edition: str, ts: int) -> str:
    """Date and time of the 2019 layout: ``22 İyul , 2022 16:30`` / ``November 6, 2019 09:04``."""
    moment = local(ts)
    month = EDITIONS[edition].texts.MONTHS_2019[moment.month - 1]
    if edition == "en":
        return f"{month} {moment.day}, {moment.year} {hhmm(ts)}"
    return f"{moment.day} {month} , {moment.year} {hhmm(ts)}"


def date_oldest(ts: int) -> str:
    """``15.03.2016 12:30``."""
    return local(ts).strftime("%d.%m.%Y %H:%M")


def dateline(edition: str, ts: int) -> str:
    """``Baku. 15 March. REPORT.AZ/``."""
    texts = EDITIONS[edition].texts
    moment = local(ts)
    month = texts.DATELINE_MONTHS[moment.month - 1]
    return f"{texts.DATELINE_CITY}. {moment.day} {month}. REPORT.AZ/"


def rfc822(ts: int) -> str:
    """``Thu, 23 Oct 2025 20:02:00 +0400``."""
    return format_datetime(local(ts))


def day_bounds(year: int, month: int, day: int) -> tuple[int, int]:
    """Epoch seconds of the first and last second of a Baku day."""
    start = int(datetime(year, month, day, tzinfo=BAKU).timestamp())
    return start, start + 86399
