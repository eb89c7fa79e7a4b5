"""The start-up measurement runs and prints both figures (no wall-clock assertion: the machine
decides those; ``python -m tests.bench.startup`` is the measurement)."""

from __future__ import annotations

import pytest

from tests.bench.startup import print_startup


def test_startup_prints_the_project_beside_scrapy(capsys: pytest.CaptureFixture[str]) -> None:
    figures = print_startup(repeat=1)
    assert set(figures) == {"project", "scrapy"}
    assert all(wall > 0 and cpu > 0 for wall, cpu in figures.values())
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("in the project") and lines[2].startswith("Scrapy alone")
