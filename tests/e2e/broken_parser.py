"""A Scrapy add-on for tests only: a crawl whose article extractor misses the tags of the
current layout.

``-s 'ADDONS={"tests.e2e.broken_parser.NoTags": 0}'`` replaces the current layout's ``tags``
method in the crawl's process so that it finds nothing (the way a broken selector would
behave); the older layouts keep theirs. ``scrapy reparse`` with the real extractor then has
something to fix, and something to leave alone.
"""

from __future__ import annotations

from typing import Any

ADDONS_SETTING = '{"tests.e2e.broken_parser.NoTags": 0}'


class NoTags:
    """Scrapy add-on: the current layout (``newscrawl.extract.article.Current``) finds no tags."""

    def update_settings(self, settings: Any) -> None:
        from newscrawl.extract.article import Current

        real = Current.tags

        def broken(page: Current) -> Any:
            return None if type(page) is Current else real(page)

        Current.tags = broken  # type: ignore[method-assign,assignment]
