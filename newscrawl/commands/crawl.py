"""``scrapy crawl`` that checks its arguments first and exits non-zero when the run went wrong,
so cron and CI notice.

Scrapy's own command exits 0 whenever the spider started. This one first asks the spider class
to check the ``-a`` arguments and the settings (``validate_arguments``): a problem ends the
command before Scrapy starts, with one line per problem on stderr and exit status 1. After the
crawl it exits with :func:`newscrawl.run.exit_status`: 75 when another run holds the state
lock, 1 when the state cannot be read or for any finish reason other than ``finished`` (Ctrl-C
included), 3 when a health check failed. ``scrapy crawl report -h`` lists the arguments and
exit statuses (``docs/arguments.md`` has the full reference).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

HELP = """\
report spider arguments (-a NAME=VALUE):
  editions=az,en,ru      comma list of editions (default: all three)
  base_url=URL           site root (default https://report.az; the replica: http://127.0.0.1:PORT)
  since=DATE             ISO date or datetime, Baku time without offset: stop at older cards
  until=DATE             with mode=archive the last day; in latest mode newer cards are skipped
  max_pages=N            feed pages per edition (default 10, at least 1)
  mode=latest|archive    the latest-news feed, or the date archive from since to until
  follow_translations=0|1  also fetch the other editions' versions of each article
  recheck_hours=H        re-fetch known articles younger than H hours (default 0)

exit status:
  0   finished and healthy (health warnings do not change it)
  1   bad argument or setting (one line on stderr), an unreadable state, or the crawl did
      not finish (Ctrl-C included)
  3   a health check failed (output/stats/report-<run_id>.json, "health")
  75  another run holds the state lock; nothing was crawled

Settings: docs/arguments.md. Quiet for schedules: -s LOG_LEVEL=WARNING.
"""


class Command(ScrapyCrawlCommand):
    """Run a spider; exit status 0 only for a healthy, finished run."""

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = HELP

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Scrapy's options, then the spider's check of its arguments and the settings, before
        the crawler process exists (so before Scrapy logs anything)."""
        super().process_options(args, opts)
        if len(args) != 1:
            return
        errors = self.argument_errors(args[0], opts.spargs)
        if errors:
            for error in errors:
                print(f"scrapy crawl {args[0]}: error: {error}", file=sys.stderr)
            raise SystemExit(1)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("run one spider: scrapy crawl report [-a name=value ...]")
        from newscrawl.run import exit_status  # not when every scrapy command starts

        process = self.crawler_process
        assert process is not None
        crawler = process.create_crawler(args[0])
        process.crawl(crawler, **opts.spargs)
        process.start()
        failed = process.bootstrap_failed or crawler.spider is None
        self.exitcode = 1 if failed else exit_status(crawler.stats)

    def argument_errors(self, name: str, spargs: dict[str, str]) -> list[str]:
        """What the spider class finds wrong with the arguments and settings (none: [])."""
        assert self.settings is not None
        try:
            spider_class = get_spider_loader(self.settings).load(name)
        except KeyError:
            return []  # Scrapy reports an unknown spider itself
        validate = getattr(spider_class, "validate_arguments", None)
        if validate is None:
            return []
        errors: list[str] = validate(dict(spargs), self.settings)
        return errors
