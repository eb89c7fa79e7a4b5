"""``scrapy canary --base-url URL [--editions az,en,ru] [--save-fixtures DIR]``: a first look.

Runs the canary spider (newscrawl/canary/) against the site, prints a table of checks per
edition and the fields of the newest articles, and exits 0 only when every edition passes
every check, else 3 (the failing editions and checks are named). No output, stats or state is
written; ``--save-fixtures`` keeps the pages for review.
"""

from __future__ import annotations

import argparse
import sys
import time

from scrapy.commands import ScrapyCommand
from scrapy.robotstxt import RobotParser
from scrapy.utils.misc import load_object

from newscrawl.canary.checks import all_verdicts, exit_status, render
from newscrawl.canary.spider import CanarySpider
from newscrawl.commands._run import run_to_exit_code
from newscrawl.spiders.report import DEFAULT_BASE_URL


class Command(ScrapyCommand):
    """Check the site's editions quickly and politely before a real crawl."""

    requires_project = True

    def syntax(self) -> str:
        return "[--base-url URL] [--editions az,en,ru] [--save-fixtures DIR]"

    def short_desc(self) -> str:
        return "Check each edition of the site in under a minute; exit 0 when all pass"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--base-url", default=DEFAULT_BASE_URL, metavar="URL")
        parser.add_argument("--editions", default=None, metavar="LIST")
        parser.add_argument("--articles", default=2, type=int, metavar="N")
        parser.add_argument("--save-fixtures", default=None, metavar="DIR")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # nothing of a canary run may reach the state or the output directory
        self.settings.set("NEWSCRAWL_STATE", "", priority="cmdline")
        self.settings.set("NEWSCRAWL_ARCHIVE", "", priority="cmdline")
        if not opts.loglevel:
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        started = time.monotonic()
        code, crawler = run_to_exit_code(
            self.crawler_process,
            CanarySpider,
            editions=opts.editions,
            base_url=opts.base_url,
            articles=opts.articles,
            save_fixtures=opts.save_fixtures,
        )
        spider = crawler.spider
        if not isinstance(spider, CanarySpider):
            self.exitcode = code or 1
            return
        seen = spider.seen
        seen.elapsed = time.monotonic() - started
        parser_class = load_object(crawler.settings.get("ROBOTSTXT_PARSER"))
        robots: RobotParser = parser_class.from_crawler(crawler, seen.robots_body)
        verdicts = all_verdicts(seen, lambda url: robots.allowed(url, seen.user_agent))
        sys.stdout.write(render(seen, verdicts) + "\n")
        if spider.fixtures is not None:
            sys.stdout.write(
                f"fixtures: {len(spider.fixtures.written)} files in {spider.fixtures.directory}\n"
            )
        self.exitcode = exit_status(verdicts) or code
