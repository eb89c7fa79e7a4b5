"""The figures of the seams issue (#17), measured the same way on any checkout of the project.

``python -m tests.bench.seams [--repo DIR] [--repeat N]`` prints, for the project in DIR (the
current one by default; the crawl runs with DIR first on ``PYTHONPATH`` and DIR as its working
directory, so an old checkout is measured with its own code):

- lines of Python in the crawler package (``newscrawl/``) and in the data package;
- project modules imported by ``scrapy crawl report`` (a one-edition, one-page crawl of the
  replica; every module under DIR in ``sys.modules`` at exit);
- project files whose code runs while the crawl handles pages: from the engine opening the
  spider to it closing it, in the same crawl (one feed page and its articles, with the state on):
  the files on an article's path from the feed to its line, plus the home page's;
- what a scheduled run that finds nothing new costs in CPU (user + system seconds of the
  ``scrapy crawl`` process), with a state holding 1 day and 3 years of history (grown through the
  store's own API: 200 articles per edition and day), beside a stock Scrapy spider
  (``scrapy runspider``) fetching the same URLs;
- ``scrapy version`` inside the project beside Scrapy's own outside any project (CPU seconds).

Figures are the minimum of ``--repeat`` runs. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections import deque
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.bench.measure import run_measured
from tests.site.harness import ReplicaServer

HERE = Path(__file__).resolve().parents[2]
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "INFO",
    "NEWSCRAWL_ARCHIVE": "",
}
DATA_PACKAGES = ("newscrawl_data", "newscrawl/dataset", "newscrawl/corpus", "newscrawl/report")
PER_DAY = 200  # articles per edition and day (the live site's volume)

#: Run inside the crawl process: counts project modules at exit, and records the project files
#: whose functions are called between the engine's open_spider and close_spider.
PROBE = textwrap.dedent(
    """
    import atexit, json, os, sys, threading
    root = os.path.realpath(sys.argv.pop(1)) + os.sep
    out = sys.argv.pop(1)
    files, on = set(), [False]
    def profile(frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        if code.co_filename.endswith(os.sep.join(("scrapy", "core", "engine.py"))):
            if code.co_name.startswith("open_spider"):
                on[0] = True
            elif code.co_name.startswith("close_spider"):
                on[0] = False
        elif (on[0] and code.co_filename.startswith(root) and "/tests/" not in code.co_filename
              and "/.venv" not in code.co_filename):
            files.add(code.co_filename[len(root):])
    sys.setprofile(profile)
    threading.setprofile(profile)
    def done():
        modules = sorted(
            name for name, module in list(sys.modules.items())
            if (getattr(module, "__file__", None) or "").startswith(root)
            and not name.startswith("tests") and "/.venv" not in module.__file__
        )
        with open(out, "w") as f:
            json.dump({"modules": modules, "files": sorted(files)}, f)
    atexit.register(done)
    from scrapy.cmdline import execute
    sys.argv[0] = "scrapy"
    execute()
    """
)

#: Grows a state through the store's own API (run with the measured checkout on PYTHONPATH).
GROW = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta, timezone
    path, site, days, per_day = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    try:
        from newscrawl.state.store import StateStore
    except ImportError:
        from newscrawl.store import StateStore
    store = StateStore(path)
    now = datetime(2025, 10, 23, 12, tzinfo=timezone.utc) - timedelta(days=2)
    total = int(days * per_day)
    step = timedelta(days=1) / per_day
    for n in range(total):
        moment = (now - step * n).isoformat()
        for edition in ("az", "en", "ru"):
            prefix = "" if edition == "az" else "/" + edition
            url = f"{site}{prefix}/history/article-{n}-{edition}"
            store.record(url=url, language=edition, article_id=10_000_000 + n,
                         content_hash=f"h{n}{edition}", title=f"t{n}", revision=1,
                         published_at=moment, seen_at=moment)
    if hasattr(store, "record_run"):  # schema 3: 30 days of runs at 144 a day are kept
        for n in range(min(int(days * 144), 30 * 144)):
            moment = (now - timedelta(minutes=10 * n)).isoformat()
            for edition in ("az", "en", "ru"):
                store.record_run(f"run{n}", edition, moment, {"exported": 1, "requests": 3}, "latest")
    store.close()
    """
)

