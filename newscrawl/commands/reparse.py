"""``scrapy reparse [--run RUN_ID] [--since DATE] [--until DATE] [--editions az,en]``: its
selection, dates and exit statuses are in the README, "Re-extraction without the network"."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from scrapy.commands import ScrapyCommand


class Command(ScrapyCommand):
    """Re-extract archived pages; write a new revision where the output changed."""

    requires_project = True
    requires_crawler_process = False  # started only when there is something to extract

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

    def _say(self, line: str, code: int) -> None:
        line += "" if code else "; nothing to extract again"
        (sys.stderr if code else sys.stdout).write(f"scrapy reparse: {line}\n")
        self.exitcode = code

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        # the spider and the extractors are imported here, not when any scrapy command starts
        from scrapy.crawler import AsyncCrawlerProcess

        from newscrawl.archive import archive_dir, archive_files
        from newscrawl.arguments import SpiderArguments
        from newscrawl.reparse import ReparseSpider, detect_site, matching_runs, select
        from newscrawl.run import exit_status
        from newscrawl.site import SiteUrls, parse_editions

        assert self.settings is not None
        directory = archive_dir(self.settings)
        if directory is None:
            return self._say("error: NEWSCRAWL_ARCHIVE is off: there is no archive to reparse", 1)
        runs: list[str | None] = [*matching_runs(directory, opts.run)] if opts.run else [None]
        if len(runs) > 1:
            matches = ", ".join(map(str, runs))
            return self._say(f"--run {opts.run} is ambiguous: it matches {matches}", 2)
        if not runs:
            return self._say(f"no archived run matches --run {opts.run} in {directory}", 0)
        try:
            given = {"since": opts.since, "until": opts.until, "editions": opts.editions}
            parsed = SpiderArguments.parse({k: v for k, v in given.items() if v is not None})
            since, until = parsed.since, parsed.until
            editions = parse_editions(",".join(parsed.editions))
            site = SiteUrls(opts.base_url) if opts.base_url else None
        except ValueError as exc:
            return self._say(f"error: {exc}", 1)
        if until is not None and len(opts.until.strip()) == 10:
            until += timedelta(days=1)  # a date names the whole day
        run = runs[0]
        files = archive_files(directory, run)
        limit = self.settings.getint("DOWNLOAD_MAXSIZE")  # no record is inflated past it
        detected = detect_site(files, limit)
        if site is None and detected is None:
            return self._say(f"no archived page in {directory}", 0)
        selection = select(
            files, site or SiteUrls(str(detected)), since, until, editions, limit, run
        )
        for url, (_, detail) in selection.skipped.items():
            sys.stderr.write(f"scrapy reparse: skipped {url}: too_large: {detail}\n")
        if not selection.articles and not selection.skipped:
            wanted = f"run={run}, since={opts.since}, until={opts.until}, editions={opts.editions}"
            line = f"no archived article page matches ({wanted}) among {selection.responses}"
            return self._say(f"{line} records of {len(files)} files", 0)
        process = AsyncCrawlerProcess(self.settings)
        crawler = process.create_crawler(ReparseSpider)
        # the editions with something to extract (health is judged per edition)
        chosen = [language for language, _, _ in selection.articles.values()]
        chosen += [language for language, _ in selection.skipped.values()]
        editions_found = sorted(set(chosen))
        arguments = {"since": opts.since, "until": opts.until, "editions": ",".join(editions_found)}
        process.crawl(crawler, selection=selection, **arguments)
        process.start()
        self.exitcode = 1 if process.bootstrap_failed else exit_status(crawler.stats)
