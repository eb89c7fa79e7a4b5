"""The files a run writes through Scrapy's feed exports: one JSON Lines file per language.

``output/<language>/report-<run_id>.jsonl`` (``run_id``: the start time and the job, see
:mod:`newscrawl.runinfo`); the rejects of the run go to ``output/rejects/report-<run_id>.jsonl``
(see :mod:`newscrawl.extensions.rejects`). While the run goes on each file is written under a
temporary name, ``.report-<run_id>.jsonl.part`` (hidden, and not matched by ``*.jsonl``), and
renamed into place when the run closes (:mod:`newscrawl.publish`), or by the next run's
recovery after a kill. Nothing read from a page takes part in a path: the
languages come from the editions table. ("Feed" in this project's own names means the site's
latest-news feed; Scrapy's ``FEEDS`` setting keeps its name.)
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import IO, Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exporters import JsonLinesItemExporter
from scrapy.extensions.feedexport import FileFeedStorage, ItemFilter
from scrapy.settings import BaseSettings

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


#: The per-language feeds' exporter format (settings.FEED_EXPORTERS).
ARTICLE_FORMAT = "newscrawl_jsonlines"
PART_SUFFIX = ".part"

_written: weakref.WeakKeyDictionary[Crawler, set[str]] = weakref.WeakKeyDictionary()


class ArticleLinesExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter that notes each article it wrote to a per-language file,
    so the state records only articles that reached ``output/<language>/``
    (:func:`take_written`)."""

    def __init__(self, file: IO[bytes], *, crawler: Crawler | None = None, **kwargs: Any):
        super().__init__(file, **kwargs)  # type: ignore[arg-type]  # any binary file
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, file: IO[bytes], *args: Any, **kwargs: Any) -> Self:
        return cls(file, *args, crawler=crawler, **kwargs)

    def export_item(self, item: Any) -> None:
        super().export_item(item)
        if self.crawler is not None and isinstance(item, Article):
            note_written(self.crawler, item)


def note_written(crawler: Crawler, article: Article) -> None:
    """The article's line is in its per-language file."""
    _written.setdefault(crawler, set()).add(article.url)


def take_written(crawler: Crawler, url: str) -> bool:
    """True once if a per-language feed wrote the article of ``url`` since the last call."""
    urls = _written.get(crawler)
    if urls is None or url not in urls:
        return False
    urls.discard(url)
    return True


def output_path(output_dir: str | Path, kind: str, run_id: str) -> Path:
    """Where a run's finished file of one kind (a language or ``rejects``) lives."""
    return Path(output_dir) / kind / f"report-{run_id}.jsonl"


def part_path(output_dir: str | Path, kind: str, run_id: str) -> Path:
    """The temporary name of that file while its run writes it."""
    return Path(output_dir) / kind / f".report-{run_id}.jsonl{PART_SUFFIX}"


def merge_feeds(settings: BaseSettings, ours: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The feeds a user gave (``-o``/``-O``, ``FEEDS``, Scrapyd's ``items_dir``) plus ours: a
    user's feed is written beside the per-language files, never instead of them."""
    try:
        given = settings.getdict("FEEDS")
    except (TypeError, ValueError):
        given = {}
    merged: dict[str, Any] = {str(uri): dict(options or {}) for uri, options in given.items()}
    merged.update(ours)
    return merged


def exports_setting(output_dir: str | Path) -> dict[str, dict[str, Any]]:
    """The ``FEEDS`` setting for an output directory: one feed export per language."""
    root = Path(output_dir).resolve()
    common = {
        "format": ARTICLE_FORMAT,
        "encoding": "utf-8",
        "store_empty": False,
        "overwrite": False,
    }
    feeds: dict[str, dict[str, Any]] = {}
    for language in LANGUAGES:
        feeds[str(part_path(root, language, "%(run_id)s"))] = {
            **common,
            "fields": list(ARTICLE_FIELDS),
            "item_filter": LanguageFilter,
            "language": language,
        }
    return feeds