#: A stock Scrapy spider requesting a list of URLs and doing nothing with the answers.
STOCK = textwrap.dedent(
    """
    import json, os, scrapy
    class Stock(scrapy.Spider):
        name = "stock"
        def start_requests(self):
            for url in json.load(open(os.environ["SEAMS_URLS"])):
                yield scrapy.Request(url, dont_filter=True)
        def parse(self, response):
            pass
    """
)


def lines(repo: Path, paths: list[str]) -> int:
    total = 0
    for path in paths:
        base = repo / path
        for file in base.rglob("*.py") if base.is_dir() else []:
            total += len(file.read_text(encoding="utf-8").splitlines())
    return total


def crawler_lines(repo: Path) -> int:
    data = {repo / p for p in DATA_PACKAGES}
    return sum(
        len(file.read_text(encoding="utf-8").splitlines())
        for file in (repo / "newscrawl").rglob("*.py")
        if not any(part in data for part in file.parents)
    )


def env_for(repo: Path, output: Path, state: Path | str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(repo),
        "NEWSCRAWL_OUTPUT_DIR": str(output),
        "NEWSCRAWL_STATE": str(state),
        **extra,
    }


def crawl_args(base_url: str, *arguments: str) -> list[str]:
    command = ["crawl", "report", "-a", f"base_url={base_url}", *arguments]
    for name, value in FAST.items():
        command += ["-s", f"{name}={value}"]
    return command


