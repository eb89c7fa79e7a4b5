"""A run's output files (``<output>/<kind>/report-<run_id>.jsonl``, docs/output.md): where
they live, the files one run has open (each line appended whole, or cut off again), how they
are put in place and noted in the manifest, recovered after a kill (line first, then its state
row: SQLite records the lines a killed run did not; a shared state keeps only what was
committed), and which old files retention deletes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy.http import Response
from scrapy.settings import BaseSettings

from newscrawl.site import LANGUAGES
from newscrawl.store import ManifestEntry, StateStore, Validators, record_hash

logger = logging.getLogger(__name__)

#: The kinds of JSON Lines file a run writes, each in its own directory.
KINDS = (*LANGUAGES, "rejects")
OPEN_RUN_KEY = "open_run"
#: What the last recovery found: ``{"finished": bool, "run_id": ..., "recovered_articles": n}``
PREVIOUS_RUN_KEY = "previous_run"


def output_problem(output_dir: Path) -> str | None:
    """Why ``output_dir`` cannot take a run's files (read-only, a file in its place, a parent
    that cannot be created), or None; a missing folder is created with its parents."""
    cause = None
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        for folder in (output_dir, *(output_dir / kind for kind in (*KINDS, "stats"))):
            if folder.exists() or folder == output_dir:
                probe = folder / f".probe-{os.getpid()}"
                probe.write_bytes(b"")
                probe.unlink()
    except FileExistsError as exc:
        cause = f"a file is in its place ({exc.filename})"
    except OSError as exc:
        cause = f"{exc.strerror or exc} ({exc.filename})"
    if cause is None:
        return None
    return (
        f"output folder {output_dir} cannot be written: {cause}; nothing crawled, fix the "
        "folder or NEWSCRAWL_OUTPUT_DIR"
    )


def output_path(output_dir: str | Path, kind: str, run_id: str) -> Path:
    """Where a run's finished file of one kind (a language or ``rejects``) lives."""
    return Path(output_dir) / kind / f"report-{run_id}.jsonl"


def part_path(output_dir: str | Path, kind: str, run_id: str) -> Path:
    """The temporary name of that file while its run writes it."""
    return Path(output_dir) / kind / f".report-{run_id}.jsonl.part"


def node_name(settings: BaseSettings) -> str:
    """This machine's name (``NEWSCRAWL_NODE``, else the host name), safe in a file name."""
    name = str(settings.get("NEWSCRAWL_NODE") or "") or socket.gethostname()
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._-")[:64] or "node"


