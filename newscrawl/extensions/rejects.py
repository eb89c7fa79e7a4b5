"""The rejects file of a run: ``output/rejects/report-<run_id>.jsonl``.

Every item the pipelines drop as :class:`~newscrawl.pipelines.Rejected` (a page that failed to
download or extract, an article that broke the schema, a duplicate) is written here, one
:class:`~newscrawl.items.Reject` per line, with Scrapy's JSON Lines exporter. The file is
created at the first reject (a run without rejects leaves none) and written unbuffered, like
the article files, under the temporary name ``.report-<run_id>.jsonl.part`` until the run
closes (:mod:`newscrawl.publish`).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exporters import JsonLinesItemExporter

from newscrawl.exports import part_path
from newscrawl.items import REJECT_FIELDS
from newscrawl.pipelines import Rejected


class RejectsExport:
    """Writes the reject record of each :class:`Rejected` drop (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.output_dir = Path(crawler.settings.get("NEWSCRAWL_OUTPUT_DIR") or "output")
        self.path: Path | None = None
        self._stream: IO[bytes] | None = None
        self._exporter: JsonLinesItemExporter | None = None
        #: Lines written in this run.
        self.written = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_dropped(self, item: Any, exception: BaseException, spider: Spider) -> None:
        if not isinstance(exception, Rejected):
            return
        if self._exporter is None:
            self.path = part_path(self.output_dir, "rejects", str(getattr(spider, "run_id", "")))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = self.path.open("ab", buffering=0)
            self._exporter = JsonLinesItemExporter(
                self._stream,  # type: ignore[arg-type]  # any binary file works
                fields_to_export=list(REJECT_FIELDS),
                encoding="utf-8",
            )
            self._exporter.start_exporting()
        self._exporter.export_item(exception.reject)
        self.written += 1

    def spider_closed(self, spider: Spider) -> None:
        if self._exporter is not None and self._stream is not None:
            self._exporter.finish_exporting()
            self._stream.close()
            self._exporter = self._stream = None
