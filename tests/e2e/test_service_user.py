"""The service-user set-up of docs/operations.md: a virtualenv built from the system Python
runs the crawler as another user (here ``nobody``), while one built from a Python under root's
home cannot be run by that user (the exit status 126 a ``User=newscrawl`` unit meets).

Needs root (``runuser``) and a system Python 3.11+ at ``/usr/bin/python3``; skipped otherwise.
Installs the project from PyPI's packages into a fresh virtualenv (about half a minute with a
warm pip cache)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl import FAST_SETTINGS, ROOT
from tests.site.harness import ReplicaServer

SYSTEM_PYTHON = Path("/usr/bin/python3")


def _system_python_ok() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys, venv; print(sys.version_info >= (3, 11))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() == "True"


pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run as another user"),
    pytest.mark.skipif(shutil.which("runuser") is None, reason="needs runuser"),
    pytest.mark.skipif(not _system_python_ok(), reason="needs /usr/bin/python3 >= 3.11"),
    pytest.mark.timeout(600),
]


@pytest.fixture(scope="module")
def shared_dir() -> Iterator[Path]:
    """A directory other users can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="newscrawl-service-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _as_nobody(*command: str, cwd: Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [shutil.which("runuser") or "runuser", "-u", "nobody", "--", *command],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_venv_from_the_system_python_runs_as_another_user(shared_dir: Path) -> None:
    venv = shared_dir / "venv"
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)], check=True)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=500,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    work = shared_dir / "work"
    work.mkdir()
    shutil.copy(ROOT / "scrapy.cfg", work / "scrapy.cfg")
    shutil.chown(work, "nobody")
    with ReplicaServer(articles=20, seed=5) as replica:
        settings = [f"-s{name}={value}" for name, value in FAST_SETTINGS.items()]
        run = _as_nobody(
            str(venv / "bin" / "scrapy"),
            "crawl",
            "report",
            "-a",
            f"base_url={replica.base_url}",
            *settings,
            "-sLOG_LEVEL=WARNING",
            cwd=work,
            env={
                "NEWSCRAWL_OUTPUT_DIR": str(work / "output"),
                "NEWSCRAWL_STATE": str(work / "state.sqlite"),
            },
        )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stderr == ""
    assert list((work / "output" / "en").glob("report-*.jsonl"))
    assert (work / "state.sqlite").stat().st_uid != 0  # written by the service user


def test_a_venv_from_a_python_under_roots_home_cannot(shared_dir: Path) -> None:
    python = Path(sys.executable).resolve()
    if not str(python).startswith("/root/"):
        pytest.skip(f"this venv's Python ({python}) is not under /root")
    completed = _as_nobody(sys.executable, "-c", "pass", cwd=shared_dir)
    assert completed.returncode in (126, 127, 1), completed
