"""The site's facts as data and pure functions: the editions table (everything that differs
between az, en and ru), the URL rules (canonical form, edition of a path, what is an article)
and the site's dates in all three languages and all layouts, as aware datetimes in Baku time.

Every URL the crawler builds or accepts goes through :class:`SiteUrls`, made from the
``base_url`` spider argument, so the same code crawls report.az and the local replica. The site
shows local Baku time: UTC+4 since 2016; until then Azerbaijan kept summer time (UTC+5 from the
last Sunday of March to the last Sunday of October), so a local time becomes an offset through
the ``Asia/Baku`` zone of the IANA database (``zoneinfo``; ``tzdata`` supplies it where the
system has none), never a fixed ``+04:00``. Date formats seen: ``23 October, 2025`` + ``20:02``;
``22 İyul , 2022 16:30``; ``November 6, 2019 09:04``; ``26 November, 2024 / 19:05``;
``3 июля 2025``; ``15.03.2016 12:30``; ``2025-10-23 20:02:00`` (feed ``data-timestamp``) and
ISO 8601 with offset (meta, JSON-LD).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Edition:
    """One edition of the site (a language with its own URL prefix, feed and vocabulary)."""

    code: str
    prefix: str  # path prefix without trailing slash: "" for az, "/en", "/ru"
    feed_fallback_path: str  # used only when the home page has no feed link
    feed_link_texts: tuple[str, ...]  # visible text of the home page's link to the feed
    months: dict[str, int]  # lower-case month names (all cases seen) -> month number
    badge_labels: dict[str, str]  # lower-case visible badge -> normalised badge

    @property
    def home_path(self) -> str:
        return self.prefix + "/"


def _months(names: str) -> dict[str, int]:
    """Month names, January first, months apart by ``|``, spellings of one month by spaces."""
    groups = names.split("|")
    return {name: number for number, group in enumerate(groups, 1) for name in group.split()}


_AZ_MONTHS = _months(
    "yanvar|fevral|mart|aprel|may|iyun|iyul|avqust avgust|sentyabr|oktyabr|noyabr|dekabr"
)
_EN_MONTHS = _months(
    "january jan|february feb|march mar|april apr|may|june jun|july jul|august aug|"
    "september sep sept|october oct|november nov|december dec"
)
_RU_MONTHS = _months(
    "января январь|февраля февраль|марта март|апреля апрель|мая май|июня июнь|июля июль|"
    "августа август|сентября сентябрь|октября октябрь|ноября ноябрь|декабря декабрь"
)

EDITIONS: dict[str, Edition] = {
    "az": Edition(
        code="az",
        prefix="",
        feed_fallback_path="/son-xeberler",
        feed_link_texts=("Bütün xəbər lenti", "Bütün xəbərlər", "Xəbər lenti"),
        months=_AZ_MONTHS,
        badge_labels={"foto": "photo", "photo": "photo", "video": "video"},
    ),
    "en": Edition(
        code="en",
        prefix="/en",
        feed_fallback_path="/en/latest-news",
        feed_link_texts=("All News Feed", "All news", "News feed"),
        months=_EN_MONTHS,
        badge_labels={"photo": "photo", "video": "video"},
    ),
    "ru": Edition(
        code="ru",
        prefix="/ru",
        feed_fallback_path="/ru/lenta-novostey",
        feed_link_texts=("Вся лента новостей", "Все новости", "Лента новостей"),
        months=_RU_MONTHS,
        badge_labels={"фото": "photo", "видео": "video", "photo": "photo", "video": "video"},
    ),
}

LANGUAGES: tuple[str, ...] = tuple(EDITIONS)

#: Every month name of every edition, for parsing dates whose language is not known.
ALL_MONTHS: dict[str, int] = {
    name: number for edition in EDITIONS.values() for name, number in edition.months.items()
}


def parse_editions(value: str | list[str] | None) -> list[Edition]:
    """Turn the ``editions`` spider argument (``"az,en"``) into editions, with a clear error."""
    if value is None or value == "":
        return list(EDITIONS.values())
    codes = value if isinstance(value, list) else value.split(",")
    result: list[Edition] = []
    for raw in codes:
        code = raw.strip().lower()
        if not code:
            continue
        if code not in EDITIONS:
            known = ", ".join(EDITIONS)
            raise ValueError(f"unknown edition {raw!r}: expected a comma list of {known}")
        if EDITIONS[code] not in result:
            result.append(EDITIONS[code])
    if not result:
        raise ValueError("editions is empty: expected a comma list of az, en, ru")
    return result


#: First path segments that are listings or services, never an article's category.
NON_ARTICLE_SECTIONS = frozenset(
    {
        "amp",
        "archive",
        "infinity",
        "rss",
        "search",
        "tags",
        "tag",
        "page",
        "news-feed",
        "son-xeberler",
        "latest-news",
        "lenta",
        "lenta-novostey",
        "static",
        "photo",
        "video",
        "api",
    }
)

_HOST_ALIASES = ("www.", "dev.", "m.")
_SLUG = re.compile(r"[\w%.-]+")
_SHORT_ID = re.compile(r"(\d{3,})/?\s*$")


@dataclass(frozen=True)
class ArticlePath:
    """The parts of a canonical article URL."""

    url: str
    edition: Edition
    category_slug: str
    slug: str


class SiteUrls:
    """Canonicalisation and classification of URLs for one configured site root."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
        self.scheme = parts.scheme
        self.netloc = parts.netloc.lower()
        self.host = parts.hostname.lower()
        self.base_url = f"{self.scheme}://{self.netloc}"
        self.port = _port_of(parts.scheme, parts.port)

    # -- building -------------------------------------------------------------------------
    def absolute(self, path_or_url: str, base: str | None = None) -> str:
        """Join a link found on a page (relative or absolute) against ``base`` or the site root.

        A link urljoin cannot parse (a broken ``[`` host) is returned as it is, for the on-site
        and article checks to refuse.
        """
        link = path_or_url.strip()
        try:
            return urljoin(base or self.base_url + "/", link)
        except ValueError:
            return link

    def url(self, path: str) -> str:
        """The absolute URL of a site path such as ``/en/news-feed``."""
        return self.base_url + path

    # -- checking -------------------------------------------------------------------------
    def is_on_site(self, url: str) -> bool:
        """True when ``url`` is of the site's origin: the configured host or one of its aliases
        (www., dev., m.) on ``base_url``'s port, with ``base_url``'s scheme (http <-> https
        only between their default ports: the same site moved to https, or back); a relative
        link is on the site. Another port of the same host is another site."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:  # a broken host or port
            return False
        if parts.scheme not in ("http", "https", ""):
            return False
        host = (parts.hostname or "").lower()
        if not host:
            return parts.scheme == ""  # a relative link
        return self._is_own_host(host) and self._is_own_port(parts.scheme, port)

    def _is_own_port(self, scheme: str, port: int | None) -> bool:
        if scheme == self.scheme:
            return _port_of(scheme, port) == self.port
        defaults = (_port_of(scheme, None), _port_of(self.scheme, None))
        return (_port_of(scheme, port), self.port) == defaults

    def _is_own_host(self, host: str) -> bool:
        return host == self.host or any(host == alias + self.host for alias in _HOST_ALIASES)

    def _canonical_segments(self, url: str) -> list[str] | None:
        """The canonical path segments of an on-site URL; None when off-site or malformed."""
        url = url.strip()
        absolute = url if url.startswith(("http://", "https://")) else self.absolute(url)
        if not self.is_on_site(absolute):
            return None
        return self._segments(urlsplit(absolute).path)

    @staticmethod
    def _segments(path: str) -> list[str]:
        segments = [s for s in path.split("/") if s]
        if segments[:1] == ["az"]:
            segments = segments[1:]
        if len(segments) >= 2 and segments[0] in ("en", "ru") and segments[1] == "amp":
            segments = [segments[0], *segments[2:]]
        elif segments[:1] == ["amp"]:
            segments = segments[1:]
        return segments

    def canonical(self, url: str) -> str | None:
        """The canonical form of an on-site URL, or None when it is off-site or malformed.

        Drops query, fragment and trailing slash, the old ``/az/`` prefix, the ``/amp/`` segment
        and host aliases (``dev.``, ``www.``); scheme and port are those of ``base_url``.
        """
        segments = self._canonical_segments(url)
        if segments is None:
            return None
        return f"{self.base_url}/{'/'.join(segments)}"

    def article_path(self, url: str) -> ArticlePath | None:
        """Split a URL into edition, category slug and slug when it looks like an article URL."""
        segments = self._canonical_segments(url)
        if segments is None:
            return None
        canonical = f"{self.base_url}/{'/'.join(segments)}"
        edition = EDITIONS["az"]
        if segments and segments[0] in ("en", "ru"):
            edition = EDITIONS[segments[0]]
            segments = segments[1:]
        if len(segments) != 2 or segments[0].lower() in NON_ARTICLE_SECTIONS:
            return None
        category_slug, slug = segments
        if not _SLUG.fullmatch(slug) or slug.isdigit():
            return None
        return ArticlePath(canonical, edition, category_slug, slug)


def _port_of(scheme: str, port: int | None) -> int:
    """The port a URL of ``scheme`` names (its scheme's default when none is written)."""
    return port or (443 if scheme == "https" else 80)


def article_id_from_short_link(value: str | None) -> int | None:
    """The numeric id at the end of the short link (``report.az/en/123456``), or None."""
    if not value:
        return None
    match = _SHORT_ID.search(value.strip())
    return int(match.group(1)) if match else None


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


#: No page of the site can be older: report.az began in 2014 (its oldest pages, site-facts);
#: 2010-01-01 leaves room. A date before it is a claim no page makes truthfully.
SITE_FIRST = datetime(2010, 1, 1, tzinfo=BAKU)


def implausible_date(moment: datetime, now: datetime, skew: timedelta) -> str | None:
    """Why ``moment``, a date a page claims, cannot be true: before the site existed
    (:data:`SITE_FIRST`) or later than ``now`` plus the allowed clock ``skew``; None when
    plausible."""
    if moment < SITE_FIRST:
        return f"{moment.isoformat()} is before the site existed ({SITE_FIRST.date()})"
    if moment > now + skew:
        return f"{moment.isoformat()} is in the future (now {to_iso(now)})"
    return None


def parse_iso_or_none(value: object) -> datetime | None:
    """:func:`parse_iso` of a stored value, or None when it is missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_iso(value)
    except DateError:
        return None
