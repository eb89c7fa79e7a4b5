"""Generated output folders of a long history, for measuring ``scrapy export`` at scale.

A 3-edition site with ``per_day`` new articles per edition and day, crawled ``runs_per_day``
times a day (every 10 minutes by default), written straight into the layout of
``docs/output.md`` without crawling: per run one JSON Lines file per edition that got
articles (a run with none writes no file, as the crawl does), a rejects file now and then, and
a stats file (``output/stats/report-<run_id>.json``) for every run, all with realistic lines:
each article line is a valid :class:`newscrawl.items.Article` (checked on the first lines of
each edition), most stories are linked across the three editions, and a few per cent of the
lines are revisions of an article of the last two days (``revision_reason`` ``crawl``).

    python -m tests.bench.history /tmp/history-day --days 1
    python -m tests.bench.history /tmp/history-year --days 365    # about a minute

:func:`add_run` appends the next run to a generated folder (the "one new run" of the
benchmark). Never commit a generated folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from newscrawl.items import Article, RunStats

BAKU = timezone(timedelta(hours=4))
START = datetime(2025, 1, 1, tzinfo=UTC)
EDITIONS = ("az", "en", "ru")
PREFIX = {"az": "https://report.az", "en": "https://report.az/en", "ru": "https://report.az/ru"}
CATEGORIES = {
    "az": ("siyaset", "iqtisadiyyat", "idman", "dunya", "cemiyyet"),
    "en": ("politics", "business", "sports", "world", "society"),
    "ru": ("politika", "ekonomika", "sport", "mir", "obshchestvo"),
}
#: Letters each edition's words are made of (az Latin with its own letters, ru Cyrillic).
LETTERS = {
    "az": "abcçdeəfgğhxıijkqlmnoöprsştuüvyz",
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
}
PROCESS_ID = 4242  # the run id's job part, as a crawl outside Scrapyd writes it


def _words(rng: random.Random, letters: str, count: int) -> list[str]:
    return ["".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) for _ in range(count)]


@dataclass
class Vocabulary:
    """Pre-made paragraphs and headline words per edition, so a year generates in minutes."""

    paragraphs: dict[str, list[str]]
    words: dict[str, list[str]]

    @classmethod
    def make(cls, rng: random.Random, count: int = 400) -> Vocabulary:
        paragraphs, words = {}, {}
        for language, letters in LETTERS.items():
            vocabulary = _words(rng, letters, 3000)
            words[language] = vocabulary
            paragraphs[language] = [
                " ".join(rng.choices(vocabulary, k=rng.randint(35, 90))).capitalize() + "."
                for _ in range(count)
            ]
        return cls(paragraphs, words)


@dataclass
class History:
    """The generator's position: the next run number and the lines recent runs wrote (for
    revisions), kept in memory only while one :func:`generate` call runs."""

    output: Path
    per_day: int = 200
    runs_per_day: int = 144
    revision_share: float = 0.03
    translated_share: float = 0.7
    start: datetime = START
    seed: int = 0
    rng: random.Random = field(init=False)
    vocabulary: Vocabulary = field(init=False)
    recent: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)
    files: int = 0
    lines: int = 0
    bytes: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.vocabulary = Vocabulary.make(random.Random(self.seed + 1))
        for kind in (*EDITIONS, "rejects", "stats"):
            (self.output / kind).mkdir(parents=True, exist_ok=True)

    # -- one article ------------------------------------------------------------------

    def interval(self) -> float:
        return 86400 / self.per_day

    def story_count(self, run: int) -> int:
        """Stories published up to the end of run ``run`` (0-based) of the history."""
        seconds = (run + 1) * 86400 / self.runs_per_day
        return int(seconds // self.interval())

    def article(self, story: int, language: str, crawled: datetime, run_id: str) -> dict[str, Any]:
        rng = self.rng
        published = self.start + timedelta(seconds=story * self.interval() + 17)
        translated = (story * 7919) % 100 < self.translated_share * 100
        category = CATEGORIES[language][story % 5]
        words = self.vocabulary.words[language]
        url = self.url_of(story, language)
        slug = url.rsplit("/", 1)[1]
        title_words = slug.split("-")[:-1] + rng.choices(words, k=rng.randint(1, 6))
        article_id = 1_000_000 + 3 * story + EDITIONS.index(language)
        paragraphs = rng.sample(self.vocabulary.paragraphs[language], rng.randint(3, 7))
        body = "\n\n".join([f"{words[story % len(words)].capitalize()} {story}.", *paragraphs])
        title = " ".join(title_words).capitalize()
        local = published.astimezone(BAKU)
        links = (
            {other: self.url_of(story, other) for other in EDITIONS if other != language}
            if translated
            else {}
        )
        return {
            "url": url,
            "language": language,
            "article_id": article_id,
            "slug": slug,
            "title": title,
            "lead": None,
            "body": body,
            "published_at": local.isoformat(),
            "published_at_raw": f"{local:%d %B, %Y %H:%M}",
            "modified_at": None,
            "category": category.capitalize(),
            "category_slug": category,
            "tags": rng.sample(words[:200], 3),
            "images": [
                {
                    "url": f"https://static.report.az/photo/{hashlib.md5(url.encode()).hexdigest()}.jpg",
                    "caption": None,
                }
            ],
            "translations": links,
            "badges": ["photo"] if story % 4 == 0 else [],
            "crawled_at": crawled.isoformat(),
            "content_hash": hashlib.sha1(f"{title}\n{body}".encode()).hexdigest(),
            "revision": 1,
            "layout": "current",
            "dateline": "Baku" if language == "en" else None,
            "warnings": [],
            "sources": dict.fromkeys(("title", "body", "published_at", "category"), "selector"),
            "revision_reason": None,
            "archive": {
                "file": f"report-{run_id}-00000.warc.gz",
                "offset": rng.randint(0, 9_000_000),
            },
        }

    def url_of(self, story: int, language: str) -> str:
        """The canonical URL of a story's article in ``language`` (a function of the story,
        so the translation links of the other editions name it)."""
        words = self.vocabulary.words[language]
        slug = "-".join(words[(story * 37 + i * 101) % len(words)] for i in range(5))
        return f"{PREFIX[language]}/{CATEGORIES[language][story % 5]}/{slug}-{story}"

    # -- one run ------------------------------------------------------------------------

    def run_id(self, run: int) -> tuple[str, datetime]:
        at = self.start + timedelta(seconds=run * 86400 / self.runs_per_day + 60)
        return f"{at:%Y-%m-%dT%H-%M-%S}-{PROCESS_ID}", at

    def write_run(self, run: int) -> None:
        """Write run number ``run`` (0-based): its article files, rejects and stats file."""
        run_id, started = self.run_id(run)
        first, last = (self.story_count(run - 1) if run else 0), self.story_count(run)
        written: list[dict[str, Any]] = []
        by_edition: dict[str, dict[str, int]] = {}
        for offset, language in enumerate(EDITIONS):
            crawled = started + timedelta(seconds=20 + offset * 5)
            lines = []
            for story in range(first, last):
                lines.append(self.article(story, language, crawled, run_id))
            new = len(lines)
            recent = self.recent.setdefault(language, [])
            # revision_share of the new lines, drawn from the recent articles
            chance = self.revision_share * max(new, 1) / max(len(recent), 1)
            for old in recent:
                if self.rng.random() < chance:
                    edited = dict(old)
                    edited["body"] = (
                        old["body"] + " " + self.rng.choice(self.vocabulary.words[language])
                    )
                    edited["content_hash"] = hashlib.sha1(
                        f"{edited['title']}\n{edited['body']}".encode()
                    ).hexdigest()
                    edited["revision"] = old["revision"] + 1
                    edited["revision_reason"] = "crawl"
                    edited["crawled_at"] = crawled.isoformat()
                    edited["archive"] = {"file": f"report-{run_id}-00000.warc.gz", "offset": 1}
                    lines.append(edited)
            keep = 2 * self.runs_per_day  # two days of lines may be revised
            revised = {line["url"]: line for line in lines}
            recent[:] = [revised.get(o["url"], o) for o in recent][-keep:] + lines[:new]
            recent[:] = recent[-keep:]
            if language not in self.checked and lines:
                Article.model_validate(lines[0])
                self.checked.add(language)
            by_edition[language] = {"new": new, "updated": len(lines) - new}
            if lines:
                written.append(self.write_lines(language, run_id, lines))
        if run % 50 == 7:
            reject = {
                "reason": "http_404",
                "url": f"https://report.az/gone-{run}",
                "language": "az",
                "detail": "404 Not Found",
                "reasons": ["http_404"],
                "stage": "download",
                "crawled_at": started.isoformat(),
                "item": None,
            }
            written.append(self.write_lines("rejects", run_id, [reject]))
        self.write_stats(run_id, started, by_edition, written)

    def write_lines(self, kind: str, run_id: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
        data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
        relpath = f"{kind}/report-{run_id}.jsonl"
        (self.output / relpath).write_bytes(data)
        self.files += 1
        self.lines += len(lines)
        self.bytes += len(data)
        return {
            "kind": kind,
            "path": relpath,
            "lines": len(lines),
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }

    def write_stats(
        self,
        run_id: str,
        started: datetime,
        by_edition: dict[str, dict[str, int]],
        files: list[dict[str, Any]],
    ) -> None:
        finished = started + timedelta(seconds=41.5)
        editions: dict[str, dict[str, Any]] = {}
        for language, counts in by_edition.items():
            exported = counts["new"] + counts["updated"]
            editions[language] = {
                "found": exported + 30,
                "exported": exported,
                "new": counts["new"],
                "updated": counts["updated"],
                "unchanged": 2,
                "not_requested_known": 28,
                "dropped": {},
                "dropped_total": 0,
                "duplicates": {"url": 0, "content": 0},
                "flagged": 0,
                "warnings": {},
                "layouts": {"current": exported} if exported else {},
                "fallback_share": 0.0,
                "coverage": {"title": 1.0, "body": 1.0, "published_at": 1.0} if exported else {},
                "feed_pages": 1,
                "requests": exported + 4,
                "responses": {"200": exported + 4},
                "retries": 0,
                "errors": 0,
                "transient_errors": 0,
                "walk": {"stop_reason": "known_reached", "stop_cursor": started.isoformat()},
                "holes": [],
                "window": None,
                "trend": None,
                "cost": {
                    "feed_pages": 1,
                    "hole_pages": 0,
                    "edited_cards": counts["updated"],
                    "revisits": 2,
                    "revisits_not_modified": 2,
                    "revisits_changed": 0,
                    "rss": 1,
                    "sitemap": 0,
                },
                "feed_source": "remembered",
                "rss_missed": 0,
                "unreachable": None,
                "days": {"complete": 0, "incomplete": 0, "by_day": {}},
                "gave_up": [],
            }
        stats = {
            "spider": "report",
            "kind": "crawl",
            "run_id": run_id,
            "job_id": None,
            "version": {"package": "0.1.0", "git": None, "egg": None},
            "arguments": {"editions": list(EDITIONS), "mode": "latest"},
            "base_url": "https://report.az",
            "mode": "latest",
            "started_at": started.isoformat(),
            "finished_at": finished.isoformat(),
            "duration_seconds": 41.5,
            "finish_reason": "finished",
            "exit_code": 0,
            "site_requests": sum(int(e["requests"]) for e in editions.values()) + 1,
            "state": {"path": "state.sqlite", "locked": False},
            "previous_run": {"finished": True, "recovered_articles": 0},
            "editions": editions,
            "files": files,
            "retention": {"days": None, "removed": 0},
            "health": {"checked": True, "ok": True, "failures": [], "warnings": []},
        }
        if "stats" not in self.checked:
            RunStats.model_validate(stats)
            self.checked.add("stats")
        path = self.output / "stats" / f"report-{run_id}.json"
        path.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
        self.files += 1


def generate(output: Path, days: float, **options: Any) -> History:
    """Write ``days`` of history into ``output`` (runs 0 .. days * runs_per_day - 1)."""
    history = History(output, **options)
    for run in range(round(days * history.runs_per_day)):
        history.write_run(run)
    return history


def runs_in(output: Path) -> int:
    """How many runs a generated folder holds (its stats files)."""
    return sum(1 for _ in (output / "stats").glob("report-*.json"))


def add_run(output: Path, **options: Any) -> str:
    """Append the next run to a generated folder; returns its run id. The run also revises a
    few articles of the runs just before it (drawn again: the generator keeps no memory
    between calls)."""
    history = History(output, **options)
    run = runs_in(output)
    _, started = history.run_id(run)
    for language in EDITIONS:
        history.recent[language] = [
            history.article(story, language, started, "earlier")
            for story in range(history.story_count(max(run - 12, 0)), history.story_count(run - 1))
        ]
    history.revision_share = 0.4
    history.write_run(run)
    return history.run_id(run)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--days", type=float, default=1.0)
    parser.add_argument("--per-day", type=int, default=200)
    parser.add_argument("--runs-per-day", type=int, default=144)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--add-run", action="store_true", help="append one run to OUTPUT")
    args = parser.parse_args()
    options = {"per_day": args.per_day, "runs_per_day": args.runs_per_day, "seed": args.seed}
    started = time.perf_counter()
    if args.add_run:
        print(f"added run {add_run(args.output, **options)}")
        return
    history = generate(args.output, args.days, **options)
    print(
        f"{args.output}: {args.days:g} days, {history.files} files, {history.lines} lines,"
        f" {history.bytes / 1e6:.0f} MB of JSON Lines in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
