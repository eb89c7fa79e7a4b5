"""Deploying to a real Scrapyd: ``scrapyd-deploy`` builds the egg from ``setup.py`` and uploads
it; ``schedule.json`` starts a crawl of the replica; its items land per language in
``NEWSCRAWL_OUTPUT_DIR``. Scrapyd runs on loopback with basic auth, in a temporary directory,
and is always stopped when the module ends."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newscrawl.sqlitestore import StateLock
from tests.crawl import FAST_SETTINGS, read_jsonl
from tests.scrapyd_server import ROOT, ScrapydServer, clean_environment
from tests.site.harness import ReplicaServer

PROJECT = "newscrawl"
SPIDER = "report"
VERSION = "e2e-1"
LANGUAGES = ("az", "en", "ru")
#: The loopback settings of the other end-to-end tests, as ``setting=`` of schedule.json.
FAST = {**FAST_SETTINGS, "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
ERROR_LINE = re.compile(r"^\S+ \S+ \[[^\]]+\] (ERROR|CRITICAL): .*$", re.MULTILINE)


@dataclass
class Deployment:
    scrapyd: ScrapydServer
    deploy: subprocess.CompletedProcess[str]
    root: Path
    job: str
    locked_job: str


@pytest.fixture(scope="module")
def deployment(
    replica: ReplicaServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """Start Scrapyd, deploy, run one crawl of the replica and one over a locked state."""
    root = tmp_path_factory.mktemp("scrapyd")
    with ScrapydServer(root / "scrapyd") as scrapyd:
        deployed = scrapyd.deploy(VERSION)
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        arguments = {"base_url": replica.base_url, "max_pages": "100", "editions": "az,en,ru"}
        job = scrapyd.schedule(
            PROJECT,
            SPIDER,
            arguments,
            {
                "NEWSCRAWL_OUTPUT_DIR": str(root / "output"),
                "NEWSCRAWL_STATE": str(root / "state.sqlite"),
                **FAST,
            },
        )
        # A second job whose state another process holds: our `crawl` command exits 75.
        lock = StateLock(root / "locked" / "state.sqlite")
        lock.acquire()
        try:
            locked_job = scrapyd.schedule(
                PROJECT,
                SPIDER,
                {**arguments, "editions": "en"},
                {
                    "NEWSCRAWL_OUTPUT_DIR": str(root / "locked" / "output"),
                    "NEWSCRAWL_STATE": str(root / "locked" / "state.sqlite"),
                    **FAST,
                },
            )
            scrapyd.wait_finished(PROJECT, {job, locked_job}, timeout=180)
        finally:
            lock.release()
        yield Deployment(scrapyd, deployed, root, job, locked_job)


def test_deploy_uploads_the_egg_with_its_spider(deployment: Deployment) -> None:
    # scrapyd-deploy prints the server's answer to addversion.json on stdout.
    answer = deployment.deploy.stdout
    assert '"status": "ok"' in answer, answer + deployment.deploy.stderr
    assert '"spiders": 1' in answer, answer
    status, body = deployment.scrapyd.request("listspiders.json", {"project": PROJECT})
    assert (status, body.get("spiders")) == (200, [SPIDER])
    status, body = deployment.scrapyd.request("listversions.json", {"project": PROJECT})
    assert body.get("versions") == [VERSION]


def test_egg_holds_every_package_module_and_no_tests(deployment: Deployment) -> None:
    egg = deployment.scrapyd.egg_path(PROJECT, VERSION)
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
    modules = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "newscrawl").rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and not path.name.startswith(".")
        and path.suffix != ".pyc"
    }
    assert modules, "no newscrawl modules found"
    missing = sorted(modules - names)
    assert not missing, f"not in the egg: {missing}"
    assert not [name for name in names if name.startswith("tests/")]
    assert "EGG-INFO/entry_points.txt" in names
    with zipfile.ZipFile(egg) as archive:
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert "settings = newscrawl.settings" in entry_points


def test_jobs_import_newscrawl_from_the_egg(deployment: Deployment) -> None:
    """The runner activates the egg the way Scrapyd's jobs do; the working tree must not win."""
    scrapyd = deployment.scrapyd
    env = clean_environment(scrapyd.home)
    env["SCRAPY_PROJECT"] = PROJECT
    code = (
        "from scrapyd.runner import project_environment\n"
        f"with project_environment({PROJECT!r}):\n"
        "    import newscrawl.commands.crawl, newscrawl.spiders.report\n"
        "    print(newscrawl.__file__)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=scrapyd.directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    egg = scrapyd.egg_path(PROJECT, VERSION)
    assert completed.stdout.strip().startswith(str(egg)), completed.stdout


def test_scheduled_crawl_writes_each_language_as_usual(
    deployment: Deployment, replica: ReplicaServer
) -> None:
    output = deployment.root / "output"
    truth = replica.truth()
    for language in LANGUAGES:
        files = sorted((output / language).glob("*.jsonl"))
        assert len(files) == 1, (language, files)
        assert files[0].stat().st_size > 0, files[0]
        items = read_jsonl(files[0])
        assert {item["language"] for item in items} == {language}
        urls = [item["url"] for item in items]
        assert len(urls) == len(set(urls)), f"{language}: an article twice"
        expected = {
            article["url"]
            for article in truth
            if article["language"] == language and not article.get("republished_from")
        }
        assert set(urls) == expected, (
            f"{language}: missing {sorted(expected - set(urls))[:5]}, "
            f"unexpected {sorted(set(urls) - expected)[:5]}"
        )
    assert (deployment.root / "state.sqlite").is_file()


def test_job_log_has_no_errors_and_the_run_finished(deployment: Deployment) -> None:
    log = deployment.scrapyd.job_log(PROJECT, SPIDER, deployment.job)
    assert ERROR_LINE.findall(log) == [], "\n".join(m.group(0) for m in ERROR_LINE.finditer(log))
    assert "'finish_reason': 'finished'" in log
    # Scrapyd logs a zero exit status as "Process finished", anything else as "Process died".
    daemon = deployment.scrapyd.log_tail(chars=10**7)
    assert f"Process finished: project='{PROJECT}' spider='{SPIDER}' job='{deployment.job}'" in (
        daemon
    ), daemon[-3000:]


def test_scrapyd_runs_the_project_crawl_command(deployment: Deployment) -> None:
    """Scrapyd's runner uses COMMANDS_MODULE: a run over a locked state exits 75, not 0."""
    log = deployment.scrapyd.job_log(PROJECT, SPIDER, deployment.locked_job)
    assert "another crawl is using the state" in log
    daemon = deployment.scrapyd.log_tail(chars=10**7)
    expected = (
        f"Process died: exitstatus=75 project='{PROJECT}' spider='{SPIDER}' "
        f"job='{deployment.locked_job}'"
    )
    assert expected in daemon, daemon[-3000:]
    assert not list((deployment.root / "locked" / "output").glob("*/*.jsonl"))


@pytest.mark.parametrize(
    ("endpoint", "method"),
    [
        ("daemonstatus.json", "GET"),
        ("listjobs.json", "GET"),
        ("schedule.json", "POST"),
        ("addversion.json", "POST"),
    ],
)
def test_requests_without_credentials_are_refused(
    deployment: Deployment, endpoint: str, method: str
) -> None:
    scrapyd = deployment.scrapyd
    status, _ = scrapyd.request(
        endpoint, {"project": PROJECT, "spider": SPIDER}, method=method, auth=False
    )
    assert status == 401
    scrapyd.password, real = "wrong", scrapyd.password
    try:
        status, _ = scrapyd.request(endpoint, {"project": PROJECT}, method=method)
    finally:
        scrapyd.password = real
    assert status == 401
