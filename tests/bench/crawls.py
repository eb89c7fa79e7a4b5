"""The crawls of the benchmark: the baseline spider (or parse floor) and ``scrapy crawl report``,
each a measured child process run from the copy of the code (see ``measure.snapshot_code``)."""

from __future__ import annotations

from pathlib import Path

from tests.bench.measure import Measurement, crawl_command, crawl_env, run_measured
from tests.bench.replica import Replica

BASELINE_SPIDER = Path("tests") / "bench" / "baseline_spider.py"  # relative to the code root


def run_baseline(
    replica: Replica,
    log_path: Path,
    code: Path,
    arguments: dict[str, str],
    settings: dict[str, str],
    *,
    parse_to: Path | None = None,
) -> Measurement:
    """The baseline spider; with ``parse_to`` the parse floor (pages parsed, one item each)."""
    name = "parse-floor" if parse_to is not None else "baseline"
    spider = ["runspider", str(code / BASELINE_SPIDER)]
    if parse_to is not None:
        spider += ["-O", str(parse_to)]
        arguments = {**arguments, "parse_articles": "1"}
    command = crawl_command(spider, replica.base_url, arguments, settings)
    env = crawl_env(code, SCRAPY_SETTINGS_MODULE="tests.bench.baseline_settings")
    return run_measured(name, command, env, log_path, replica_pid=replica.pid, cwd=code)


def run_report(
    name: str,
    replica: Replica,
    log_path: Path,
    code: Path,
    arguments: dict[str, str],
    settings: dict[str, str],
    *,
    state: Path,
    output: Path,
) -> Measurement:
    """``scrapy crawl report`` with everything on, its state and output where given."""
    command = crawl_command(["crawl", "report"], replica.base_url, arguments, settings)
    env = crawl_env(code, NEWSCRAWL_OUTPUT_DIR=str(output), NEWSCRAWL_STATE=str(state))
    return run_measured(name, command, env, log_path, replica_pid=replica.pid, cwd=code)
