"""What the raw-page archive costs: the same crawl of the replica with the archive on and off.

``python -m tests.bench.archive_cost --articles 300 --repeat 2`` crawls the replica (300
articles per edition by default, the whole feed, no state) twice per setting, alternating, and
prints CPU seconds (``os.wait4`` of the crawl process), pages, and the archive's size per
1,000 pages. The figures in ``docs/benchmarks.md`` ("Raw-page archive") come from it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from tests.bench.measure import Measurement, run_measured
from tests.crawl import crawl_command
from tests.site.harness import ReplicaServer


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args()
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
