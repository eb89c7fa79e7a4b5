"""Running one crawler of a project command and turning its outcome into an exit status."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from newscrawl.run import exit_status


def run_to_exit_code(process: Any, spidercls: type | str, **kwargs: Any) -> tuple[int, Crawler]:
    """Run ``spidercls`` with ``kwargs``; its exit status (:func:`newscrawl.run.exit_status`),
    or 1 when it did not start."""
    crawler = process.create_crawler(spidercls)
    process.crawl(crawler, **kwargs)
    process.start()
    if process.bootstrap_failed:
        return 1, crawler
    if crawler.spider is None:
        return 1, crawler
    return exit_status(crawler.stats), crawler
