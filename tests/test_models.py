"""One model per record: the JSON Schemas in docs/schemas/, the settings module, the code and
docs/arguments.md all follow the pydantic models of newscrawl/items.py and arguments.py, and
this file fails when one of them drifts."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

import newscrawl.settings as project_settings
from newscrawl.arguments import ProjectSettings, SpiderArguments
from newscrawl.items import SCHEMAS, write_schemas

ROOT = Path(__file__).resolve().parents[1]
#: Read from the environment only (the log level's own variable), never a setting.
ENV_ONLY = {"NEWSCRAWL_LOG_LEVEL"}


def _meaning(schema: Any) -> Any:
    """A schema without ``additionalProperties: true`` (JSON Schema's default, which some
    pydantic versions write out and others leave implicit)."""
    if isinstance(schema, dict):
        return {
            key: _meaning(value)
            for key, value in schema.items()
            if not (key == "additionalProperties" and value is True)
        }
    if isinstance(schema, list):
        return [_meaning(value) for value in schema]
    return schema


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_the_generated_one(name: str, tmp_path: Path) -> None:
    write_schemas(tmp_path)
    generated = json.loads((tmp_path / f"{name}.schema.json").read_text(encoding="utf-8"))
    committed = json.loads((ROOT / "docs/schemas" / f"{name}.schema.json").read_text("utf-8"))
    assert _meaning(committed) == _meaning(generated), "run: python -m newscrawl.items docs/schemas"


def test_settings_module_sets_the_model_defaults() -> None:
    for name, field in ProjectSettings.model_fields.items():
        if name in os.environ or name == "LOG_LEVEL":
            continue  # the module reads these from the environment
        default = field.get_default(call_default_factory=True)
        assert getattr(project_settings, name) == default, name


def test_every_newscrawl_setting_in_the_code_is_in_the_model() -> None:
    used: set[str] = set()
    for path in (ROOT / "newscrawl").rglob("*.py"):
        used |= set(re.findall(r"\bNEWSCRAWL_[A-Z0-9_]*[A-Z0-9]\b", path.read_text("utf-8")))
    missing = used - set(ProjectSettings.model_fields) - ENV_ONLY
    assert not missing


def test_docs_name_every_argument_and_setting() -> None:
    docs = (ROOT / "docs/arguments.md").read_text(encoding="utf-8")
    for name in [*SpiderArguments.model_fields, *ProjectSettings.model_fields]:
        assert f"`{name}`" in docs or f"`{name}," in docs or f", `{name}`" in docs, name


def test_project_defaults_pass_their_own_checks() -> None:
    settings = Settings()
    settings.setmodule(project_settings)
    assert ProjectSettings.errors(settings) == []


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "NEWSCRAWL_HOLE_PAGES",
            "-1",
            "NEWSCRAWL_HOLE_PAGES: got '-1', expected a whole number at least 0",
        ),
        (
            "NEWSCRAWL_HEALTH_ENABLED",
            "maybe",
            "NEWSCRAWL_HEALTH_ENABLED: got 'maybe', expected True or False (1 or 0)",
        ),
        (
            "NEWSCRAWL_HEALTH_MAX_REJECT_RATE",
            "2",
            "NEWSCRAWL_HEALTH_MAX_REJECT_RATE: got '2', expected a number at least 0 and at most 1",
        ),
    ],
)
def test_a_bad_setting_is_one_line(name: str, value: str, line: str) -> None:
    assert ProjectSettings.errors(Settings({name: value})) == [line]


def test_arguments_are_typed() -> None:
    parsed = SpiderArguments.parse({"editions": "en,ru", "max_pages": "3", "since": "2025-10-01"})
    assert parsed.editions == ["en", "ru"] and parsed.max_pages == 3
    assert parsed.model_dump(mode="json")["since"] == "2025-10-01T00:00:00+04:00"
