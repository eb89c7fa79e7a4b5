"""``scrapy crawl`` that exits non-zero when the run went wrong, so cron and CI notice.

Scrapy's own command exits 0 whenever the spider started. This one also exits with the
crawler stat ``newscrawl/exit_code`` (75 when another run holds the state lock, 3 when a
health check failed), and 1 for any finish reason other than ``finished``.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl.extensions.state import EXIT_CODE_STAT


class Command(ScrapyCrawlCommand):
    """Run a spider; exit status 0 only for a healthy, finished run."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("run one spider: scrapy crawl report [-a name=value ...]")
        assert self.crawler_process is not None
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        stats = crawler.stats
        code = int(stats.get_value(EXIT_CODE_STAT, 0) or 0) if stats else 0
        reason = stats.get_value("finish_reason") if stats else None
        if code:
            self.exitcode = code
        elif crawler.spider is None or reason not in (None, "finished"):
            self.exitcode = 1
