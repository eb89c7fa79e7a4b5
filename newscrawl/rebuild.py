"""A state rebuilt from the output files (``scrapy rebuild_state``): every article line of
``<output>/<language>/report-*.jsonl`` becomes its state row again (its latest revision), so
the next run writes none of them again. Walked ranges, feed URLs and failure counts are not in
the output: the next run is a first run of each edition (it walks ``max_pages`` feed pages and
leaves the rest of the history as a hole later runs fill, writing only articles the files lack).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from newscrawl.output import record_line
from newscrawl.site import LANGUAGES
from newscrawl.sqlitestore import StateLock
from newscrawl.store import StateError, StateStore, is_database_url


@dataclass
class Rebuilt:
    """What a rebuild read and wrote."""

    files: int = 0
    lines: int = 0
    articles: int = 0
    unreadable: int = 0


def state_files(state: Path) -> list[Path]:
    """The state file and the files SQLite and the run keep beside it, those that exist."""
    names = (state.name, f"{state.name}-wal", f"{state.name}-shm")
    return [state.with_name(name) for name in names if state.with_name(name).exists()]


def rebuild_state(output_dir: Path, state: Path | str) -> Rebuilt:
    """Write a new state file at ``state`` from the article files under ``output_dir``;
    refuses (:class:`StateError`) when a state (or its ``-wal``/``-shm``) is there already.
    The file is built under a temporary name and renamed into place when complete.

    ``state`` a PostgreSQL URL: the files' articles are added to that database in one
    transaction (each node of a shared state adds its own files; an article already held at
    the same or a later revision is left as it is)."""
    if isinstance(state, str) and is_database_url(state):
        done = Rebuilt()
        store = StateStore(state)
        try:
            with store.transaction():
                _read_files(store, output_dir, done)
            done.articles = store.count()
        finally:
            store.close()
        return done
    state = Path(state)
    if found := state_files(state):
        raise StateError(
            state,
            f"{found[0]} exists",
            "a rebuild never overwrites a state: move it (with its -wal and -shm) away first",
        )
    lock = StateLock(state)
    lock.acquire()  # no crawl starts on the state while it is rebuilt
    temporary = state.with_name(f".{state.name}.rebuild")
    for leftover in state_files(temporary):
        leftover.unlink()
    done = Rebuilt()
    try:
        store = StateStore(temporary)
        with store.transaction():
            _read_files(store, output_dir, done)
        done.articles = store.count()
        store.close()  # checkpoints the WAL into the file
        os.replace(temporary, state)
    finally:
        lock.release()
    return done


def _read_files(store: StateStore, output_dir: Path, done: Rebuilt) -> None:
    """Each article line of the files under ``output_dir`` into ``store`` (its latest
    revision wins)."""
    for language in LANGUAGES:
        for path in sorted((output_dir / language).glob("report-*.jsonl")):
            done.files += 1
            with path.open("rb") as stream:
                for line in stream:
                    done.lines += 1
                    try:
                        item = json.loads(line)
                    except ValueError:
                        done.unreadable += 1
                        continue
                    if not isinstance(item, dict):
                        done.unreadable += 1
                        continue
                    stored = store.get(str(item.get("url")))
                    revision = item.get("revision")
                    if stored is None or (
                        isinstance(revision, int) and revision >= stored.revision
                    ):
                        record_line(store, language, item)
