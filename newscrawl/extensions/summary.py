"""The run summary: per edition found, new, updated, unchanged, dropped by reason, field
coverage, requests, errors, why and where the feed walk stopped; the run's arguments, job,
code version and files; logged as a table and written to ``output/stats/report-<run_id>.json``
(schema: ``docs/schemas/stats.schema.json``; every run writes the same keys).

At ``spider_closed`` the run's files are put in place first (:mod:`newscrawl.publish`), the
figures are computed, then the Spidermon health suite runs on them
(``newscrawl/monitors/suites.py``: monitors, then alert actions), then the stats file is
written, last, with the suite's verdict under ``health``. ``NEWSCRAWL_RUN_STATS = False``
(``scrapy check``) writes no stats file and runs no checks.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.extensions.state import EXIT_CODE_STAT, CrawlState
from newscrawl.items import Article, Reject
from newscrawl.pipelines import Rejected
from newscrawl.publish import publish_run, remove_old_files
from newscrawl.runinfo import code_version
from newscrawl.state.recovery import previous_run

#: Fields whose coverage (share of exported articles with a non-empty value) is reported.
COVERAGE_FIELDS = (
    "url",
    "title",
    "body",
    "published_at",
    "article_id",
    "lead",
    "modified_at",
    "category",
    "tags",
    "images",
    "translations",
    "badges",
)


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


class EditionTally:
    """What one edition's exported and rejected items added up to."""

    def __init__(self) -> None:
        self.exported = 0
        self.by_revision: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.filled: Counter[str] = Counter()
        self.layouts: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.flagged = 0

    def add_article(self, article: Article) -> None:
        self.exported += 1
        self.by_revision["new" if article.revision == 1 else "updated"] += 1
        self.layouts[article.layout] += 1
        if article.warnings:
            self.flagged += 1
        for warning in article.warnings:
            self.warnings[warning.split(":", 1)[0] if ":" in warning else "other"] += 1
        for name in COVERAGE_FIELDS:
            if _filled(getattr(article, name)):
                self.filled[name] += 1

    def coverage(self) -> dict[str, float]:
        if not self.exported:
            return {name: 0.0 for name in COVERAGE_FIELDS}
        return {name: round(self.filled[name] / self.exported, 4) for name in COVERAGE_FIELDS}


def reason_kind(reason: str) -> str:
    """A reject reason as a stable code: ``duplicate_of:<url>`` (the old form) and
    ``duplicate_of`` (the URL in ``detail``) are both ``duplicate_of``."""
    return "duplicate_of" if reason.startswith("duplicate_of:") else reason


