"""``scrapy crawl`` that checks the spider's arguments and the settings before Scrapy starts (one
line per problem on stderr, exit 1) and exits with :func:`newscrawl.run.exit_status` after the
crawl, so cron and CI notice a run that went wrong (Scrapy's own command exits 0).
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

exit status (one line names each fault):
  0   finished and healthy (health warnings do not change it)
  1   bad argument or setting (one line on stderr), an unreadable state, or the crawl did
      not finish (one Ctrl-C or SIGTERM: a graceful stop)
  3   a health check failed (output/stats/report-<run_id>.json, "health"), the site
      unreachable or its robots.txt unavailable included (one line per edition)
  73  the output folder cannot be written (read-only, a file in its place); nothing crawled
  74  a write failed during the run (disk full); the next run recovers what was written
  75  another run holds the state lock; nothing was crawled
  130 a forced shutdown (a second Ctrl-C or SIGTERM) cut the run before it closed; the next
      run recovers what was written

Settings: docs/arguments.md. Quiet for schedules: -s LOG_LEVEL=WARNING.
"""


class Command(ScrapyCrawlCommand):
    """Run a spider; exit status 0 only for a healthy, finished run."""

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = HELP

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # an unknown spider is left to Scrapy, which reports it
        loader = get_spider_loader(self.settings) if len(args) == 1 else None
        spider_class = loader.load(args[0]) if loader and args[0] in loader.list() else None
        validate = getattr(spider_class, "validate_arguments", None)
        errors: list[str] = validate(dict(opts.spargs), self.settings) if validate else []
        for error in errors:
            print(f"scrapy crawl {args[0]}: error: {error}", file=sys.stderr)
        if errors:
            raise SystemExit(1)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("run one spider: scrapy crawl report [-a name=value ...]")
        from newscrawl.run import EXIT_FORCED, exit_status  # not when every command starts

        process = self.crawler_process
        assert process is not None
        crawler = process.create_crawler(args[0])
        process.crawl(crawler, **opts.spargs)
        process.start()
        failed = process.bootstrap_failed or crawler.spider is None
        self.exitcode = 1 if failed else exit_status(crawler.stats)
        if self.exitcode == EXIT_FORCED:
            print(
                f"scrapy crawl {args[0]}: the run was cut by a forced shutdown before it closed;"
                f" the next run recovers what it wrote (exit status {EXIT_FORCED})",
                file=sys.stderr,
            )
