"""URL rules of the site: canonical form, edition of a path, what is an article.

Every URL the crawler builds or accepts goes through :class:`SiteUrls`, made from the
``base_url`` spider argument, so the same code crawls report.az and the local replica.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from newscrawl.editions import EDITIONS, Edition

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
        """True when ``url`` is on the configured host or one of its aliases (www., dev., m.);
        a relative link is on the site."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https", ""):
            return False
        host = (parts.hostname or "").lower()
        if not host:
            return parts.scheme == ""  # a relative link
        return self._is_own_host(host)

    def _is_own_host(self, host: str) -> bool:
        return host == self.host or any(host == alias + self.host for alias in _HOST_ALIASES)

    def _canonical_segments(self, url: str) -> list[str] | None:
        """The canonical path segments of an on-site URL; None when off-site or malformed."""
        url = url.strip()
        absolute = url if url.startswith(("http://", "https://")) else self.absolute(url)
        try:
            parts = urlsplit(absolute)
            host = (parts.hostname or "").lower()
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not self._is_own_host(host):
            return None
        return self._segments(parts.path)

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


def article_id_from_short_link(value: str | None) -> int | None:
    """The numeric id at the end of the short link (``report.az/en/123456``), or None."""
    if not value:
        return None
    match = _SHORT_ID.search(value.strip())
    return int(match.group(1)) if match else None
