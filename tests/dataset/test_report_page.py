"""The run report opened in a real headless browser (Debian's Chromium): every chart and every
legend is on the screenshot, visible, and no legend covers a plot.

How: the page is opened with a probe script appended (the page itself has none) that writes
the boxes of each chart, its plot areas (the first group of each matplotlib ``axes_<n>``) and
legends (``legend...``) into the DOM (``--dump-dom``), then screenshot twice at the page's full
height: as it is, and with the legends hidden. A chart is shown when each of its plot areas
has painted pixels on the first screenshot; a legend is shown when its box has painted pixels
there; a legend covers nothing when its box is blank on the second screenshot (nothing was
under it) and does not meet a plot area. Mutations prove the check bites: a chart or a legend
``display:none``, and the old placement of the legend over the bars.

Skipped when Chromium is missing, except under CI (``CI=true``), where it fails: CI installs
Chromium (``.ci/run``) so this test always runs there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure
from PIL import Image

from newscrawl_data import charts
from newscrawl_data.dataset import export_dataset
from newscrawl_data.report import render, write_report
from tests.dataset.conftest import TwoRuns, copy_output

CHARTS = ("per-day", "changes", "coverage", "requests", "health")
WIDTH = 1280
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]
#: Grey level below which a pixel is painted (the grid lines, at 30 % alpha, are lighter).
INK = 200
#: Painted pixels a plot area or a legend needs to count as shown.
SHOWN = 40
#: Painted pixels allowed under a hidden legend (anti-aliasing at its edge).
UNDER = 12

PROBE = """<script>
window.addEventListener("load", () => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return [r.left + scrollX, r.top + scrollY, r.width, r.height]; };
  const boxes = {height: document.documentElement.scrollHeight, charts: []};
  document.querySelectorAll("figure.chart").forEach((f) => boxes.charts.push({
    box: box(f),
    plots: [...f.querySelectorAll('g[id^="axes_"] > g[id^="patch_"]:first-child')].map(box),
    legends: [...f.querySelectorAll('g[id^="legend"]')].map(box),
  }));
  const out = document.createElement("pre"); out.id = "boxes";
  out.textContent = JSON.stringify(boxes); document.body.appendChild(out);
});
</script>"""
HIDE_LEGENDS = '<style>g[id^="legend"] { visibility: hidden; }</style>'

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


@dataclass
class Shots:
    """The boxes the probe read and the two screenshots (grey levels)."""

    boxes: dict[str, Any]
    page: Image.Image
    bare: Image.Image  # the legends hidden


def shoot(html: str, tmp_path: Path) -> Shots:
    """Open ``html`` in Chromium: the probe's boxes, then both screenshots."""
    work = tmp_path / f"shot-{len(list(tmp_path.glob('shot-*')))}"
    work.mkdir()
    probe = work / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = browse(probe, work, "--dump-dom", f"--window-size={WIDTH},1000")
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'<pre id="boxes">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stdout[-2000:]
    boxes = json.loads(found.group(1).replace("&quot;", '"'))
    images = []
    for name, text in (("page", html), ("bare", html.replace("</head>", HIDE_LEGENDS + "</head>"))):
        source, png = work / f"{name}.html", work / f"{name}.png"
        source.write_text(text, encoding="utf-8")
        size = f"--window-size={WIDTH},{int(boxes['height']) + 20}"
        done = browse(source, work, f"--screenshot={png}", size)
        assert done.returncode == 0 and png.exists(), done.stderr[-2000:]
        with Image.open(png) as image:
            images.append(image.convert("L"))
    return Shots(boxes, images[0], images[1])


def ink(image: Image.Image, box: list[float], inset: int = 0) -> int:
    """Painted pixels inside ``box`` (left, top, width, height), ``inset`` pixels in."""
    left, top, width, height = box
    area = (
        int(left) + inset,
        int(top) + inset,
        int(left + width) - inset,
        int(top + height) - inset,
    )
    if area[2] <= area[0] or area[3] <= area[1]:
        return 0
    return sum(image.crop(area).histogram()[:INK])


def meets(a: list[float], b: list[float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def hidden(shots: Shots) -> list[str]:
    """What is wrong on the screenshots: charts or legends not shown, legends over plots."""
    found, problems = shots.boxes["charts"], []
    if len(found) != len(CHARTS):
        problems.append(f"{len(found)} charts on the page")
    for chart, parts in zip(CHARTS, found, strict=False):
        if not parts["plots"]:
            problems.append(f"chart {chart}: no plot area on the page")
        for box in parts["plots"]:
            if box[2] < 50 or box[3] < 30 or ink(shots.page, box, inset=3) < SHOWN:
                problems.append(f"chart {chart}: a plot area is not shown ({box})")
        if not parts["legends"]:
            problems.append(f"chart {chart}: no legend")
        for box in parts["legends"]:
            if box[2] < 10 or box[3] < 10 or ink(shots.page, box) < SHOWN:
                problems.append(f"chart {chart}: its legend is not shown ({box})")
            elif (under := ink(shots.bare, box, inset=1)) > UNDER:
                problems.append(f"chart {chart}: its legend covers {under} painted pixels")
            for index, plot in enumerate(parts["plots"]):
                if meets(box, plot):
                    problems.append(f"chart {chart}: its legend meets plot {index}")
    return problems


@pytest.fixture(scope="module")
def exported(two_runs: TwoRuns, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the two runs' output, exported."""
    output = copy_output(two_runs.output, tmp_path_factory.mktemp("page") / "output")
    export_dataset(output)
    return output


@pytest.fixture(scope="module")
def page(exported: Path) -> str:
    return write_report(exported).read_text(encoding="utf-8")


def test_every_chart_and_legend_is_shown_and_uncovered(page: str, tmp_path: Path) -> None:
    head = page.split("<body>")[0]
    assert "<script" not in page.lower() and "http://" not in head
    assert not re.search(r"""(src|href)=["']https?://""", page)
    shots = shoot(page, tmp_path)
    assert hidden(shots) == []
    shots.page.save("/tmp/newscrawl-report.png")  # to look at


def test_a_hidden_chart_or_legend_fails_the_check(page: str, tmp_path: Path) -> None:
    hide_chart = '<figure class="chart" style="display:none">'
    mutated = page.replace('<figure class="chart">', hide_chart, 1).replace(
        "</head>", "<style>#legend-coverage { display: none; }</style></head>", 1
    )
    problems = hidden(shoot(mutated, tmp_path))
    assert any(p.startswith("chart per-day: a plot area is not shown") for p in problems)
    assert any(p.startswith("chart coverage: its legend is not shown") for p in problems)
    assert not any(p.startswith("chart changes") for p in problems), problems


def test_a_legend_over_the_bars_fails_the_check(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def on_the_bars(figure: Figure, name: str, **options: Any) -> None:
        """The old placement: the legend inside the first plot's upper right corner."""
        legend = figure.axes[0].legend(loc="upper right", ncols=3, frameon=False)
        legend.set_gid(f"legend-{name}")

    monkeypatch.setattr(charts, "_beside", on_the_bars)
    problems = hidden(shoot(render(exported), tmp_path))
    # the pixels: the requests legend hides bars; the boxes: each legend is on a plot
    assert any(p.startswith("chart requests: its legend covers") for p in problems), problems
    for chart in CHARTS:
        assert f"chart {chart}: its legend meets plot 0" in problems


def test_the_report_without_runs_or_dataset(tmp_path: Path) -> None:
    page = write_report(tmp_path / "empty")
    text = page.read_text(encoding="utf-8")
    assert text.count('<figure class="chart">') == len(CHARTS)
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
