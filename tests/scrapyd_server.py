"""Start a real Scrapyd for a test, and deploy the project to it with ``scrapyd-deploy``.

``with ScrapydServer(tmp_path / "scrapyd") as scrapyd: ...`` writes a ``scrapyd.conf`` (loopback,
a free port, basic auth, ``SqliteJobStorage``, its own eggs/logs/dbs directories) into that
directory, runs ``python -m scrapyd`` there (Scrapyd reads ``scrapyd.conf`` from its working
directory; it has no option naming a config file) and waits until ``daemonstatus.json``
answers. Leaving the block terminates the daemon and waits for it, so a failing test never
leaves one behind. ``deploy()`` runs the ``scrapyd-deploy`` command of this virtualenv on a copy
of the project, so the egg is built from the project's ``setup.py`` exactly as in the README,
without writing ``build/`` or ``*.egg-info`` into the working tree.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from tests.processes import ServerProcess, stop_process

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
#: What a copy of the project for ``scrapyd-deploy`` leaves out (never part of the egg anyway).
COPY_IGNORE = shutil.ignore_patterns(
    ".venv",
    ".git",
    "*cache*",
    "__pycache__",
    "output",
    "build",
    "dist",
    "*.egg-info",
    ".newscrawl",
)
#: Environment that must not leak from the test run into Scrapyd or its jobs: a PYTHONPATH with
#: the working tree would import newscrawl from there instead of from the deployed egg, and
#: Scrapyd takes SCRAPYD_USERNAME / SCRAPYD_PASSWORD over its config file.
ENV_DROP = (
    "PYTHONPATH",
    "SCRAPY_SETTINGS_MODULE",
    "SCRAPY_PROJECT",
    "SCRAPYD_EGG_VERSION",
    "SCRAPYD_USERNAME",
    "SCRAPYD_PASSWORD",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environment(home: Path) -> dict[str, str]:
    """``os.environ`` without project settings, with ``home`` as HOME (no ~/.scrapyd.conf,
    ~/.scrapy.cfg or ~/.netrc of the user)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ENV_DROP and not key.startswith("NEWSCRAWL_")
    }
    env["HOME"] = str(home)
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def venv_script(name: str) -> Path:
    """A console script installed beside this interpreter (``.venv/bin/<name>``)."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise FileNotFoundError(f"{path}: not installed; run .venv/bin/pip install -e '.[dev]'")
    return path


class ScrapydServer(ServerProcess):
    """A Scrapyd daemon in ``directory``, on ``127.0.0.1:<free port>``, with basic auth."""

    def __init__(
        self,
        directory: Path,
        *,
        username: str = "newscrawl",
        password: str = "s3cret-e2e",
        max_proc: int = 2,
        poll_interval: float = 0.2,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.directory = directory
        self.username = username
        self.password = password
        self.max_proc = max_proc
        self.poll_interval = poll_interval
        self.start_timeout = start_timeout
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.home = directory / "home"
        self.eggs_dir = directory / "eggs"
        self.logs_dir = directory / "logs"
        self.dbs_dir = directory / "dbs"
        self.daemon_log = directory / "scrapyd.out"

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def write_config(self) -> Path:
        config = self.directory / "scrapyd.conf"
        config.write_text(
            "[scrapyd]\n"
            "bind_address = 127.0.0.1\n"
            f"http_port = {self.port}\n"
            f"username = {self.username}\n"
            f"password = {self.password}\n"
            f"eggs_dir = {self.eggs_dir}\n"
            f"logs_dir = {self.logs_dir}\n"
            f"dbs_dir = {self.dbs_dir}\n"
            "items_dir =\n"
            "jobs_to_keep = 5\n"
            "jobstorage = scrapyd.jobstorage.SqliteJobStorage\n"
            "finished_to_keep = 100\n"
            f"max_proc = {self.max_proc}\n"
            f"poll_interval = {self.poll_interval}\n",
            encoding="utf-8",
        )
        return config

    def start(self) -> ScrapydServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.home.mkdir(exist_ok=True)
        for attempt in range(3):  # the free port may be taken between probe and bind
            self.port = free_port()
            self.write_config()
            with self.daemon_log.open("ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "scrapyd"],
                    cwd=self.directory,
                    env=clean_environment(self.home),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            try:
                self._wait_until_ready()
                return self
            except RuntimeError:
                self.stop()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"scrapyd exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                status, body = self.request("daemonstatus.json", timeout=2)
            except OSError:
                time.sleep(0.1)
                continue
            if status == 200 and body.get("status") == "ok":
                return
            time.sleep(0.1)
        raise RuntimeError(f"scrapyd did not answer within {self.start_timeout} s")

    def stop(self) -> None:
        """Kill the jobs still running (Scrapyd leaves them behind), then stop the daemon."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            self._kill_running_jobs()
        stop_process(process, grace=15)

    def _kill_running_jobs(self) -> None:
        try:
            _, jobs = self.request("listjobs.json", timeout=5)
            for job in jobs.get("running", []):
                self.request(
                    "cancel.json",
                    {"project": job["project"], "job": job["id"], "signal": "KILL"},
                    method="POST",
                    timeout=5,
                )
        except OSError:
            pass  # best effort: the daemon is going away anyway

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the daemon's own output (twistd log lines, job start/finish)."""
        if not self.daemon_log.exists():
            return ""
        return self.daemon_log.read_text(encoding="utf-8", errors="replace")[-chars:]

    # ------------------------------------------------------------------ the HTTP API
    def request(
        self,
        endpoint: str,
        params: dict[str, str] | list[tuple[str, str]] | None = None,
        *,
        method: str = "GET",
        auth: bool = True,
        timeout: float = 30,
    ) -> tuple[int, dict[str, Any]]:
        """Status and parsed JSON of one API call (``{}`` when the body is not JSON)."""
        query = urllib.parse.urlencode(params or {})
        url = self.base_url + endpoint
        data = None
        if method == "POST":
            data = query.encode()
        elif query:
            url += "?" + query
        request = urllib.request.Request(url, data=data, method=method)
        if auth:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as err:
            status, body = err.code, err.read()
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {}
        return status, parsed if isinstance(parsed, dict) else {"body": parsed}

    def schedule(
        self,
        project: str,
        spider: str,
        arguments: dict[str, str],
        settings: dict[str, str],
    ) -> str:
        """POST ``schedule.json``; returns the job id."""
        params = [("project", project), ("spider", spider)]
        params += [(name, value) for name, value in arguments.items()]
        params += [("setting", f"{name}={value}") for name, value in settings.items()]
        status, body = self.request("schedule.json", params, method="POST")
        if status != 200 or body.get("status") != "ok":
            raise RuntimeError(f"schedule.json: HTTP {status}: {body}")
        return str(body["jobid"])

    def wait_finished(self, project: str, jobs: set[str], timeout: float = 180) -> None:
        """Poll ``listjobs.json`` until every job in ``jobs`` is in ``finished``."""
        deadline = time.monotonic() + timeout
        while True:
            status, body = self.request("listjobs.json", {"project": project})
            if status != 200 or body.get("status") != "ok":
                raise RuntimeError(f"listjobs.json: HTTP {status}: {body}")
            if jobs <= {job["id"] for job in body["finished"]}:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"jobs {sorted(jobs)} not finished within {timeout} s: {body}\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.2)

    def job_log(self, project: str, spider: str, job: str) -> str:
        """The Scrapy log of one job (Scrapyd sets LOG_FILE to logs_dir/project/spider/job.log)."""
        return (self.logs_dir / project / spider / f"{job}.log").read_text(encoding="utf-8")

    # ------------------------------------------------------------------ deploying
    def deploy(
        self, version: str, source: Path = ROOT, target: str = "e2e"
    ) -> subprocess.CompletedProcess[str]:
        """``scrapyd-deploy <target> -v <version>`` on a copy of ``source``.

        The copy keeps the project's ``scrapy.cfg`` (its ``[deploy]`` section names the project)
        and gains a ``[deploy:<target>]`` section pointing at this server; the password comes
        from the environment through scrapyd-client's ``${VAR}`` interpolation, as the docs
        recommend.
        """
        workdir = self.directory / "project"
        if workdir.exists():
            shutil.rmtree(workdir)
        shutil.copytree(source, workdir, ignore=COPY_IGNORE)
        with (workdir / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
            cfg.write(
                f"\n[deploy:{target}]\n"
                f"url = {self.base_url}\n"
                f"username = {self.username}\n"
                "password = ${SCRAPYD_PASSWORD}\n"
            )
        env = clean_environment(self.home)
        env["SCRAPYD_PASSWORD"] = self.password
        return subprocess.run(
            [str(venv_script("scrapyd-deploy")), target, "-v", version],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def egg_path(self, project: str, version: str) -> Path:
        """Where ``FilesystemEggStorage`` keeps the uploaded egg."""
        return self.eggs_dir / project / f"{version}.egg"
