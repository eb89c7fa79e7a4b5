"""The run report's charts, drawn with matplotlib (no pyplot state) and returned as SVG text.

Text is drawn as paths, so the page needs no font; each function returns one ``<svg>``.
Runs whose health failed are marked on every per-run axis: a red band in the panel of each
edition that failed, a red tick label (shared by the panels) when any edition failed.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.dates import (
    AutoDateLocator,
    ConciseDateFormatter,
    DateFormatter,
    DayLocator,
    date2num,
)
from matplotlib.figure import Figure

from newscrawl.site import EDITIONS

if TYPE_CHECKING:
    from newscrawl_data.report import Run

LANGUAGES = tuple(EDITIONS)
COLOURS = {"az": "#1f77b4", "en": "#ff7f0e", "ru": "#2ca02c"}
FAILED = "#d62728"
WIDTH = 11.0


def to_svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element (without the XML prolog)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _mark_failed_runs(axes: Axes, runs: list[Run], language: str | None = None) -> None:
    """A red band over each run that failed for ``language`` (for any edition: None)."""
    for index, run in enumerate(runs):
        failed = run.failed_editions()
        if (language is None and failed) or language in failed:
            axes.axvspan(index - 0.5, index + 0.5, color=FAILED, alpha=0.12, lw=0)


def _run_axis(axes: Axes, runs: list[Run]) -> None:
    """One tick per run, labelled with its id; red when the run failed for any edition. The
    ticks, not ``get_xticklabels()``: panels sharing the axis have no visible labels."""
    labels = [r.run_id.replace("T", "\n", 1) for r in runs]
    ticks = axes.set_xticks(range(len(runs)), labels, fontsize=7)
    for tick, run in zip(ticks, runs, strict=True):
        if run.failed_editions():
            tick.label1.set_color(FAILED)
    axes.set_xlim(-0.6, len(runs) - 0.4)
    axes.grid(axis="y", alpha=0.3)


def articles_per_day(per_day: dict[str, dict[date, int]]) -> str:
    """Articles per publication day (Baku time), one line per edition."""
    figure = Figure(figsize=(WIDTH, 3.2))
    axes = figure.subplots()
    days = sorted({d for counts in per_day.values() for d in counts})
    if days:
        every = [days[0] + timedelta(days=i) for i in range((days[-1] - days[0]).days + 1)]
        for language in LANGUAGES:
            counts = per_day.get(language, {})
            axes.plot(
                date2num(every),
                [counts.get(d, 0) for d in every],
                marker="o",
                ms=3,
                color=COLOURS[language],
                label=language,
            )
        if len(every) <= 21:
            axes.xaxis.set_major_locator(DayLocator())
            axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
        else:
            locator = AutoDateLocator()
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.legend(loc="upper left", ncols=3, frameon=False)
    else:
        axes.text(0.5, 0.5, "no articles yet", ha="center", va="center", transform=axes.transAxes)
    axes.set_title("Articles per day (publication date, Baku time)", loc="left")
    axes.set_ylabel("articles")
    axes.grid(alpha=0.3)
    return to_svg(figure)


def new_updated_rejected(runs: list[Run]) -> str:
    """Per run and edition: new, updated and rejected articles, stacked."""
    figure = Figure(figsize=(WIDTH, 2.2 * len(LANGUAGES)))
    panels = figure.subplots(len(LANGUAGES), 1, sharex=True, squeeze=False)[:, 0]
    positions = list(range(len(runs)))
    for axes, language in zip(panels, LANGUAGES, strict=True):
        new = [r.figure(language, "new") for r in runs]
        updated = [r.figure(language, "updated") for r in runs]
        rejected = [r.figure(language, "dropped_total") for r in runs]
        axes.bar(positions, new, color="#4c78a8", label="new")
        axes.bar(positions, updated, bottom=new, color="#f58518", label="updated")
        base = [a + b for a, b in zip(new, updated, strict=True)]
        axes.bar(positions, rejected, bottom=base, color="#9d755d", label="rejected")
        axes.set_ylabel(language, rotation=0, labelpad=14, fontsize=11, color=COLOURS[language])
        _run_axis(axes, runs)
        _mark_failed_runs(axes, runs, language)
    panels[0].legend(loc="upper right", ncols=3, frameon=False)
    panels[0].set_title("New, updated and rejected articles per run", loc="left")
    return to_svg(figure)


def coverage(runs: list[Run]) -> str:
    """Share of exported articles with each field filled, per run, one panel per edition."""
    fields = sorted({f for r in runs for e in r.editions.values() for f in e.get("coverage", {})})
    figure = Figure(figsize=(WIDTH, 2.4 * len(LANGUAGES)))
    panels = figure.subplots(len(LANGUAGES), 1, sharex=True, squeeze=False)[:, 0]
    palette = [
        "#1f77b4",
        "#ff7f0e",
        "#2ca02c",
        "#d62728",
        "#9467bd",
        "#8c564b",
        "#e377c2",
        "#7f7f7f",
        "#bcbd22",
        "#17becf",
        "#393b79",
        "#637939",
    ]
    for axes, language in zip(panels, LANGUAGES, strict=True):
        for index, name in enumerate(fields):
            values = [r.editions.get(language, {}).get("coverage", {}).get(name) for r in runs]
            points = [(i, v) for i, v in enumerate(values) if isinstance(v, int | float)]
            if points:
                xs, ys = zip(*points, strict=True)
                axes.plot(
                    xs,
                    ys,
                    marker="o",
                    ms=3,
                    lw=1.2,
                    label=name,
                    color=palette[index % len(palette)],
                )
        axes.set_ylim(-0.05, 1.05)
        axes.set_ylabel(language, rotation=0, labelpad=14, fontsize=11, color=COLOURS[language])
        _run_axis(axes, runs)
        _mark_failed_runs(axes, runs, language)
    if fields:
        panels[0].legend(loc="center left", bbox_to_anchor=(1.0, -0.6), frameon=False, fontsize=8)
    panels[0].set_title("Field coverage per run (share of exported articles)", loc="left")
    return to_svg(figure)


def requests_and_errors(runs: list[Run]) -> str:
    """Requests per run (stacked by edition) and failed requests (errors) on a second axis."""
    figure = Figure(figsize=(WIDTH, 3.4))
    axes = figure.subplots()
    positions = list(range(len(runs)))
    bottom = [0.0] * len(runs)
    for language in LANGUAGES:
        values = [r.figure(language, "requests") for r in runs]
        axes.bar(
            positions, values, bottom=bottom, color=COLOURS[language], label=f"requests {language}"
        )
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    axes.set_ylabel("requests")
    errors_axes = axes.twinx()
    errors = [sum(r.figure(code, "errors") for code in LANGUAGES) for r in runs]
    retries = [sum(r.figure(code, "retries") for code in LANGUAGES) for r in runs]
    errors_axes.plot(positions, errors, color=FAILED, marker="o", label="errors")
    errors_axes.plot(positions, retries, color="#555555", marker="x", ls="--", label="retries")
    errors_axes.set_ylabel("errors, retries", color=FAILED)
    errors_axes.set_ylim(bottom=0, top=max([*errors, *retries, 1]) * 1.2)
    _run_axis(axes, runs)
    _mark_failed_runs(axes, runs)
    handles = axes.get_legend_handles_labels()
    more = errors_axes.get_legend_handles_labels()
    axes.legend(
        handles[0] + more[0], handles[1] + more[1], loc="upper left", ncols=5, frameon=False
    )
    axes.set_title("Requests and errors per run", loc="left")
    return to_svg(figure)


def health_timeline(runs: list[Run]) -> str:
    """Runs on the time axis per edition: healthy (green), failed (red), holes (red bands)."""
    figure = Figure(figsize=(WIDTH, 2.6))
    axes = figure.subplots()
    rows = {language: i for i, language in enumerate(reversed(LANGUAGES))}
    holes = [h for r in runs for h in r.holes if h.language in rows]
    for hole in holes:
        y = rows[hole.language]
        axes.fill_between(
            date2num([hole.start, hole.end]), y - 0.3, y + 0.3, color=FAILED, alpha=0.25, lw=0
        )
    timed = [r for r in runs if r.started_at is not None]
    for language, y in rows.items():
        ok = date2num([r.started_at for r in timed if language not in r.failed_editions()])
        bad = date2num([r.started_at for r in timed if language in r.failed_editions()])
        axes.scatter(ok, [y] * len(ok), color="#2ca02c", marker="o", s=30, zorder=3)
        axes.scatter(bad, [y] * len(bad), color=FAILED, marker="X", s=60, zorder=4)
    axes.scatter([], [], color="#2ca02c", marker="o", label="healthy run")
    axes.scatter([], [], color=FAILED, marker="X", label="health check failed")
    axes.fill_between([], [], color=FAILED, alpha=0.25, label="hole (not walked)")
    axes.set_yticks(list(rows.values()), list(rows), fontsize=11)
    axes.set_ylim(-0.7, len(rows) - 0.3)
    if timed:
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.grid(axis="x", alpha=0.3)
    note = "" if holes else " - no holes recorded"
    axes.set_title(f"Health and holes on the time axis (UTC){note}", loc="left")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    return to_svg(figure)
