"""Start-up cost: ``scrapy version`` inside the project beside Scrapy's own (outside any project).

Scrapy imports every module of ``COMMANDS_MODULE`` when any command starts, so a command module
that imports the spider at its top makes every ``scrapy`` invocation pay for the spider, the
extractors and Spidermon. ``python -m tests.bench.startup [--repeat N]`` prints both figures
side by side (the best of N runs each, wall and CPU seconds) and their ratio (target: 1.3x).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.crawl import ROOT


def _best_of(cwd: Path, repeat: int) -> tuple[float, float]:
    """The fastest wall time and the least CPU time of ``scrapy version`` run in ``cwd``."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "scrapy", "version"], cwd=cwd, check=True, capture_output=True
        )
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def startup_figures(repeat: int = 5) -> dict[str, tuple[float, float]]:
    """``{"project": (wall, cpu), "scrapy": (wall, cpu)}`` in seconds, best of ``repeat``."""
    with tempfile.TemporaryDirectory() as outside:
        scrapy = _best_of(Path(outside), repeat)
    return {"project": _best_of(ROOT, repeat), "scrapy": scrapy}


def print_startup(repeat: int = 5) -> dict[str, tuple[float, float]]:
    """Measure and print the two figures side by side."""
    figures = startup_figures(repeat)
    (wall, cpu), (own_wall, own_cpu) = figures["project"], figures["scrapy"]
    print(f"{'scrapy version':<28} {'wall s':>8} {'CPU s':>8}")
    print(f"{'in the project':<28} {wall:>8.3f} {cpu:>8.3f}")
    print(f"{'Scrapy alone (no project)':<28} {own_wall:>8.3f} {own_cpu:>8.3f}")
    print(f"{'ratio (target 1.3x)':<28} {wall / own_wall:>7.2f}x {cpu / own_cpu:>7.2f}x")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    print_startup(parser.parse_args().repeat)
