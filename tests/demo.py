"""``make demo``: start the local replica, crawl all three editions, print the summary, then
build the dataset, the aligned corpus and the run report (``scrapy export``).

Leaves ``output/<language>/report-<run_id>.jsonl`` and ``output/stats/report-<run_id>.json``
(``output/rejects/`` only when something was rejected), the raw archive (``output/archive/``),
the dataset (``output/newscrawl.duckdb``, ``output/dataset/``), ``output/corpus/`` and
``output/report.html`` behind. The state of earlier runs is disabled for the demo so that every
demo run writes every article. The crawl logs at WARNING, so what it prints is its warnings
(none on a healthy run) and then the summary, once.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

from newscrawl.summary import format_summary
from tests.crawl import ROOT, run_crawl
from tests.site.harness import ReplicaServer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765, help="replica port (0: any free port)")
    parser.add_argument("--articles", type=int, default=300, help="articles per edition")
    parser.add_argument("--output", default="output", help="output directory")
    parser.add_argument("--max-pages", type=int, default=50, help="feed pages per edition")
    options = parser.parse_args()
    if options.port and port_in_use(options.port):
        print(
            f"port {options.port} is in use: make demo DEMO_PORT=<a free port>",
            file=sys.stderr,
        )
        return 2
    output = Path(options.output).resolve()
    with ReplicaServer(
        articles=options.articles, extra_args=["--port", str(options.port)]
    ) as replica:
        print(f"replica serving {options.articles} articles per edition at {replica.base_url}")
        result = run_crawl(
            replica.base_url,
            output,
            arguments={"max_pages": str(options.max_pages)},
            settings={"LOG_LEVEL": "WARNING"},
            echo=True,
        )
    print()
    if result.stats:
        print(format_summary(result.stats))
    print()
    for paths in result.files.values():
        for path in paths:
            lines = sum(1 for _ in path.open(encoding="utf-8"))
            shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
            print(f"{lines:>6} lines  {shown}")
    if result.returncode != 0:
        print(f"the crawl exited with status {result.returncode}")
    print()
    exported = export(output)
    return result.returncode or exported


def export(output: Path) -> int:
    """``scrapy export`` over ``output``: dataset, corpus and run report (prints its path)."""
    env = {**os.environ, "NEWSCRAWL_OUTPUT_DIR": str(output), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "scrapy", "export"]
    completed = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        print(f"scrapy export exited with status {completed.returncode}")
    return completed.returncode


def port_in_use(port: int) -> bool:
    """True when something already listens on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


if __name__ == "__main__":
    raise SystemExit(main())
