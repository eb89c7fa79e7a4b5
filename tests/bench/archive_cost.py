"""What the raw-page archive costs: the same crawl of the replica with the archive on and off.

``python -m tests.bench.archive_cost --articles 300 --repeat 2`` crawls the replica (300
articles per edition by default, the whole feed, no state) twice per setting, alternating, and
prints CPU seconds (``os.wait4`` of the crawl process), pages, and the archive's size per
1,000 pages. The figures in ``docs/benchmarks.md`` ("Raw-page archive") come from it.

``python -m tests.bench.archive_cost --live [--repo DIR] [--runs 18]``: the archive at the live
volume (``docs/benchmarks.md``, "Archive at the live volume (#21)"). A replica of ~200 new
articles per edition and day (600 per edition over 3 days, more published after the clock),
one state; a first run fills it, then ``--runs`` scheduled runs, the replica's clock and the
run's (``NEWSCRAWL_NOW``) 10 minutes further each time, with the code of DIR (default: this
checkout, so a checkout of an older commit gives the "before"). Prints, per scheduled run, the
pages fetched, the archive's growth (WARC files and their indexes) and its records by kind,
then the bytes per day at 144 runs a day: as measured on the replica's pages, and at the live
site's page size (``LIVE_RECORD_BYTES`` per full record, README's estimate; a revisit record
is its headers whatever the page size, so it is counted at its measured size, as robots.txt,
the ``warcinfo`` records and the indexes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive import run_of
from tests.bench.incremental import KINDS, classify
from tests.bench.measure import Measurement, run_measured
from tests.crawl import ROOT, crawl_command
from tests.site.harness import ReplicaServer

#: A full (response + request) record at the live site's page size, compressed: ~40 MB per
#: 1,000 pages (docs/benchmarks.md, "Raw-page archive").
LIVE_RECORD_BYTES = 40_000
RUNS_PER_DAY = 144


def _crawl(base_url: str, root: Path, archive: bool, n: int, pid: int | None) -> Measurement:
    output = root / f"{'on' if archive else 'off'}-{n}"
    shutil.rmtree(output, ignore_errors=True)
    command, env = crawl_command(base_url, output, arguments={"max_pages": "1000"})
    env["NEWSCRAWL_ARCHIVE"] = str(output / "archive") if archive else ""
    env["NEWSCRAWL_LOG_LEVEL"] = "INFO"
    name = f"archive {'on' if archive else 'off'}"
    result = run_measured(name, command, env, output / "crawl.log", replica_pid=pid)
    size = sum(p.stat().st_size for p in (output / "archive").glob("*.warc.gz"))
    result.stats["archive_bytes"] = size
    return result


def _archive_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.glob("*") if p.is_file())


def _page_class(url: str) -> str:
    """``rss``, ``sitemap``, else what :func:`tests.bench.incremental.classify` says."""
    path = "/" + url.split("://", 1)[-1].partition("/")[2]
    if path.split("?", 1)[0].endswith("/rss/"):
        return "rss"
    return "sitemap" if "sitemap" in path else classify(path)


def _tally(directory: Path) -> dict[str, Counter[str]]:
    """Per run: ``full`` records (a response with a body, robots.txt aside) and ``revisit``
    records (a revisit, or a response without a body: a 304, an empty scroll batch), and the
    bytes of each kind with the request record that follows it (``other_bytes``: the run's own
    ``warcinfo``, robots.txt); ``full:<page>`` and ``revisit:<page>`` by page kind. Reads the
    files of one run (before #21) and the day files alike."""
    tally: dict[str, Counter[str]] = {}
    for path in sorted(directory.glob("*.warc.gz")):
        runs: dict[str, str] = {}
        run, kind = run_of(path.name) or "", "other"
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                headers = record.rec_headers
                if record.rec_type == "warcinfo":
                    text = record.content_stream().read().decode("utf-8", "replace")
                    pairs = (line.split(": ", 1) for line in text.splitlines() if ": " in line)
                    run = runs[str(headers.get_header("WARC-Record-ID"))] = dict(pairs).get(
                        "run", run
                    )
                    kind = "other"
                elif record.rec_type in ("response", "revisit"):
                    run = runs.get(str(headers.get_header("WARC-Warcinfo-ID")), run)
                    body = record.raw_stream.read() if record.rec_type == "response" else b""
                    status = record.http_headers.get_statuscode()
                    stored = "full" if body and status != "304" else "revisit"
                    what = _page_class(str(headers.get_header("WARC-Target-URI")))
                    tally.setdefault(run, Counter())[f"{stored}:{what}"] += 1
                    # robots.txt is small on any site: not a page-sized record
                    kind = "other" if what == "robots" and stored == "full" else stored
                    tally[run][kind] += 1
                iterator.read_to_end(record)
                length = iterator.get_record_length()
                tally.setdefault(run, Counter())[f"{kind}_bytes"] += length
    return tally


def _crawl_live(
    replica: ReplicaServer, repo: Path, root: Path, name: str, pid: int | None
) -> tuple[str, int, int, int]:
    """One run: its id, pages, new articles, and how much the archive grew."""
    output, state = root / "output", root / "state.sqlite"
    directory = output / "archive"
    settings = {"NEWSCRAWL_NOW": replica.clock()}
    command, env = crawl_command(replica.base_url, output, state=state, settings=settings)
    env["PYTHONPATH"] = str(repo)
    env["NEWSCRAWL_LOG_LEVEL"] = "INFO"
    before = _archive_bytes(directory) if directory.exists() else 0
    log = root / f"crawl-{name}.log"
    result = run_measured(name, command, env, log, replica_pid=pid, cwd=repo)
    assert result.returncode in (0, 3), log.read_text()[-3000:]
    stats = max((output / "stats").glob("*.json"), key=lambda p: p.stat().st_mtime)
    summary = json.loads(stats.read_text(encoding="utf-8"))
    new = sum(e.get("new", 0) for e in summary["editions"].values())
    return summary["run_id"], result.pages, new, _archive_bytes(directory) - before


def live(repo: Path, runs: int, interval: float) -> None:
    """The scheduled runs of the module docstring, and their archive."""
    root = Path(tempfile.mkdtemp(prefix="archive-live-"))
    directory = root / "output" / "archive"
    rows = []
    replica_args = ["--future-hours", str(runs * interval / 60 + 1)]
    with ReplicaServer(articles=600, seed=1, days=3, extra_args=replica_args) as replica:
        pid = replica.process.pid if replica.process is not None else None
        for n in range(5):  # fill the state: until a run finds nothing new
            if _crawl_live(replica, repo, root, f"fill-{n}", pid)[2] == 0:
                break
        for n in range(runs):
            replica.advance(interval)
            rows.append(_crawl_live(replica, repo, root, f"run-{n}", pid))
    tally = _tally(directory)
    print(f"code: {repo}; {runs} runs every {interval:g} min after the state was filled")
    print(
        f"{'run':>4} {'pages':>6} {'new':>4} {'full':>5} {'revisit':>8} {'archive KB':>11} "
        f"{'of it full records':>19}"
    )
    for n, (run_id, fetched, found, size) in enumerate(rows, 1):
        count = tally.get(run_id, Counter())
        print(
            f"{n:>4} {fetched:>6} {found:>4} {count['full']:>5} {count['revisit']:>8} "
            f"{size / 1000:>11.1f} {count['full_bytes'] / 1000:>19.1f}"
        )
    counts: Counter[str] = sum((tally.get(r[0], Counter()) for r in rows), Counter())
    pages, new = sum(r[1] for r in rows) / runs, sum(r[2] for r in rows) / runs
    grown = sum(r[3] for r in rows) / runs
    full, revisits = counts["full"] / runs, counts["revisit"] / runs
    # what is not a full record (revisits, 304s, warcinfo, the index) does not grow with the
    # page size: counted as measured
    other = grown - counts["full_bytes"] / runs
    live_day = RUNS_PER_DAY * (full * LIVE_RECORD_BYTES + other)
    print(
        f"per run: {pages:.1f} pages, {new:.1f} new articles, {full:.1f} full records, "
        f"{revisits:.1f} revisits, {grown / 1000:.1f} KB ({other / 1000:.1f} KB not full records)"
    )
    by_class = ", ".join(
        f"{what} {counts[f'full:{what}'] / runs:.1f} full + "
        f"{counts[f'revisit:{what}'] / runs:.1f} revisit"
        for what in (*KINDS, "rss", "sitemap")
        if counts[f"full:{what}"] or counts[f"revisit:{what}"]
    )
    print(f"per run by page: {by_class}")
    print(
        f"per day ({RUNS_PER_DAY} runs): {RUNS_PER_DAY * pages:.0f} pages, "
        f"{RUNS_PER_DAY * new:.0f} new articles, {RUNS_PER_DAY * full:.0f} full records; "
        f"replica pages {RUNS_PER_DAY * grown / 1e6:.1f} MB; at {LIVE_RECORD_BYTES // 1000} KB "
        f"per full record {live_day / 1e6:.0f} MB ({365 * live_day / 1e9:.1f} GB a year)"
    )
    shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--live", action="store_true", help="the archive at the live volume")
    parser.add_argument("--repo", type=Path, default=ROOT, help="with --live: whose code")
    parser.add_argument("--runs", type=int, default=18, help="with --live: scheduled runs")
    parser.add_argument("--interval", type=float, default=10.0, help="minutes between runs")
    options = parser.parse_args()
    if options.live:
        live(options.repo.resolve(), options.runs, options.interval)
        return
    root = Path(tempfile.mkdtemp(prefix="archive-cost-"))
    rows: dict[bool, list[Measurement]] = {True: [], False: []}
    with ReplicaServer(articles=options.articles, seed=1) as replica:
        pid = replica.process.pid if replica.process is not None else None
        for n in range(options.repeat):
            for archive in (False, True):
                rows[archive].append(_crawl(replica.base_url, root, archive, n, pid))
    print(
        f"{'archive':<8} {'pages':>6} {'CPU s':>7} {'CPU ms/page':>12} {'wall s':>7} "
        f"{'archive MB':>11} {'MB/1000 pages':>14}"
    )
    for archive, results in rows.items():
        for result in results:
            size = result.stats.get("archive_bytes", 0) / 1e6
            per = 1000 * size / result.pages if result.pages else 0
            print(
                f"{'on' if archive else 'off':<8} {result.pages:>6} {result.cpu_seconds:>7.2f} "
                f"{result.cpu_ms_per_page:>12.2f} {result.wall_seconds:>7.2f} {size:>11.2f} "
                f"{per:>14.2f}"
            )
    best = {a: min(r, key=lambda m: m.cpu_seconds) for a, r in rows.items()}
    extra = best[True].cpu_seconds - best[False].cpu_seconds
    print(
        f"archive CPU cost (best of {options.repeat}): {extra:+.2f} s, "
        f"{1000 * extra / max(1, best[True].pages):+.2f} ms per page "
        f"({100 * extra / best[False].cpu_seconds:+.1f} %)"
    )
    shutil.rmtree(root, ignore_errors=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
