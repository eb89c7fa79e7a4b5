"""A Scrapy add-on for tests only: a crawl whose article extractor misses the tags of the
current layout.

``-s 'ADDONS={"tests.e2e.broken_parser.NoTags": 0}'`` wraps the extractor's tag reader in the
crawl's process so that it finds nothing on current-layout pages (the way a broken selector
would behave); the older layouts keep theirs. ``scrapy reparse`` with the real extractor then
has something to fix, and something to leave alone.
"""

from __future__ import annotations

from typing import Any

ADDONS_SETTING = '{"tests.e2e.broken_parser.NoTags": 0}'


class NoTags:
    """Scrapy add-on: ``newscrawl.extract.article`` finds no tags on current-layout pages."""

    def update_settings(self, settings: Any) -> None:
        import newscrawl.extract.article as article
        from newscrawl.extract.layouts import CURRENT

        real = article.read_tags

        def broken(page: Any, layout: Any, *rest: Any) -> list[str]:
            return [] if layout is CURRENT else real(page, layout, *rest)

        article.read_tags = broken
