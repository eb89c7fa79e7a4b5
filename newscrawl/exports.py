"""The files a run writes through Scrapy's feed exports: one JSON Lines file per language.

``output/<language>/report-<run_id>.jsonl`` (``run_id`` is the spider's start time); the
rejects of the run go to ``output/rejects/report-<run_id>.jsonl`` (see
:mod:`newscrawl.extensions.rejects`). Nothing read from a page takes part in a path: the
languages come from the editions table. ("Feed" in this project's own names means the site's
latest-news feed; Scrapy's ``FEEDS`` setting keeps its name.)
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.extensions.feedexport import FileFeedStorage, ItemFilter

from newscrawl.editions import LANGUAGES
from newscrawl.items import ARTICLE_FIELDS, Article


class UnbufferedFileFeedStorage(FileFeedStorage):
    """Local feed files opened without a write buffer.

    Each exported line then reaches the operating system in one ``write`` before the item's
    ``item_scraped`` handlers run, so the state store never records an article whose line is
    still sitting in a buffer when the process is killed.
    """

    def open(self, spider: Spider) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(self.write_mode, buffering=0)


class LanguageFilter(ItemFilter):
    """Accepts the articles of the language named by the feed's ``language`` option."""

    def __init__(self, feed_options: dict[str, Any] | None) -> None:
        super().__init__(feed_options)
        self.language = (feed_options or {}).get("language")

    def accepts(self, item: Any) -> bool:
        return isinstance(item, Article) and item.language == self.language


def output_path(output_dir: str | Path, kind: str, run_id: str) -> Path:
    """Where a run's file of one kind (a language or ``rejects``) lives."""
    return Path(output_dir) / kind / f"report-{run_id}.jsonl"


def exports_setting(output_dir: str | Path) -> dict[str, dict[str, Any]]:
    """The ``FEEDS`` setting for an output directory: one feed export per language."""
    root = Path(output_dir).resolve()
    common = {"format": "jsonlines", "encoding": "utf-8", "store_empty": False, "overwrite": False}
    feeds: dict[str, dict[str, Any]] = {}
    for language in LANGUAGES:
        feeds[str(root / language / "report-%(run_id)s.jsonl")] = {
            **common,
            "fields": list(ARTICLE_FIELDS),
            "item_filter": LanguageFilter,
            "language": language,
        }
    return feeds
