"""The run report's charts, drawn with matplotlib (no pyplot state) and returned as SVG text.

Text is drawn as paths, so the page needs no font; each function returns one ``<svg>``.
Runs whose health failed are marked on every per-run axis: a red band in the panel of each
edition that failed, a red tick label (shared by the panels) when any edition failed. Every
axis says what it counts; every legend sits beside the plots (``_beside``), never over them.
The legends' SVG groups are named ``legend-<chart>``.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from matplotlib.axes import Axes
from matplotlib.dates import (
    AutoDateLocator,
    ConciseDateFormatter,
    DateFormatter,
    DayLocator,
    date2num,
)
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from newscrawl.site import EDITIONS

if TYPE_CHECKING:
    from newscrawl_data.report import Run

LANGUAGES = tuple(EDITIONS)
COLOURS = {"az": "#1f77b4", "en": "#ff7f0e", "ru": "#2ca02c"}
FAILED = "#d62728"
WIDTH = 11.0
#: Article fields (``coverage`` keys) in words.
FIELDS = {
    "url": "URL",
    "title": "title",
    "body": "body",
    "published_at": "publication date",
    "article_id": "article id",
    "lead": "lead",
    "modified_at": "modification date",
    "category": "category",
    "tags": "tags",
    "images": "images",
    "translations": "translation links",
    "badges": "badges",
}
#: Labelled ticks on a per-run axis at most (the strip has up to 144 runs).
MAX_LABELS = 16


def to_svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element (without the XML prolog)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")  # the constrained layout keeps it all inside
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _mark_failed_runs(axes: Axes, runs: list[Run], language: str | None = None) -> None:
    """A red band over each run that failed for ``language`` (for any edition: None)."""
    for index, run in enumerate(runs):
        failed = run.failed_editions()
        if (language is None and failed) or language in failed:
            axes.axvspan(index - 0.5, index + 0.5, color=FAILED, alpha=0.12, lw=0)


def _run_axis(axes: Axes, runs: list[Run]) -> None:
    """A labelled tick (the run's start, UTC) on at most :data:`MAX_LABELS` runs, the newest
    always; red when the run failed for any edition. The ticks, not ``get_xticklabels()``:
    panels sharing the axis have no visible labels."""
    every = max(1, -(-len(runs) // MAX_LABELS))
    shown = [i for i in range(len(runs)) if (len(runs) - 1 - i) % every == 0]
    labels = [runs[i].label().replace(" ", "\n", 1) for i in shown]
    ticks = axes.set_xticks(shown, labels, fontsize=7)
    for tick, index in zip(ticks, shown, strict=True):
        if runs[index].failed_editions():
            tick.label1.set_color(FAILED)
    axes.set_xlim(-0.6, max(len(runs), 1) - 0.4)
    axes.grid(axis="y", alpha=0.3)


def _bars(axes: Axes, values: list[float], bottom: list[float], **style: Any) -> list[float]:
    """One stacked bar per run, drawn as one stepped area (one path, however many runs: a
    strip of 144 runs draws in a fraction of the time of 144 rectangles); returns the top."""
    top = [a + b for a, b in zip(bottom, values, strict=True)]
    if values:
        xs = [x for i in range(len(values)) for x in (i - 0.4, i + 0.4)]
        upper = [v for v in top for _ in range(2)]
        lower = [v for v in bottom for _ in range(2)]
        axes.fill_between(xs, lower, upper, lw=0, **style)
    else:
        axes.fill_between([], [], [], lw=0, **style)  # for the legend
    return top


def _beside(figure: Figure, name: str, **options: object) -> None:
    """The figure's legend beside the plots (right, outside every axes), never over them;
    its SVG group is ``legend-<name>``."""
    legend = figure.legend(loc="outside right upper", frameon=False, **options)
    legend.set_gid(f"legend-{name}")


def articles_per_day(per_day: dict[str, dict[date, int]]) -> str:
    """Articles per publication day (Baku time), one line per edition."""
    figure = Figure(figsize=(WIDTH, 3.2), layout="constrained")
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
        _beside(figure, "per-day", title="edition")
    else:
        axes.text(0.5, 0.5, "no articles yet", ha="center", va="center", transform=axes.transAxes)
    axes.set_title("Articles per day (publication date, Baku time)", loc="left")
    axes.set_xlabel("publication day")
    axes.set_ylabel("articles")
    axes.grid(alpha=0.3)
    return to_svg(figure)


def _panels(figure: Figure) -> list[Axes]:
    return list(figure.subplots(len(LANGUAGES), 1, sharex=True, squeeze=False)[:, 0])


def _edition_label(axes: Axes, language: str, unit: str) -> None:
    axes.set_ylabel(f"{language}\n{unit}", fontsize=9, color=COLOURS[language])


def new_updated_rejected(runs: list[Run]) -> str:
    """Per run and edition: new, revised and rejected articles, stacked."""
    figure = Figure(figsize=(WIDTH, 2.2 * len(LANGUAGES)), layout="constrained")
    panels = _panels(figure)
    for axes, language in zip(panels, LANGUAGES, strict=True):
        first = axes is panels[0]
        top = [0.0] * len(runs)
        for key, colour, label in (
            ("new", "#4c78a8", "new"),
            ("updated", "#f58518", "revised"),
            ("dropped_total", "#9d755d", "rejected"),
        ):
            values = [r.figure(language, key) for r in runs]
            top = _bars(axes, values, top, color=colour, label=label if first else None)
        axes.set_ylim(bottom=0)
        _edition_label(axes, language, "articles")
        _run_axis(axes, runs)
        _mark_failed_runs(axes, runs, language)
    panels[-1].set_xlabel("run start (UTC)")
    _beside(figure, "changes")
    panels[0].set_title("New, revised and rejected articles per run", loc="left")
    return to_svg(figure)


def coverage(runs: list[Run]) -> str:
    """Share of exported articles with each field filled, per run, one panel per edition."""
    fields = sorted({f for r in runs for e in r.editions.values() for f in e.get("coverage", {})})
    figure = Figure(figsize=(WIDTH, 2.4 * len(LANGUAGES)), layout="constrained")
    panels = _panels(figure)
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
            xs, ys = zip(*points, strict=True) if points else ((), ())
            axes.plot(
                xs,
                ys,
                marker="o" if len(runs) <= MAX_LABELS else None,
                ms=3,
                lw=1.2,
                label=FIELDS.get(name, name.replace("_", " ")) if axes is panels[0] else None,
                color=palette[index % len(palette)],
            )
        axes.set_ylim(-0.05, 1.05)
        axes.yaxis.set_major_formatter(PercentFormatter(1.0))
        _edition_label(axes, language, "articles with it")
        _run_axis(axes, runs)
        _mark_failed_runs(axes, runs, language)
    panels[-1].set_xlabel("run start (UTC)")
    if fields:
        _beside(figure, "coverage", title="field", fontsize=8)
    panels[0].set_title("Field coverage per run (share of exported articles)", loc="left")
    return to_svg(figure)


def requests_and_errors(runs: list[Run]) -> str:
    """Requests per run (stacked by edition) and failed requests (errors) on a second axis."""
    figure = Figure(figsize=(WIDTH, 3.4), layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(runs)))
    bottom = [0.0] * len(runs)
    for language in LANGUAGES:
        values = [r.figure(language, "requests") for r in runs]
        bottom = _bars(axes, values, bottom, color=COLOURS[language], label=f"requests {language}")
    axes.set_ylim(bottom=0)
    axes.set_ylabel("requests per run")
    errors_axes = axes.twinx()
    errors = [sum(r.figure(code, "errors") for code in LANGUAGES) for r in runs]
    retries = [sum(r.figure(code, "retries") for code in LANGUAGES) for r in runs]
    few = len(runs) <= MAX_LABELS
    errors_axes.plot(positions, errors, color=FAILED, marker="o" if few else None, label="errors")
    errors_axes.plot(
        positions, retries, color="#555555", marker="x" if few else None, ls="--", label="retries"
    )
    errors_axes.set_ylabel("errors, retries per run", color=FAILED)
    errors_axes.set_ylim(bottom=0, top=max([*errors, *retries, 1]) * 1.2)
    _run_axis(axes, runs)
    _mark_failed_runs(axes, runs)
    axes.set_xlabel("run start (UTC)")
    _beside(figure, "requests")
    axes.set_title("Requests and errors per run", loc="left")
    return to_svg(figure)


def health_timeline(runs: list[Run]) -> str:
    """Each run of the strip per edition on the time axis: healthy, warned, failed."""
    figure = Figure(figsize=(WIDTH, 2.6), layout="constrained")
    axes = figure.subplots()
    rows = {language: i for i, language in enumerate(reversed(LANGUAGES))}
    timed = [r for r in runs if r.started_at is not None]
    for language, y in rows.items():
        crawled = [r for r in timed if language in r.editions or language in r.failed_editions()]
        bad = [r for r in crawled if language in r.failed_editions()]
        warned = [
            r
            for r in crawled
            if r not in bad and {str(w.get("edition")) for w in r.warnings} & {language, "all"}
        ]
        ok = [r for r in crawled if r not in bad and r not in warned]
        for group, colour, marker, size in (
            (ok, "#2ca02c", "o", 30),
            (warned, "#ff9f1c", "D", 36),
            (bad, FAILED, "X", 60),
        ):
            times = date2num([r.started_at for r in group])
            axes.scatter(times, [y] * len(times), color=colour, marker=marker, s=size, zorder=3)
    axes.scatter([], [], color="#2ca02c", marker="o", label="healthy run")
    axes.scatter([], [], color="#ff9f1c", marker="D", label="health warning")
    axes.scatter([], [], color=FAILED, marker="X", label="health check failed")
    axes.set_yticks(list(rows.values()), list(rows), fontsize=11)
    axes.set_ylim(-0.7, len(rows) - 0.3)
    axes.set_ylabel("edition")
    axes.set_xlabel("run start time (UTC)")
    if timed:
        first = min(r.started_at for r in timed if r.started_at)
        last = max(r.started_at for r in timed if r.started_at)
        pad = max(last - first, timedelta(hours=1)) * 0.05
        axes.set_xlim(date2num(first - pad), date2num(last + pad))
        axes.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=12))
        axes.xaxis.set_major_formatter(DateFormatter("%d %b %H:%M"))
        axes.tick_params(axis="x", labelsize=8)
    else:
        axes.text(0.5, 0.5, "no runs yet", ha="center", va="center", transform=axes.transAxes)
    axes.grid(axis="x", alpha=0.3)
    axes.set_title("Health of each run", loc="left")
    _beside(figure, "health", fontsize=8)
    return to_svg(figure)
