"""The declared Scrapy floor is true: every Scrapy setting the project sets exists in the
installed Scrapy, the floor is at least the release that introduced the newest of them, and
the ``min`` job of ``.ci/run`` tests the floors of the key libraries (``tests/floor.py``)."""

from __future__ import annotations

import ast
from importlib import metadata
from pathlib import Path

from packaging.version import Version
from scrapy.settings import default_settings

from newscrawl import settings
from tests.floor import KEY_LIBRARIES, PYPROJECT, floors

#: Scrapy settings the project sets that are younger than Scrapy 2.11, with the release that
#: introduced them (Scrapy's release notes); older Scrapy ignores them without a word.
INTRODUCED = {"DOWNLOAD_DELAY_JITTER": "2.19", "REMOTE_CONTROL_ENABLED": "2.19"}


def _scrapy_settings_used() -> set[str]:
    """The settings ``newscrawl/settings.py`` assigns that are not the project's own."""
    tree = ast.parse(Path(settings.__file__).read_text(encoding="utf-8"))
    names = {
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    own = ("NEWSCRAWL_", "SPIDERMON_", "ALERT_")
    return {
        name
        for name in names
        if isinstance(name, str) and name.isupper() and not name.startswith(own)
    }


def test_every_scrapy_setting_used_exists_in_the_installed_scrapy() -> None:
    unknown = sorted(
        name for name in _scrapy_settings_used() if not hasattr(default_settings, name)
    )
    assert unknown == []


def test_the_declared_scrapy_floor_has_the_settings_used() -> None:
    floor = Version(floors()["scrapy"])
    assert Version(metadata.version("scrapy")) >= floor
    for name, release in INTRODUCED.items():
        if name in _scrapy_settings_used():
            assert floor >= Version(release), f"{name} needs Scrapy {release}, floor is {floor}"


def test_the_min_job_tests_every_key_library_at_its_floor() -> None:
    assert set(floors()) == set(KEY_LIBRARIES), PYPROJECT
    script = (PYPROJECT.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "-m tests.floor" in script and "-c .venv-min/constraints.txt" in script
