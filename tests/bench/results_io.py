"""One benchmark run as JSON: written to ``bench-output/<label>.json`` after the run, read back by
``--render-only`` (the whole run) and ``--compare`` (only its headline figures, for the
before/after table).

The run's dataclasses are written field by field (:func:`to_jsonable`) and rebuilt from their
type hints (:func:`from_jsonable`), so a results file stays readable when a field is added
(missing fields take their defaults).
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench.extractor import ExtractorComparison
from tests.bench.polite_run import PoliteSuite
from tests.bench.profile import ProfileResult
from tests.bench.report import BenchResult


@dataclass
class BenchRun:
    """Everything one ``python -m tests.bench`` measured, and where and when."""

    label: str
    revision: str
    started: str
    command: str
    machine: dict[str, str]
    results: list[BenchResult] = field(default_factory=list)
    comparison: ExtractorComparison | None = None
    profile: ProfileResult | None = None
    polite: PoliteSuite | None = None
    #: Headline figures (name -> value), as :func:`tests.bench.targets.figures` computed them.
    figures: dict[str, float | None] = field(default_factory=dict)


def to_jsonable(value: Any) -> Any:
    """Dataclasses to dicts, paths to strings, tuples to lists, NaN to None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def from_jsonable(kind: Any, value: Any) -> Any:
    """The inverse of :func:`to_jsonable` for a value of type ``kind``."""
    if value is None:
        return None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in args if arg is not type(None)]
        return from_jsonable(options[0], value) if len(options) == 1 else value
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        known = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(
            **{
                name: from_jsonable(hints[name], item)
                for name, item in value.items()
                if name in known
            }
        )
    if kind is Path:
        return Path(value)
    if kind is float:
        return float(value)
    if origin is list:
        return [from_jsonable(args[0], item) for item in value]
    if origin is tuple:
        return tuple(from_jsonable(arg, item) for arg, item in zip(args, value, strict=False))
    if origin is dict:
        return {key: from_jsonable(args[1], item) for key, item in value.items()}
    return value


def save(run: BenchRun, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_jsonable(run), indent=1, ensure_ascii=False), encoding="utf-8")


def load(path: Path) -> BenchRun:
    run: BenchRun = from_jsonable(BenchRun, json.loads(path.read_text(encoding="utf-8")))
    return run


def save_figures(run: BenchRun, path: Path) -> None:
    """Only the headline figures and where they come from (a reference to compare with)."""
    data = {
        "label": run.label,
        "revision": run.revision,
        "started": run.started,
        "command": run.command,
        "figures": to_jsonable(run.figures),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load_figures(path: Path) -> BenchRun:
    """A results or figures file, as a run with its figures (and its measurements if any)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return BenchRun(
        label=str(data.get("label", path.stem)),
        revision=str(data.get("revision", "unknown")),
        started=str(data.get("started", "")),
        command=str(data.get("command", "")),
        machine=dict(data.get("machine", {})),
        figures=dict(data.get("figures", {})),
    )