class RunSummary:
    """Collects per-edition figures during the run and reports them when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.tallies: defaultdict[str, EditionTally] = defaultdict(EditionTally)
        self.started = datetime.now(UTC)
        self.last_path: Path | None = None
        self.previous_run: dict[str, Any] = {"finished": None, "recovered_articles": 0}
        self.pending: tuple[dict[str, Any], Spider, str, Path] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        """After the state extension opened (and recovered) the state: what it found."""
        self.previous_run = previous_run(CrawlState.of(self.crawler).store)
        # TEMP for health until core lands: the run-level stats of the stats contract
        stats = self.crawler.stats
        assert stats is not None
        kind = {"report": "crawl"}.get(spider.name, spider.name)
        stats.set_value("newscrawl/mode", getattr(spider, "mode", None))
        stats.set_value("newscrawl/kind", kind)
        stats.set_value("newscrawl/run_id", str(getattr(spider, "run_id", "")))
        stats.set_value("newscrawl/editions", [e.code for e in getattr(spider, "editions", [])])
        scheduled = kind == "crawl" and bool(getattr(spider, "records_walks", False))
        stats.set_value("newscrawl/scheduled", scheduled)

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, Article):
            self.tallies[item.language].add_article(item)
            # TEMP for health until core lands: the per-edition counts of the stats contract
            stats, prefix = self.crawler.stats, f"newscrawl/{item.language}/"
            assert stats is not None
            stats.inc_value(prefix + "exported")
            stats.inc_value(prefix + ("new" if item.revision == 1 else "updated"))
            stats.inc_value(prefix + f"layout/{item.layout}")
            if item.warnings:
                stats.inc_value(prefix + "flagged")
            for warning in item.warnings:
                kind = warning.split(":", 1)[0] if ":" in warning else "other"
                stats.inc_value(prefix + f"warning/{kind}")
            for name in COVERAGE_FIELDS:
                if _filled(getattr(item, name)):
                    stats.inc_value(prefix + f"filled/{name}")

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        """A :class:`Rejected` drop counts under its reason; a plain drop (an unchanged
        article) does not (the pipeline counts it as ``unchanged``)."""
        if isinstance(exception, Rejected):
            self.add_reject(exception.reject)

    def add_reject(self, reject: Reject) -> None:
        self.tallies[reject.language or "unknown"].dropped[reason_kind(reject.reason)] += 1
        if self.crawler.stats is not None:  # TEMP for health until core lands
            kind = reject.reason.split(":", 1)[0]
            self.crawler.stats.inc_value(f"newscrawl/{reject.language or 'unknown'}/dropped/{kind}")

    def editions_summary(self, spider: Spider) -> dict[str, dict[str, Any]]:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        codes = [e.code for e in getattr(spider, "editions", [])]
        codes += [code for code in self.tallies if code not in codes]
        result: dict[str, dict[str, Any]] = {}
        for code in codes:
            tally = self.tallies[code]
            prefix = f"newscrawl/{code}/"
            own = {
                key[len(prefix) :]: value for key, value in stats.items() if key.startswith(prefix)
            }
            responses = {
                k.split("/", 1)[1]: v for k, v in own.items() if k.startswith("responses/")
            }
            # errors/transient counts again some of the other errors/ (a sub-total)
            errors = sum(
                v for k, v in own.items() if k.startswith("errors/") and k != "errors/transient"
            )
            result[code] = {
                "found": own.get("found", 0),
                "exported": tally.exported,
                "new": tally.by_revision["new"],
                "updated": tally.by_revision["updated"],
                "unchanged": own.get("unchanged", 0) + own.get("known_skipped", 0),
                "not_requested_known": own.get("known_skipped", 0),
                "dropped": dict(sorted(tally.dropped.items())),
                "dropped_total": sum(tally.dropped.values()),
                "duplicates": {
                    k.split("/", 1)[1]: v for k, v in own.items() if k.startswith("duplicates/")
                },
                "flagged": tally.flagged,
                "warnings": dict(sorted(tally.warnings.items())),
                "layouts": dict(sorted(tally.layouts.items())),
                "coverage": tally.coverage(),
                "feed_pages": own.get("feed_pages", 0),
                "requests": own.get("requests", 0),
                "responses": dict(sorted(responses.items())),
                "retries": own.get("retries", 0),
                "errors": errors,
                "transient_errors": own.get("errors/transient", 0),
                **self.walk_figures(code, own),
            }
        return result

    def walk_figures(self, code: str, own: dict[str, Any]) -> dict[str, Any]:
        """How the edition's feed walk ended, the holes the state holds, and what each part
        of the run cost in requests."""
        state = CrawlState.of(self.crawler)
        return {
            "walk": {
                "stop_reason": own.get("walk/stop_reason"),
                "stop_cursor": _text_or_none(own.get("walk/stop_cursor")),
            },
            "holes": state.holes(code),
            "cost": {
                "feed_pages": own.get("feed_pages", 0),
                "hole_pages": own.get("hole_pages", 0),
                "edited_cards": own.get("edited_cards", 0),
                "rechecks": own.get("rechecks", 0),
                "rss": own.get("cost/rss", 0),
                "sitemap": own.get("cost/sitemap", 0),
            },
            "feed_source": _text_or_none(own.get("feed_source")),
            "rss_missed": own.get("rss_missed", 0),
        }

    def _stat(self, key: str) -> Any:
        return self.crawler.stats.get_value(key, 0) if self.crawler.stats else 0

    def spider_closed(self, spider: Spider, reason: str) -> None:
        settings = self.crawler.settings
        output_dir = Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output")
        run_id = str(getattr(spider, "run_id", self.started.strftime("%Y-%m-%dT%H-%M-%S")))
        files = publish_run(output_dir, run_id)
        if not settings.getbool("NEWSCRAWL_RUN_STATS", True):
            return
        finished = datetime.now(UTC)
        retention_days = settings.getfloat("NEWSCRAWL_RETENTION_DAYS", 0)
        summary: dict[str, Any] = {
            "spider": spider.name,
            "run_id": run_id,
            "job_id": getattr(spider, "job_id", None),
            "version": code_version(),
            "arguments": getattr(spider, "arguments", {}),
            "base_url": getattr(spider, "base_url", None),
            "mode": getattr(spider, "mode", None),
            "started_at": self.started.isoformat(timespec="seconds"),
            "finished_at": finished.isoformat(timespec="seconds"),
            "duration_seconds": round((finished - self.started).total_seconds(), 3),
            "finish_reason": reason,
            "exit_code": 0,
            "site_requests": self._stat("downloader/request_count"),
            "state": {
                "path": settings.get("NEWSCRAWL_STATE") or None,
                "locked": reason == "state_locked",
            },
            "previous_run": self.previous_run,
            "editions": self.editions_summary(spider),
            "files": files,
            "retention": {
                "days": retention_days or None,
                "removed": remove_old_files(output_dir, retention_days),
            },
            "health": {"checked": False, "ok": None, "failures": [], "warnings": []},
        }
        # TEMP for health until core lands: the holes and firewall stats of the stats
        # contract, set before Spidermon's spider_closed runs the health suite (its extension
        # is connected after this one); the stats file is written at engine_stopped, with the
        # health, window and trend the suite put in the stats
        stats = self.crawler.stats
        assert stats is not None
        now = datetime.now(UTC)
        for code, figures in summary["editions"].items():
            holes = figures.get("holes") or []
            stats.set_value(f"newscrawl/{code}/holes", len(holes))
            ages = [
                (now - datetime.fromisoformat(str(h["since"]))).total_seconds() / 3600
                for h in holes
                if h.get("since")
            ]
            stats.set_value(f"newscrawl/{code}/holes/oldest_hours", max(ages, default=0.0))
            if stats.get_value(f"newscrawl/{code}/firewall/stopped"):
                stats.set_value(f"newscrawl/{code}/firewall_stopped", 1)
        self.pending = (summary, spider, reason, output_dir / "stats" / f"report-{run_id}.json")

    def engine_stopped(self) -> None:
        """TEMP for health until core lands: the stats file, after the health suite ran."""
        if self.pending is None:
            return
        summary, spider, reason, path = self.pending
        stats = self.crawler.stats
        assert stats is not None
        default: dict[str, Any] = {"checked": False, "ok": None, "failures": [], "warnings": []}
        summary["health"] = stats.get_value("newscrawl/health") or default
        for code, figures in summary["editions"].items():
            figures["window"] = stats.get_value(f"newscrawl/{code}/window")
            figures["trend"] = stats.get_value(f"newscrawl/{code}/trend")
        summary["exit_code"] = self.exit_code(reason)
        write_json_atomically(path, summary)
        self.last_path = path
        spider.logger.info("Run summary (%s):\n%s", path, format_summary(summary))

    def exit_code(self, reason: str) -> int:
        """The exit status ``scrapy crawl`` will give (``newscrawl/commands/crawl.py``)."""
        code = int(self._stat(EXIT_CODE_STAT) or 0)
        if code:
            return code
        return 0 if reason == "finished" else 1


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def write_json_atomically(path: Path, data: Any) -> None:
    """Write JSON to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    # mkstemp makes the file 0600; a stats file is read like the JSON Lines (0666 - umask)
    os.fchmod(handle, 0o666 & ~current_umask())
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(data, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    os.replace(temporary, path)


def _walk_lines(figures: dict[str, Any]) -> list[str]:
    """How the walk ended, what each part cost, and the holes left (when there is a walk)."""
    walk, cost = figures.get("walk") or {}, figures.get("cost") or {}
    lines = []
    if figures.get("feed_source"):
        lines.append(
            f"feed source: {figures['feed_source']}; RSS cross-check: "
            f"{figures.get('rss_missed', 0)} missed by the walk"
        )
    if walk.get("stop_reason"):
        lines.append(
            f"walk stopped: {walk['stop_reason']}; requests: {cost.get('feed_pages', 0)} feed "
            f"pages, {cost.get('hole_pages', 0)} hole pages, {cost.get('edited_cards', 0)} "
            f"edited headlines, {cost.get('rechecks', 0)} re-checks"
        )
    for hole in figures.get("holes") or []:
        lines.append(
            f"HOLE in the feed from {hole['from']} to {hole['to']} (since {hole['since']}): "
            "later runs walk it"
        )
    return lines


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def format_summary(summary: dict[str, Any]) -> str:
    """A plain-text table of the per-edition figures."""
    header = (
        f"{'edition':<8}{'found':>7}{'new':>7}{'updated':>9}{'unchanged':>11}"
        f"{'dropped':>9}{'requests':>10}{'errors':>8}"
    )
    lines = [header, "-" * len(header)]
    for code, figures in summary["editions"].items():
        lines.append(
            f"{code:<8}{figures['found']:>7}{figures['new']:>7}{figures['updated']:>9}"
            f"{figures['unchanged']:>11}{figures['dropped_total']:>9}{figures['requests']:>10}"
            f"{figures['errors']:>8}"
        )
        if figures["dropped"]:
            reasons = ", ".join(f"{reason}={count}" for reason, count in figures["dropped"].items())
            lines.append(f"{'':<8}dropped: {reasons}")
        lines.extend(f"{'':<8}{line}" for line in _walk_lines(figures))
    lines.append(
        f"finish reason: {summary['finish_reason']}; duration {summary['duration_seconds']} s"
    )
    health = summary.get("health")
    if health is not None and health.get("checked", True):
        failed = [f"{f['edition']} {f['check']}" for f in health["failures"]]
        warned = [f"{f['edition']} {f['check']}" for f in health.get("warnings") or []]
        lines.append("health: ok" if health["ok"] else f"health: FAILED ({', '.join(failed)})")
        if warned:
            lines.append(f"health warnings: {', '.join(warned)}")
    return "\n".join(lines)