class OpenFiles:
    """The files one run writes, one per kind, under their temporary names (opened at their
    first line, unbuffered); with a shared state, how much of each was committed."""

    def __init__(self, output_dir: Path, run_id: str) -> None:
        self.output_dir = output_dir
        self.run_id = run_id
        self._files: dict[str, IO[bytes]] = {}
        #: ``(lines, bytes)`` of each file committed with the state (a shared state only).
        self.committed: dict[str, tuple[int, int]] = {}

    def append(self, kind: str, data: bytes) -> tuple[int, int]:
        """Append one line; where it starts and ends. A line that cannot be written whole is
        cut off again and the error raised."""
        if kind not in self._files:
            path = part_path(self.output_dir, kind, self.run_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[kind] = path.open("ab", buffering=0)
        stream = self._files[kind]
        start, rest = stream.tell(), memoryview(data)
        try:
            while rest:  # a short write (a disk filling up) writes the rest, or fails
                rest = rest[stream.write(rest) or 0 :]
        except OSError:
            with contextlib.suppress(OSError):
                stream.truncate(start)
            raise
        return start, stream.tell()

    def cut(self, kind: str, start: int) -> None:
        """Cut the kind's file back to ``start`` (a line refused)."""
        with contextlib.suppress(OSError):
            self._files[kind].truncate(start)

    def cut_uncommitted(self) -> None:
        """Cut each article file back to what was committed with the state (a line whose
        commit failed or never came)."""
        for kind in LANGUAGES:
            path = part_path(self.output_dir, kind, self.run_id)
            keep = self.committed.get(kind, (0, 0))[1]
            with contextlib.suppress(OSError):
                if path.exists() and path.stat().st_size > keep:
                    logger.warning(
                        "%s: %d bytes past the last line committed with the state cut off",
                        path,
                        path.stat().st_size - keep,
                    )
                    os.truncate(path, keep)

    def close(self) -> None:
        for stream in self._files.values():
            with contextlib.suppress(OSError):  # said when the write failed
                stream.close()
        self._files.clear()


# -- recovery after a kill ---------------------------------------------------------------
def _put_in_place(output_dir: str | Path, kind: str, run_id: str) -> Path | None:
    """Rename a killed run's temporary file of ``kind`` to its final name; the file to read."""
    part, final = part_path(output_dir, kind, run_id), output_path(output_dir, kind, run_id)
    if part.exists():
        if part.stat().st_size == 0:
            part.unlink()
        else:
            os.replace(part, final)
    return final if final.exists() else None


def recover_unfinished_run(store: StateStore, node: str | None = None) -> int:
    """Record what the last unfinished run wrote but did not record, put its files in place,
    cut off a torn last line, note them in the manifest (as of ``node``: by default this
    host); how many articles were recorded."""
    marker = store.get_meta(OPEN_RUN_KEY)
    if not marker:
        store.set_meta(PREVIOUS_RUN_KEY, json.dumps({"finished": True, "recovered_articles": 0}))
        return 0
    run_id, _, output_dir = marker.partition("|")
    recovered = recover_run(store, run_id, output_dir, node or node_name(BaseSettings()))
    note = {"finished": False, "run_id": run_id, "recovered_articles": recovered}
    store.set_meta(PREVIOUS_RUN_KEY, json.dumps(note))
    store.set_meta(OPEN_RUN_KEY, None)
    return recovered


def recover_node_runs(store: StateStore, node: str, run_id: str) -> int:
    """With a shared state: recover every run of ``node`` noted open whose session is gone
    (killed), other than ``run_id`` (this one); how many articles were recorded."""
    recovered, last = 0, None
    for dead, output_dir in store.unfinished_runs(node, other_than=run_id):
        last = recover_run(store, dead, output_dir, node)
        recovered += last
    note = {"finished": last is None, "recovered_articles": recovered}
    store.set_meta(f"{PREVIOUS_RUN_KEY}:{node}", json.dumps(note))
    return recovered


def recover_run(store: StateStore, run_id: str, output_dir: str, node: str) -> int:
    """Record what one unfinished run wrote but did not record, put its files in place, cut
    off a torn last line, note its files complete in the manifest and the run finished."""
    recovered = 0
    for kind in KINDS:
        path = _put_in_place(output_dir, kind, run_id)
        if path is None:
            continue
        data = path.read_bytes()
        end = data.rfind(b"\n") + 1
        if store.shared and kind != "rejects":  # only what was committed with the state
            held = store.committed(node, f"{kind}/{path.name}")
            end = min(end, held[1] if held else 0)
        if end < len(data):
            logger.warning(
                "%s ends in %d bytes not committed with the state or torn; cut off",
                path,
                len(data) - end,
            )
            with path.open("r+b") as stream:
                stream.truncate(end)
        for line in data[:end].splitlines() if kind != "rejects" and not store.shared else []:
            try:
                item = json.loads(line)
            except ValueError:
                logger.warning("%s has an unreadable line; left as it is", path)
                continue
            if not isinstance(item, dict):
                continue
            stored = store.get(str(item.get("url")))
            if stored is None or stored.content_hash != item.get("content_hash"):
                recovered += record_line(store, kind, item)
    if recovered:
        logger.warning(
            "run %s did not finish: %d articles it wrote are now recorded in the state",
            run_id,
            recovered,
        )
    files = publish_run(output_dir, run_id)
    store.add_files(manifest_entries(files, node, run_id, Path(output_dir)))
    store.run_finished(run_id, recovered)
    return recovered


def validators(response: Response | None) -> Validators:
    """The ``ETag`` and ``Last-Modified`` an answer came with (None where absent)."""
    if response is None:
        return None, None
    values = (response.headers.get(name) for name in (b"ETag", b"Last-Modified"))
    etag, modified = ((v.decode("latin-1").strip() or None) if v else None for v in values)
    return etag, modified


def record_line(
    store: StateStore,
    language: str,
    item: dict[str, Any],
    validators: Validators | None = None,
    strict: bool = False,
) -> int:
    """Write the state row of an article line (1), or nothing (0) if it lacks URL or hash
    (``strict``: or if its revision is recorded already); ``validators``: its page's (a line
    recovered from a file has none)."""
    url, digest = item.get("url"), item.get("content_hash")
    if not isinstance(url, str) or not isinstance(digest, str):
        return 0

    def typed(name: str, kind: type) -> Any:
        value = item.get(name)
        return value if isinstance(value, kind) else None

    written = store.record(
        url=url,
        language=language,
        article_id=typed("article_id", int),
        content_hash=digest,
        title=typed("title", str),
        revision=typed("revision", int) or 1,
        published_at=typed("published_at", str),
        seen_at=str(item.get("crawled_at") or ""),
        archive=typed("archive", dict),
        record_hash=record_hash(item),
        validators=validators,
        strict=strict,
    )
    return 1 if written or not strict else 0


def previous_run(store: StateStore, node: str | None = None) -> dict[str, Any]:
    """``{"finished": bool | None, "recovered_articles": n}`` as the last recovery noted it
    (of ``node``'s runs, with a shared state)."""
    key = f"{PREVIOUS_RUN_KEY}:{node}" if node else PREVIOUS_RUN_KEY
    try:
        note = json.loads(store.get_meta(key) or "{}")
    except ValueError:
        note = {}
    note = note if isinstance(note, dict) else {}
    return {
        "finished": note.get("finished"),
        "recovered_articles": int(note.get("recovered_articles") or 0),
    }


# -- files ----------------------------------------------------------------------------------
def publish_run(output_dir: str | Path, run_id: str) -> list[dict[str, Any]]:
    """Rename the run's temporary files into place; kind, path, lines, bytes, sha256 of each."""
    files = []
    for kind in KINDS:
        final = _put_in_place(output_dir, kind, run_id)
        if final is None:
            continue
        data = final.read_bytes()
        try:
            shown = str(final.resolve().relative_to(Path(output_dir).resolve()))
        except ValueError:
            shown = str(final)
        lines, digest = data.count(b"\n"), hashlib.sha256(data).hexdigest()
        files.append(dict(kind=kind, path=shown, lines=lines, bytes=len(data), sha256=digest))
    return files


def manifest_entries(
    files: list[dict[str, Any]], node: str, run_id: str, output_dir: Path
) -> list[ManifestEntry]:
    """The manifest's rows of files :func:`publish_run` put in place."""
    closed = datetime.now(UTC).isoformat(timespec="seconds")
    folder = str(Path(output_dir).resolve())
    return [
        ManifestEntry(
            path=str(f["path"]),
            node=node,
            run_id=run_id,
            kind=str(f["kind"]),
            lines=int(f["lines"]),
            bytes=int(f["bytes"]),
            sha256=str(f["sha256"]),
            complete=True,
            output_dir=folder,
            closed_at=closed,
        )
        for f in files
    ]


def retention_days(settings: BaseSettings) -> dict[str, float]:
    """Days kept of ``stats``, ``rejects`` (``NEWSCRAWL_RETENTION_DAYS`` unless their own
    setting is given) and ``archive`` files; 0 keeps all."""
    general = settings.getfloat("NEWSCRAWL_RETENTION_DAYS", 0)

    def own(name: str) -> float:
        value = settings.get(name)
        return general if value is None or str(value).strip() == "" else float(value)

    return {
        "stats": own("NEWSCRAWL_STATS_RETENTION_DAYS"),
        "rejects": own("NEWSCRAWL_REJECTS_RETENTION_DAYS"),
        "archive": settings.getfloat("NEWSCRAWL_ARCHIVE_RETENTION_DAYS", 0),
    }


def remove_old_files(
    output_dir: str | Path, days: float, now: float | None = None, rejects_days: float | None = None
) -> int:
    """Delete stats files older than ``days`` and rejects files older than ``rejects_days``
    (default ``days``; 0 keeps all); how many. Article files are never removed."""
    removed = 0
    for kind, pattern, kept in (
        ("stats", "report-*.json", days),
        ("rejects", "report-*.jsonl", days if rejects_days is None else rejects_days),
    ):
        if kept <= 0:
            continue
        limit = (now if now is not None else time.time()) - kept * 86400
        for path in (Path(output_dir) / kind).glob(pattern):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
    return removed
