"""Running one crawler of a project command and turning its outcome into an exit status."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from newscrawl.extensions.state import EXIT_CODE_STAT


def run_to_exit_code(process: Any, spidercls: type, **kwargs: Any) -> tuple[int, Crawler]:
    """Run ``spidercls`` with ``kwargs``; 0 for a healthy, finished run, else the
    ``newscrawl/exit_code`` stat, or 1 (bootstrap failure, finish reason other than finished)."""
    crawler = process.create_crawler(spidercls)
    process.crawl(crawler, **kwargs)
    process.start()
    if process.bootstrap_failed:
        return 1, crawler
    stats = crawler.stats
    code = int(stats.get_value(EXIT_CODE_STAT, 0) or 0) if stats else 0
    reason = stats.get_value("finish_reason") if stats else None
    if code:
        return code, crawler
    if crawler.spider is None or reason not in (None, "finished"):
        return 1, crawler
    return 0, crawler
