"""The editions table: everything that differs between az, en and ru lives here, as data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edition:
    """One edition of the site (a language with its own URL prefix, feed and vocabulary)."""

    code: str
    prefix: str  # path prefix without trailing slash: "" for az, "/en", "/ru"
    feed_fallback_path: str  # used only when the home page has no feed link
    feed_link_texts: tuple[str, ...]  # visible text of the home page's link to the feed
    months: dict[str, int]  # lower-case month names (all cases seen) -> month number
    badge_labels: dict[str, str]  # lower-case visible badge -> normalised badge
    cities: tuple[str, ...] = field(default=())  # dateline cities, for information

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
