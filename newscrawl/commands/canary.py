"""``scrapy canary [--base-url URL] [--editions az,en,ru] [--save-fixtures DIR]``: one polite
``max_pages=1`` crawl, judged from what it recorded (README, "First run against the live site")."""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand

KNOWN_LAYOUTS = ("current", "2019", "oldest")
EXIT_FAILED = 3


def judge(code: str, stats: dict[str, Any], articles: list[dict[str, Any]]) -> list[Any]:
    """``(edition, check, ok, detail)`` rows of one edition, from the crawl's stats and items:
    ``home`` answered, ``feed_link`` (the home page links to the feed), ``feed`` (a feed page
    with cards), ``article`` (articles with every required field and a known layout)."""
    from newscrawl.items import REQUIRED_FIELDS

    own = {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith(f"newscrawl/{code}/")}
    answers = ", ".join(f"{k[10:]}: {v}" for k, v in own.items() if k.startswith("responses/"))
    source, pages, found = own.get("feed_source"), own.get("feed_pages", 0), own.get("found", 0)
    problems = {}
    for item in articles:
        if item.get("layout") not in KNOWN_LAYOUTS:
            problems[f"layout {item.get('layout')!r}: the article markup is not recognised"] = 1
        if missing := [name for name in REQUIRED_FIELDS if item.get(name) in (None, "", [])]:
            problems[f"missing {', '.join(missing)}"] = 1
    layouts = ", ".join(sorted({str(item.get("layout")) for item in articles})) or "-"
    extracted = [f"{len(articles)} of {found} extracted ({layouts})", *problems]
    return [
        (code, "home", not own.get("errors/home") and bool(answers), f"responses {answers}"),
        (code, "feed_link", source == "home_link", f"feed from {source or 'nowhere'}"),
        (code, "feed", pages > 0 and found > 0, f"{pages} feed page(s), {found} article cards"),
        (code, "article", bool(articles) and not problems, "; ".join(extracted)),
    ]


class Command(ScrapyCommand):
    """Check the site's editions quickly and politely before a real crawl."""

    requires_project = True

    def syntax(self) -> str:
        return "[--base-url URL] [--editions az,en,ru] [--save-fixtures DIR]"

    def short_desc(self) -> str:
        return "Crawl one feed page of each edition and judge it; exit 0 when all pass"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--base-url", default="https://report.az", metavar="URL")
        parser.add_argument("--editions", default=None, metavar="LIST")
        parser.add_argument("--save-fixtures", default=None, metavar="DIR")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.output = Path(tempfile.mkdtemp(prefix="newscrawl-canary-"))
        for name, value in {
            "NEWSCRAWL_OUTPUT_DIR": str(self.output),
            "NEWSCRAWL_STATE": "",  # nothing of a canary run may reach the state
            "NEWSCRAWL_ARCHIVE": "",
            "NEWSCRAWL_RUN_STATS": False,  # no stats file, no health checks, no alerts
            "NEWSCRAWL_RSS_CROSSCHECK": False,
            "LOG_LEVEL": opts.loglevel or "WARNING",
        }.items():
            self.settings.set(name, value, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from scrapy import signals

        started, seen, process = time.monotonic(), _Seen(opts.save_fixtures), self.crawler_process
        assert process is not None
        crawler = process.create_crawler(process.spider_loader.load("report"))
        crawler.signals.connect(seen.page, signal=signals.response_received)
        crawler.signals.connect(seen.item, signal=signals.item_scraped)
        try:
            process.crawl(crawler, base_url=opts.base_url, editions=opts.editions, max_pages=1)
            process.start()
        finally:
            shutil.rmtree(self.output, ignore_errors=True)
        stats = crawler.stats.get_stats() if crawler.stats else {}
        codes = [edition.code for edition in getattr(crawler.spider, "editions", [])]
        rows = [row for code in codes for row in judge(code, stats, seen.articles[code])]
        read, forbidden = (stats.get(f"robotstxt/{k}", 0) for k in ("response_count", "forbidden"))
        robots = f"robots.txt {'read' if read else 'not read'}, {forbidden} requests disallowed"
        if refused := stats.get("robotstxt/disallowed_all", 0):  # 5xx, no answer (RFC 9309)
            robots = "robots.txt unavailable: complete disallow (RFC 9309), see the log"
        rows.append(("site", "robots", bool(read) and not forbidden and not refused, robots))
        agent = crawler.settings.get("USER_AGENT")
        print(f"newscrawl canary: {opts.base_url} ({time.monotonic() - started:.1f} s, {agent!r})")
        print(f"\n{'edition':<8} {'check':<10} {'result':<6} detail\n{'-' * 100}")
        failing: dict[str, list[str]] = {}
        for edition, check, ok, detail in rows:
            print(f"{edition:<8} {check:<10} {'OK' if ok else 'FAIL':<6} {detail}")
            if not ok:
                failing.setdefault(edition, []).append(check)
        if seen.directory is not None:
            print(f"\nfixtures: {len(list(seen.directory.iterdir()))} files in {seen.directory}")
        named = "; ".join(f"{edition}: {', '.join(checks)}" for edition, checks in failing.items())
        passed = f"OK ({', '.join(codes)} passed every check)"
        print(f"\nRESULT: {f'FAIL ({named})' if failing else passed}", flush=True)
        finished = not process.bootstrap_failed and stats.get("finish_reason") == "finished"
        self.exitcode = 1 if not finished else EXIT_FAILED if failing else 0


class _Seen:
    """The articles of the crawl per edition; with a fixtures directory, every page read as
    ``<edition>-NNN-<callback>.<html|xml|txt>`` and an article's fields beside it as ``.json``
    (names never come from a page)."""

    def __init__(self, directory: str | None) -> None:
        self.directory = Path(directory) if directory else None
        self.articles: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.counters: Counter[str] = Counter()
        self.paths: dict[int, Path] = {}

    def page(self, response: Any, request: Any) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        kind = getattr(request.callback, "__name__", "page").removeprefix("parse_")
        kind = "robots" if request.url.endswith("/robots.txt") else kind
        content_type = response.headers.get(b"Content-Type") or b""
        suffix = next((s for s in ("html", "xml") if s.encode() in content_type), "txt")
        edition = request.meta.get("edition", "site")
        self.counters[edition] += 1
        path = self.directory / f"{edition}-{self.counters[edition]:03d}-{kind}.{suffix}"
        path.write_bytes(response.body)
        self.paths[id(response)] = path

    def item(self, item: Any, response: Any) -> None:
        fields = item.model_dump(mode="json")
        self.articles[fields["language"]].append(fields)
        if (path := self.paths.get(id(response))) is not None:
            text = json.dumps(fields, ensure_ascii=False, indent=2) + "\n"
            path.with_suffix(".json").write_text(text, encoding="utf-8")
