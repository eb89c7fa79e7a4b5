"""``scrapy reparse``: extract the archived pages again with the current code, offline.

Options select the records: ``--run RUN_ID`` (one run's archive files), ``--since``/``--until``
(the date the page was fetched, the record's ``WARC-Date``; ISO date or datetime, Baku time
when no offset; a date ``until`` includes that day), ``--editions az,en``; by default every
archived article. The site is never asked for anything (newscrawl/reparse/). Exit status as
``scrapy crawl``.
"""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from newscrawl.commands._run import run_to_exit_code
from newscrawl.reparse.spider import ReparseSpider


class Command(ScrapyCommand):
    """Re-extract archived pages; write a new revision where the output changed."""

    requires_project = True

    def syntax(self) -> str:
        return "[--run RUN_ID] [--since DATE] [--until DATE] [--editions az,en,ru]"

    def short_desc(self) -> str:
        return "Extract archived pages again, without the network"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--run", metavar="RUN_ID", help="only this run's archive files")
        parser.add_argument("--since", metavar="DATE", help="pages fetched at or after DATE")
        parser.add_argument("--until", metavar="DATE", help="pages fetched before/on DATE")
        parser.add_argument("--editions", metavar="LIST", help="comma list of editions")
        parser.add_argument("--base-url", metavar="URL", help="site root (default: detected)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        self.exitcode, _ = run_to_exit_code(
            self.crawler_process,
            ReparseSpider,
            run=opts.run,
            since=opts.since,
            until=opts.until,
            editions=opts.editions,
            base_url=opts.base_url,
        )
