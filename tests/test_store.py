"""The state store (newscrawl/store.py): migration of older state files in place, and a file it
cannot read named with its cause (bug 1 of issue 17; the end-to-end test is
tests/e2e/test_state_file.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newscrawl.store import SCHEMA_VERSION, StateError, StateStore
from tests.e2e.test_state_file import damage_state


def test_a_schema_3_state_loses_its_runs_table_and_keeps_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = StateStore(path)
    store.record(
        url="https://report.az/en/a/b",
        language="en",
        article_id=1,
        content_hash="h",
        title="T",
        revision=2,
        published_at=None,
        seen_at="2025-10-24T12:00:00+00:00",
    )
    store.close()
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE runs (run_id TEXT, edition TEXT, finished_at TEXT, mode TEXT, "
            "figures TEXT, PRIMARY KEY (run_id, edition))"
        )
        connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    store = StateStore(path)
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "5"
    kept = store.get("https://report.az/en/a/b")
    assert kept is not None and kept.revision == 2
    tables = {row[0] for row in store.connection.execute("SELECT name FROM sqlite_master")}
    assert "runs" not in tables
    store.close()


@pytest.mark.parametrize(
    ("damage", "cause"),
    [
        ("garbage", "file is not a database"),
        ("newer", "newer than this newscrawl"),
        ("truncated", "cut short"),
    ],
)
def test_an_unreadable_state_is_named_with_its_cause(
    tmp_path: Path, damage: str, cause: str
) -> None:
    path = tmp_path / "state.sqlite"
    damage_state(path, damage)
    with pytest.raises(StateError) as error:
        StateStore(path)
    message = str(error.value)
    assert message.startswith(f"state {path} cannot be read: ") and cause in message
    assert "\n" not in message
