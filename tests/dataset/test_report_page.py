"""The run report opened in a real headless browser (Debian's Chromium): every chart drawn.

Skipped when Chromium is missing, except under CI (``CI=true``), where it fails: CI installs
Chromium (``.ci/run``) so this test always runs there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from newscrawl_data import charts
from newscrawl_data.report import write_report
from tests.dataset.conftest import TwoRuns

CHARTS = 5
CELL = 800  # px: height of each chart's cell in the grid screenshot
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


CHROMIUM = Path("/usr/bin/chromium")


def chromium() -> str:
    """The browser's path; a skip without it, a failure without it under CI."""
    found = shutil.which("chromium") or (str(CHROMIUM) if CHROMIUM.exists() else None)
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("Chromium is missing under CI: .ci/run should have installed it")
    pytest.skip("Chromium not installed (apt-get install -y chromium)")


def browse(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run(
        [chromium(), *BROWSER_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def painted_share(png: Path) -> float:
    """Share of the screenshot's pixels that are not (nearly) white."""
    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:240]) / (grey.width * grey.height)


def test_every_chart_renders_in_chromium(two_runs: TwoRuns, tmp_path: Path) -> None:
    page = write_report(two_runs.output)
    assert page == two_runs.output / "report.html"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "http://" not in text.split("<body>")[0]
    assert not re.search(r"""(src|href)=["']https?://""", text)

    dom = browse(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    figures = re.findall(r'<figure class="chart">(.*?)</figure>', dom.stdout, flags=re.S)
    assert len(figures) == CHARTS
    for figure in figures:
        assert figure.lstrip().startswith("<svg") and figure.count("<path") > 20
    assert dom.stdout.count('<table class="latest">') == 1

    shot = tmp_path / "report.png"
    done = browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,4000")
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    assert painted_share(shot) > 0.03
    shutil.copy(shot, Path("/tmp/newscrawl-report.png"))

    # the charts again, each in a cell of its own at a known place: none of them is blank
    fit = f'<svg style="max-width:1270px;max-height:{CELL - 10}px"'
    cells = "".join(
        f'<div style="position:absolute;left:0;top:{i * CELL}px;width:1280px;height:{CELL}px;'
        f'overflow:hidden">{figure.replace("<svg", fit, 1)}</div>'
        for i, figure in enumerate(figures)
    )
    grid = tmp_path / "charts.html"
    grid.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        f'<body style="margin:0">{cells}</body></html>',
        encoding="utf-8",
    )
    png = tmp_path / "charts.png"
    done = browse(grid, tmp_path, f"--screenshot={png}", f"--window-size=1280,{CELL * CHARTS}")
    assert done.returncode == 0 and png.exists(), done.stderr[-2000:]
    with Image.open(png) as image:
        grey = image.convert("L")
        for index in range(CHARTS):
            cell = grey.crop((0, index * CELL, 1280, (index + 1) * CELL))
            dark = sum(cell.histogram()[:200])
            assert dark > 5000, f"chart {index} looks blank ({dark} dark pixels)"


def test_the_report_without_runs_or_dataset(tmp_path: Path) -> None:
    page = write_report(tmp_path / "empty")
    text = page.read_text(encoding="utf-8")
    assert text.count('<figure class="chart">') == CHARTS
    assert "0 runs" in text and "no articles yet" in text  # an SVG comment beside its paths
    assert charts.articles_per_day({}).startswith("<svg")


def test_a_missing_chromium_skips_locally_and_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tests.dataset.test_report_page as this

    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(this, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        chromium()
