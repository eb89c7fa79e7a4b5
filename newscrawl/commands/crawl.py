"""``scrapy crawl`` that exits non-zero when the run went wrong, so cron and CI notice.

Scrapy's own command exits 0 whenever the spider started. This one also exits with the
crawler stat ``newscrawl/exit_code``, else the spider's ``exit_code`` (set when the state is
locked by another run, or when a health check failed), and 1 for any finish reason other
than ``finished``.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError


class Command(ScrapyCrawlCommand):
    """Run a spider; exit status 0 only for a healthy, finished run."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("run one spider: scrapy crawl report [-a name=value ...]")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        stat_code = crawler.stats.get_value("newscrawl/exit_code") if crawler.stats else None
        if stat_code:
            spider_code = stat_code
        else:
            spider_code = getattr(crawler.spider, "exit_code", 0) if crawler.spider else 1
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        if spider_code:
            self.exitcode = int(spider_code)
        elif reason not in (None, "finished"):
            self.exitcode = 1
