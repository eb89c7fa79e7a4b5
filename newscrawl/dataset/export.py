"""``scrapy export``: fold the runs' JSON Lines into the DuckDB file and the Parquet dataset.

Incremental: only files the database has not read (or that changed since: size or checksum)
are read; a file gone from the output directory is dropped, so the result is always the one a
full rebuild (``full=True``) gives from the files present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newscrawl.dataset import store
from newscrawl.dataset.manifest import write_manifest
from newscrawl.dataset.parquet import write_parquet
from newscrawl.dataset.runs import find_run_files

DATABASE_NAME = "newscrawl.duckdb"
DATASET_DIR = "dataset"


@dataclass
class ExportResult:
    """What one export did: files read, rows added, and the size of each table afterwards."""

    database: Path
    dataset_dir: Path
    files_read: list[str] = field(default_factory=list)
    files_dropped: list[str] = field(default_factory=list)
    files_unchanged: int = 0
    rows_read: int = 0
    skipped_lines: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    parquet_written: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.files_read or self.files_dropped)

    def summary(self) -> str:
        tables = ", ".join(f"{name} {count}" for name, count in self.tables.items())
        lines = [
            f"read {len(self.files_read)} new or changed run files ({self.rows_read} lines),"
            f" {self.files_unchanged} already read, {len(self.files_dropped)} gone",
            f"tables: {tables}",
            f"database: {self.database}",
            f"parquet:  {self.dataset_dir}"
            + ("" if self.parquet_written else " (unchanged, not rewritten)"),
        ]
        if self.skipped_lines:
            lines.insert(1, f"skipped {self.skipped_lines} unreadable lines")
        return "\n".join(lines)


def database_path(output_dir: Path) -> Path:
    return output_dir / DATABASE_NAME


def export_dataset(output_dir: Path, *, full: bool = False) -> ExportResult:
    """Bring ``output/newscrawl.duckdb`` and ``output/dataset/`` up to date with the runs."""
    database = database_path(output_dir)
    dataset_dir = output_dir / DATASET_DIR
    manifest = dataset_dir / "manifest.json"
    if full:
        for path in (database, database.with_name(database.name + ".wal"), manifest):
            path.unlink(missing_ok=True)
    result = ExportResult(database=database, dataset_dir=dataset_dir)
    con = store.connect(database)
    try:
        known = store.known_files(con)
        present = find_run_files(output_dir)
        for run in present:
            if known.get(run.relpath) == (run.size, run.sha256):
                result.files_unchanged += 1
                continue
            rows = store.load_file(con, run)
            lines = store.count_lines(run.path)
            result.files_read.append(run.relpath)
            result.rows_read += rows
            result.skipped_lines += lines - rows
        names = {run.relpath for run in present}
        for relpath in sorted(set(known) - names):
            store.forget_file(con, relpath)
            result.files_dropped.append(relpath)
        for table in ("articles", "revisions", "translations"):
            result.tables[table] = store.scalar(con, f"SELECT count(*) FROM {table}")
        if result.changed or full or not manifest.exists():
            write_parquet(con, dataset_dir)
            result.parquet_written = True
            write_manifest(
                manifest,
                store.files_table(con),
                {
                    "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": database.name,
                    "tables": result.tables,
                },
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return result