def probe(repo: Path, base_url: str, work: Path) -> dict[str, list[str]]:
    out = work / "probe.json"
    script = work / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    command = [sys.executable, str(script), str(repo), str(out)]
    command += crawl_args(base_url, "-a", "editions=en", "-a", "max_pages=1")
    env = env_for(repo, work / "probe-output", work / "probe-state.sqlite")
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode not in (0, 3):
        raise RuntimeError(f"probe crawl failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, list[str]] = json.loads(out.read_text(encoding="utf-8"))
    return result


def grow_history(seed_output: Path, output: Path, runs: int) -> None:
    """Spidermon's stats history (where the checkout keeps one) with ``runs`` scheduled runs,
    at most its stored maximum, each a copy of the seed run's stats 10 minutes apart."""
    history = seed_output / "stats" / "report_stats_history"
    if not history.exists():
        return  # this checkout keeps its run history in the state (grown by GROW)
    stored = pickle.loads(history.read_bytes())
    seed = stored[0]
    grown: deque[dict[str, Any]] = deque(maxlen=stored.maxlen)
    for n in range(min(runs, stored.maxlen or runs)):
        entry = dict(seed)
        for key in ("start_time", "finish_time"):
            if isinstance(entry.get(key), datetime):
                entry[key] = entry[key] - timedelta(minutes=10 * (n + 1))
        grown.append(entry)
    (output / "stats").mkdir(parents=True, exist_ok=True)
    (output / "stats" / history.name).write_bytes(pickle.dumps(grown))


def cpu_of(command: list[str], env: dict[str, str], cwd: Path, log: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        measured = run_measured("seams", command, env, log, cwd=cwd)
        best = min(best, measured.cpu_seconds)
    return best


def nothing_new(repo: Path, replica: ReplicaServer, work: Path, repeat: int) -> dict[str, float]:
    """CPU of a run that finds nothing new at 1 day and 3 years of history, and of a stock
    spider fetching the same URLs."""
    scrapy = [sys.executable, "-m", "scrapy"]
    crawl = [*scrapy, *crawl_args(replica.base_url)]

    def run(output: str, state: Path) -> None:
        env = env_for(repo, work / output, state)
        subprocess.run(crawl, cwd=repo, env=env, check=True, capture_output=True, timeout=900)

    seeded = work / "seed.sqlite"
    run("out-seed", seeded)
    figures: dict[str, float] = {}
    for label, days in (("1 day", 1.0), ("3 years", 3 * 365.0)):
        state = work / f"state-{days:g}.sqlite"
        shutil.copy(seeded, state)
        grow_history(work / "out-seed", work / f"out-{days:g}", int(days * 144))
        grow = [sys.executable, "-c", GROW, str(state), replica.base_url, str(days), str(PER_DAY)]
        subprocess.run(grow, cwd=repo, env=env_for(repo, work, state), check=True, timeout=3600)
        best = float("inf")
        for n in range(repeat):
            copy = work / f"run-{days:g}-{n}.sqlite"
            shutil.copy(state, copy)
            env = env_for(repo, work / f"out-{days:g}", copy)
            best = min(best, cpu_of(crawl, env, repo, work / f"run-{days:g}.log", 1))
        figures[label] = best
    before = len(replica.requests())
    shutil.copy(work / "state-1.sqlite", work / "run-urls.sqlite")
    run("out-urls", work / "run-urls.sqlite")
    urls = [replica.base_url + r["path"] for r in replica.requests()[before:]]
    urls = [u for u in urls if not u.endswith("/robots.txt")]
    (work / "urls.json").write_text(json.dumps(urls), encoding="utf-8")
    (work / "stock.py").write_text(STOCK, encoding="utf-8")
    stock_env = {**os.environ, "SEAMS_URLS": str(work / "urls.json")}
    command = [
        *scrapy,
        "runspider",
        str(work / "stock.py"),
        "-s",
        "LOG_LEVEL=INFO",
        "-s",
        "ROBOTSTXT_OBEY=1",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    ]
    figures["stock spider"] = cpu_of(command, stock_env, work, work / "stock.log", repeat)
    figures["requests"] = float(len(urls))
    return figures


def version_cpu(repo: Path, work: Path, repeat: int) -> dict[str, float]:
    scrapy = [sys.executable, "-m", "scrapy", "version"]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    inside = cpu_of(scrapy, env, repo, work / "version-in.log", repeat)
    outside = cpu_of(scrapy, dict(os.environ), work, work / "version-out.log", repeat)
    return {"project": inside, "scrapy": outside}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=HERE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--articles", type=int, default=60, help="replica articles per edition")
    args = parser.parse_args()
    repo = args.repo.resolve()
    work = Path(tempfile.mkdtemp(prefix="seams-"))
    print(f"project: {repo} ({work})")
    print(f"lines, crawler (newscrawl/ without the data products): {crawler_lines(repo)}")
    print(f"lines, data products: {lines(repo, list(DATA_PACKAGES))}")
    with ReplicaServer(articles=args.articles, seed=11, request_log=work / "requests.jsonl") as r:
        found = probe(repo, r.base_url, work)
        print(f"project modules imported by scrapy crawl report: {len(found['modules'])}")
        print(f"project files run while the crawl handles pages: {len(found['files'])}")
        print("  " + " ".join(found["files"]))
        cost = nothing_new(repo, r, work, args.repeat)
    print(f"nothing-new run, {cost['requests']:.0f} requests, CPU seconds:")
    for label in ("1 day", "3 years", "stock spider"):
        print(f"  {label:>13}: {cost[label]:.2f}")
    print(f"  3 years / 1 day: {cost['3 years'] / cost['1 day']:.2f}")
    version = version_cpu(repo, work, args.repeat)
    print(
        f"scrapy version CPU seconds: project {version['project']:.2f}, "
        f"Scrapy's own {version['scrapy']:.2f} ({version['project'] / version['scrapy']:.2f}x)"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
