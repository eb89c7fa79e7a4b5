"""Where the report crawl's CPU goes: one crawl under py-spy, samples grouped by component.

``py-spy record --format raw`` writes one line per distinct stack (``frame;frame;... count``).
Each sample is charged to the first component (in :data:`COMPONENTS` order) that has a frame
in its stack, so the shares add up to 100 %. py-spy is optional (``pip install py-spy``); the
benchmark works without it and says so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.measure import crawl_command, crawl_env, fast_settings
from tests.crawl import ROOT

#: (component, markers): a sample whose stack has a frame containing a marker belongs to it.
COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("startup and imports (before the reactor runs)", ()),
    ("article extraction (newscrawl.extract.article)", ("extract_article (",)),
    ("feed and home parsing (spider)", ("ReportSpider.parse_feed", "ReportSpider.parse_home")),
    ("item building and checks (spider._article)", ("ReportSpider._article",)),
    ("CleanPipeline (cleaning: unicode, mojibake, boilerplate)", ("CleanPipeline.",)),
    ("ValidatePipeline", ("ValidatePipeline.",)),
    ("ContentHashPipeline", ("ContentHashPipeline.",)),
    ("DedupPipeline (in the run and the SQLite state)", ("DedupPipeline.", "StateStore.")),
    ("feed export (JSON Lines)", ("feedexport.py", "exporters.py", "newscrawl/feeds.py")),
    ("run extension (files, state rows, tallies, stats file)", ("newscrawl/run.py",)),
    ("firewall challenge check (newscrawl.middlewares)", ("challenge_marker (",)),
    ("other project middlewares (retry, firewall, edition stats)", ("newscrawl/middlewares.py",)),
    (
        "Scrapy's generator-callback check (WARN_ON_GENERATOR_RETURN_VALUE)",
        ("warn_on_generator_with_return_value",),
    ),
    ("logging", ("logging/__init__.py",)),
    (
        "Scrapy's handling of yielded items and requests (spider output, pipeline chain, signals)",
        ("Scraper.handle_spider_output_async", "Scraper.start_itemproc"),
    ),
    ("response decoding (newscrawl.extract.text)", ("response_text (",)),
)
OTHER = "Scrapy and Twisted: engine, scheduler, downloader, HTTP, middlewares"
REACTOR_MARKER = "Reactor.run ("


@dataclass
class ProfileResult:
    articles: int
    samples: int = 0
    components: list[tuple[str, float]] = field(default_factory=list)
    top_self: list[tuple[str, float]] = field(default_factory=list)
    top_project: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None
    raw_path: Path | None = None


def _frame_name(frame: str) -> str:
    """``func (path/to/file.py:12)`` -> ``func (file path relative to site-packages)``."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0].rstrip(")")
    for prefix in ("site-packages/", str(ROOT) + "/", "/newscrawl/"):
        if prefix in path:
            path = path.rsplit(prefix, 1)[1]
            path = "newscrawl/" + path if prefix == "/newscrawl/" else path
            break
    return f"{name} ({path})" if where else name


def _is_project_frame(frame: str) -> bool:
    """A frame of the crawler's own code (not its command wrapper, which holds everything)."""
    return "newscrawl/" in frame and "/tests/" not in frame and "newscrawl/commands/" not in frame


def analyse(raw: str, articles: int) -> ProfileResult:
    """Shares of components, top functions by self time and project functions (inclusive)."""
    components: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    project: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        if not any(REACTOR_MARKER in frame for frame in frames):
            component = COMPONENTS[0][0]
        else:
            component = next(
                (
                    name
                    for name, markers in COMPONENTS[1:]
                    if any(marker in frame for frame in frames for marker in markers)
                ),
                OTHER,
            )
        components[component] += count
        self_time[_frame_name(frames[-1])] += count
        for name in {_frame_name(f) for f in frames if _is_project_frame(f)}:
            project[name] += count
    if not total:
        return ProfileResult(articles, error="py-spy recorded no samples")

    def shares(counter: Counter[str], limit: int) -> list[tuple[str, float]]:
        return [(name, 100 * count / total) for name, count in counter.most_common(limit)]

    return ProfileResult(
        articles=articles,
        samples=total,
        components=shares(components, len(COMPONENTS) + 1),
        top_self=shares(self_time, 15),
        top_project=shares(project, 20),
    )


def find_py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def profile_report_crawl(
    base_url: str, work: Path, max_pages: int, articles: int, code: Path = ROOT
) -> ProfileResult:
    """One ``scrapy crawl report`` (same settings as the measured one) under py-spy."""
    py_spy = find_py_spy()
    if py_spy is None:
        return ProfileResult(articles, error="py-spy is not installed (pip install py-spy)")
    work.mkdir(parents=True, exist_ok=True)
    raw_path = work / "report.pyspy.txt"
    command = [
        py_spy,
        "record",
        "--format",
        "raw",
        "--rate",
        "250",
        "--output",
        str(raw_path),
        "--",
        *crawl_command(
            ["crawl", "report"], base_url, {"max_pages": str(max_pages)}, fast_settings()
        ),
    ]
    env = crawl_env(
        code, NEWSCRAWL_OUTPUT_DIR=str(work / "output"), NEWSCRAWL_STATE=str(work / "state.sqlite")
    )
    with (work / "profile.log").open("wb") as log:
        completed = subprocess.run(
            command, cwd=code, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    if completed.returncode != 0 or not raw_path.exists():
        return ProfileResult(
            articles, error=f"py-spy exited with {completed.returncode}; see {work / 'profile.log'}"
        )
    result = analyse(raw_path.read_text(encoding="utf-8", errors="replace"), articles)
    result.raw_path = raw_path
    return result
