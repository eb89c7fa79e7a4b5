"""Running one crawler as a child process and measuring it: wall time, CPU, peak RSS, pages.

CPU comes from ``os.wait4`` on that child alone (user + system seconds), peak RSS from its
``VmHWM`` (polled; see :func:`run_measured` for why not ``ru_maxrss``),
so neither the replica nor this driver is counted. Pages are the responses the crawler received
(``downloader/response_count`` in the Scrapy stats it logs when it closes).
"""

from __future__ import annotations

import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.crawl import FAST_SETTINGS, ROOT

_STAT = re.compile(r"'([a-z_/]+[a-z0-9_/]*)': (\d+(?:\.\d+)?)")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Measurement:
    """What one crawler process cost and did."""

    name: str
    wall_seconds: float
    user_seconds: float
    system_seconds: float
    max_rss_kib: int
    returncode: int
    stats: dict[str, float] = field(default_factory=dict)
    #: CPU seconds the replica used while this crawl ran (for context; not in the crawler's).
    replica_cpu_seconds: float | None = None
    #: CPU seconds the whole machine was busy during the crawl beyond the crawler and the
    #: replica: other processes competing for the 2 cores (should be near 0 for a clean run).
    other_cpu_seconds: float | None = None
    log_path: Path | None = None

    @property
    def cpu_seconds(self) -> float:
        return self.user_seconds + self.system_seconds

    @property
    def pages(self) -> int:
        return int(self.stats.get("downloader/response_count", 0))

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_seconds / self.pages if self.pages else float("nan")

    @property
    def max_rss_mib(self) -> float:
        return self.max_rss_kib / 1024

    @property
    def items(self) -> int:
        return int(self.stats.get("item_scraped_count", 0))

    @property
    def errors(self) -> int:
        return int(self.stats.get("log_count/ERROR", 0))


def peak_rss_kib(pid: int) -> int | None:
    """``VmHWM`` of a running process: its peak RSS since its last exec, in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores have been busy since boot (``/proc/stat``: all but idle, iowait)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return None
    ticks = [int(value) for value in fields[:8]]
    return (sum(ticks) - ticks[3] - ticks[4]) / _CLOCK_TICKS


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a running process (and its reaped children), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17
    return sum(int(value) for value in fields[11:15]) / _CLOCK_TICKS


def scrapy_stats(log: str) -> dict[str, float]:
    """The numeric Scrapy stats of the last "Dumping Scrapy stats" block of a log."""
    start = log.rfind("Dumping Scrapy stats")
    if start < 0:
        return {}
    end = log.find("}", start)
    block = log[start : end if end > 0 else len(log)]
    return {key: float(value) for key, value in _STAT.findall(block)}


def fast_settings() -> dict[str, str]:
    """Politeness off for the measurement: no delay, no AutoThrottle, concurrency 16."""
    return {**FAST_SETTINGS, "LOG_LEVEL": "INFO"}


def run_measured(
    name: str,
    command: list[str],
    env: dict[str, str],
    log_path: Path,
    *,
    replica_pid: int | None = None,
    timeout: float = 4 * 3600,
    cwd: Path = ROOT,
) -> Measurement:
    """Run ``command`` as a child, wait for it with ``os.wait4`` and read its Scrapy stats."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    replica_before = process_cpu_seconds(replica_pid) if replica_pid else None
    busy_before = machine_busy_seconds()
    own_before = _own_cpu_seconds()
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = started + timeout
        peak = 0
        while True:
            peak = max(peak, peak_rss_kib(process.pid) or 0)
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid == process.pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    replica_after = process_cpu_seconds(replica_pid) if replica_pid else None
    busy_after = machine_busy_seconds()
    own = _own_cpu_seconds() - own_before
    text = log_path.read_text(encoding="utf-8", errors="replace")
    replica_cpu = (
        replica_after - replica_before
        if replica_before is not None and replica_after is not None
        else None
    )
    other = None
    if busy_before is not None and busy_after is not None:
        other = max(
            0.0,
            busy_after - busy_before - usage.ru_utime - usage.ru_stime - (replica_cpu or 0.0) - own,
        )
    return Measurement(
        name=name,
        wall_seconds=wall,
        user_seconds=usage.ru_utime,
        system_seconds=usage.ru_stime,
        # Not usage.ru_maxrss: Linux counts in it the RSS of this (large) parent process the
        # child was forked from, before its exec. VmHWM is the peak since the exec, polled
        # every 50 ms (a crawler's memory does not grow in its last 50 ms: it is shutting down).
        max_rss_kib=peak or usage.ru_maxrss,
        returncode=process.returncode,
        stats=scrapy_stats(text),
        replica_cpu_seconds=replica_cpu,
        other_cpu_seconds=other,
        log_path=log_path,
    )


def crawl_command(
    spider: list[str], base_url: str, arguments: dict[str, str], settings: dict[str, str]
) -> list[str]:
    command = [sys.executable, "-m", "scrapy", *spider, "-a", f"base_url={base_url}"]
    for key, value in arguments.items():
        command += ["-a", f"{key}={value}"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return command


def snapshot_code(destination: Path) -> Path:
    """Copy the crawler's code (``newscrawl/``, ``scrapy.cfg``, ``tests/bench/``) aside.

    Every crawl of one benchmark runs from this copy (first on ``PYTHONPATH``, before the
    editable install), so all of them measure the same code even while the working tree is
    edited, and Scrapy, which reads a callback's source file during the crawl (see
    ``docs/benchmarks.md``), never sees a file that changed under it.
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite*", "*.jsonl")
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "newscrawl", destination / "newscrawl", ignore=ignore)
    shutil.copy2(ROOT / "scrapy.cfg", destination / "scrapy.cfg")
    (destination / "tests").mkdir(exist_ok=True)
    shutil.copy2(ROOT / "tests" / "__init__.py", destination / "tests" / "__init__.py")
    shutil.copytree(ROOT / "tests" / "bench", destination / "tests" / "bench", ignore=ignore)
    return destination


def crawl_env(code: Path = ROOT, **extra: str) -> dict[str, str]:
    """The environment of a crawl run from ``code`` (the working tree or a snapshot)."""
    env = {**os.environ, "PYTHONPATH": str(code), **extra}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def machine_description() -> dict[str, str]:
    """nproc, CPU model, memory, OS, Python and library versions."""
    import lxml.etree
    import parsel
    import scrapy
    import twisted

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        import trafilatura

        trafilatura_version = trafilatura.__version__
    except ImportError:
        trafilatura_version = "not installed"
    return {
        "cores (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": cpu,
        "memory": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Scrapy": scrapy.__version__,
        "Twisted": twisted.__version__,
        "parsel": parsel.__version__,
        "lxml": ".".join(str(part) for part in lxml.etree.LXML_VERSION),
        "trafilatura": trafilatura_version,
    }
