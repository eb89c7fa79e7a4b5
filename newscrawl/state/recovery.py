"""Recovery after a crash: what a killed run wrote is folded into the state before the next run.

Each exported line reaches its file before the state records it (``newscrawl/exports.py``), so
a run killed between the two leaves a few articles written but not recorded. The state notes
the run in progress (``open_run``); the next run reads that run's files, records every complete
line the state lacks, and cuts off a last line that was cut short. Without this, the rerun
would write those articles a second time.

A killed run's files still carry their temporary names (``.report-<run_id>.jsonl.part``, see
:mod:`newscrawl.exports`); recovery reads them and renames them into place, so consumers see
them then. What it found is noted in the state (``previous_run``) for the run summary.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from newscrawl.editions import LANGUAGES
from newscrawl.exports import output_path, part_path
from newscrawl.pipelines.fingerprint import record_hash
from newscrawl.state.store import StateStore

logger = logging.getLogger(__name__)

OPEN_RUN_KEY = "open_run"
#: What the last recovery found: JSON ``{"finished": bool, "run_id": ..., "recovered_articles": n}``
PREVIOUS_RUN_KEY = "previous_run"


def _put_in_place(output_dir: str | Path, kind: str, run_id: str) -> Path | None:
    """Rename a killed run's temporary file of ``kind`` to its final name; the file to read."""
    part, final = part_path(output_dir, kind, run_id), output_path(output_dir, kind, run_id)
    if part.exists():
        if part.stat().st_size == 0:
            part.unlink()
        else:
            os.replace(part, final)
    return final if final.exists() else None


def _complete_lines(path: Path) -> list[dict[str, object]]:
    """The whole JSON lines of a feed file; a torn last line is cut off the file."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):
        logger.warning("%s ends in a torn line of %d bytes; cut off", path, len(data) - end)
        with path.open("r+b") as stream:
            stream.truncate(end)
    items = []
    for line in data[:end].splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            logger.warning("%s has an unreadable line; left as it is", path)
            continue
        if isinstance(value, dict):
            items.append(value)
    return items


def recover_unfinished_run(store: StateStore) -> int:
    """Record what the last unfinished run wrote but did not record; returns how many."""
    marker = store.get_meta(OPEN_RUN_KEY)
    if not marker:
        store.set_meta(PREVIOUS_RUN_KEY, json.dumps({"finished": True, "recovered_articles": 0}))
        return 0
    run_id, _, output_dir = marker.partition("|")
    recovered = 0
    for kind in (*LANGUAGES, "rejects"):
        path = _put_in_place(output_dir, kind, run_id)
        if path is None or kind == "rejects":
            if path is not None:
                _complete_lines(path)
            continue
        language = kind
        for item in _complete_lines(path):
            url, content_hash = item.get("url"), item.get("content_hash")
            if not isinstance(url, str) or not isinstance(content_hash, str):
                continue
            stored = store.get(url)
            if stored is not None and stored.content_hash == content_hash:
                continue
            revision = item.get("revision")
            article_id = item.get("article_id")
            title, published_at = item.get("title"), item.get("published_at")
            archive = item.get("archive")
            store.record(
                url=url,
                language=language,
                article_id=article_id if isinstance(article_id, int) else None,
                content_hash=content_hash,
                title=title if isinstance(title, str) else None,
                revision=revision if isinstance(revision, int) else 1,
                published_at=published_at if isinstance(published_at, str) else None,
                seen_at=str(item.get("crawled_at") or ""),
                archive=archive if isinstance(archive, dict) else None,
                record_hash=record_hash(item),
            )
            recovered += 1
    if recovered:
        logger.warning(
            "run %s did not finish: %d articles it wrote are now recorded in the state",
            run_id,
            recovered,
        )
    note = {"finished": False, "run_id": run_id, "recovered_articles": recovered}
    store.set_meta(PREVIOUS_RUN_KEY, json.dumps(note))
    store.set_meta(OPEN_RUN_KEY, None)
    return recovered


def previous_run(store: StateStore) -> dict[str, object]:
    """``{"finished": bool | None, "recovered_articles": n}`` as the last recovery noted it
    (``finished`` None: no state, or the state was locked)."""
    note: dict[str, object] = {"finished": None, "recovered_articles": 0}
    if store.closed:
        return note
    text = store.get_meta(PREVIOUS_RUN_KEY)
    if text:
        try:
            value = json.loads(text)
        except ValueError:
            value = {}
        if isinstance(value, dict):
            note["finished"] = value.get("finished")
            note["recovered_articles"] = int(value.get("recovered_articles") or 0)
    return note


def mark_run_open(store: StateStore, run_id: str, output_dir: str | Path) -> None:
    """Note the run in progress, with where its files go."""
    store.set_meta(OPEN_RUN_KEY, f"{run_id}|{Path(output_dir).resolve()}")


def mark_run_finished(store: StateStore) -> None:
    store.set_meta(OPEN_RUN_KEY, None)
