"""Who and what a run is: its id, its Scrapyd job, the code version, the User-Agent.

``run_id`` names every file of a run: ``<start time UTC>-<job>``, where ``<job>`` is the
Scrapyd job id (the ``_job`` argument Scrapyd passes, else the environment variable
``SCRAPY_JOB`` / ``SCRAPYD_JOB``) or, outside Scrapyd, the process id; two jobs started in the
same second never share a file.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
from datetime import datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings

#: The User-Agent without a contact; NEWSCRAWL_CONTACT adds one (see settings.py).
BASE_USER_AGENT = "newscrawl/0.1 (news archive crawler)"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def job_id(argument: Any = None) -> str | None:
    """The Scrapyd job id of this process, made safe for a file name, or None."""
    raw = argument or os.environ.get("SCRAPY_JOB") or os.environ.get("SCRAPYD_JOB")
    if not raw:
        return None
    return _UNSAFE.sub("_", str(raw)).strip("._-")[:64] or None


def run_id_for(started: datetime, job: str | None) -> str:
    """``2025-10-23T16-02-00-<job id or process id>``: sorts by start time, unique per job."""
    return f"{started:%Y-%m-%dT%H-%M-%S}-{job or os.getpid()}"


def argument_names(spider_class: type[Any]) -> list[str]:
    """The named parameters of a spider's ``__init__``: the ``-a`` arguments it takes."""
    parameters = inspect.signature(spider_class.__init__).parameters.values()
    return [
        p.name
        for p in parameters
        if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def user_agent(settings: BaseSettings) -> str:
    """``USER_AGENT``, with ``NEWSCRAWL_CONTACT`` added when the agent is the project's own."""
    agent = str(settings.get("USER_AGENT") or BASE_USER_AGENT)
    contact = str(settings.get("NEWSCRAWL_CONTACT") or "").strip()
    if contact and agent == BASE_USER_AGENT:
        return f"{BASE_USER_AGENT[:-1]}; +{contact})"
    return agent


def priority_of(settings: BaseSettings, name: str) -> int:
    """The priority a setting has now (to change its value without raising it)."""
    return int(settings.getpriority(name) or 0)


def code_version() -> dict[str, str | None]:
    """The installed package version, ``git describe`` of the checkout where there is one, and
    the Scrapyd egg version a job was scheduled with (``_version``, env SCRAPYD_EGG_VERSION).

    Never fails: each part is None when it cannot be found (an egg under Scrapyd has no git).
    """
    return {**_installed_version(), "egg": os.environ.get("SCRAPYD_EGG_VERSION") or None}


@cache
def _installed_version() -> dict[str, str | None]:
    try:
        package: str | None = metadata.version("newscrawl")
    except metadata.PackageNotFoundError:
        package = None
    root = Path(__file__).resolve().parent.parent
    git: str | None = None
    if (root / ".git").exists():
        try:
            completed = subprocess.run(
                ["git", "-C", str(root), "describe", "--always", "--dirty", "--tags"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
            git = completed.stdout.strip() or None if completed.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            git = None
    return {"package": package, "git": git}
