"""``scrapy export`` and ``scrapy htmlreport``, registered as ``scrapy.commands`` entry points
(pyproject.toml). Scrapy loads every command at each start, ``scrapy crawl`` too, so this
module imports nothing heavy: the work (DuckDB, matplotlib, numpy) is imported inside
``run()``, and without the ``data`` extra a command ends with one line saying how to get it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

PARTS = ("dataset", "corpus", "report")
#: The top-level modules the ``data`` extra installs.
EXTRA = frozenset({"duckdb", "matplotlib", "numpy"})


class DataCommand(ScrapyCommand):
    """What both commands share: ``--output``, the lazy imports and their errors."""

    name: ClassVar[str]
    requires_project = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--output", help="output directory (default NEWSCRAWL_OUTPUT_DIR)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError(f"scrapy {self.name} takes no positional arguments")
        parts = self.parts(opts)
        assert self.settings is not None
        output = Path(opts.output or self.settings.get("NEWSCRAWL_OUTPUT_DIR", "output"))
        try:
            import duckdb

            self.make(output, parts, opts)
        except ModuleNotFoundError as error:
            if str(error.name).split(".")[0] not in EXTRA:
                raise
            print(
                f"scrapy {self.name} needs the data extra ({error.name} is missing):"
                " pip install -e '.[data]'",
                file=sys.stderr,
            )
            self.exitcode = 1
        except duckdb.Error as error:  # e.g. the database file is open in another process
            print(f"scrapy {self.name}: {error}", file=sys.stderr)
            self.exitcode = 1

    def parts(self, opts: argparse.Namespace) -> list[str]:
        return ["report"]

    def make(self, output: Path, parts: list[str], opts: argparse.Namespace) -> None:
        from newscrawl_data.report import write_report

        folded = bool({"dataset", "corpus"} & set(parts))  # the export has just folded them
        print(f"run report: {write_report(output, fold=not folded)}")


class Export(DataCommand):
    """Fold the runs' JSON Lines into Parquet + DuckDB, then the corpus and the HTML report."""

    name = "export"

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Export the runs to Parquet + DuckDB, the aligned corpus and report.html"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--full", action="store_true", help="rebuild from every run file, not only new ones"
        )
        parser.add_argument(
            "--only",
            default=",".join(PARTS),
            help="comma list of parts to make: dataset, corpus, report (default: all)",
        )

    def parts(self, opts: argparse.Namespace) -> list[str]:
        parts = [p.strip() for p in str(opts.only).split(",") if p.strip()]
        unknown = sorted(set(parts) - set(PARTS))
        if unknown:
            raise UsageError(f"--only: unknown part(s) {', '.join(unknown)}; use {PARTS}")
        return parts

    def make(self, output: Path, parts: list[str], opts: argparse.Namespace) -> None:
        from newscrawl_data.corpus import build_corpus
        from newscrawl_data.dataset import export_dataset

        if "dataset" in parts or "corpus" in parts:
            published = self.published()
            result = export_dataset(output, full=bool(opts.full), published=published)
            print(result.summary())
        if "corpus" in parts:
            print()
            print(build_corpus(output, full=bool(opts.full)).format())
        if "report" in parts:
            print()
            super().make(output, parts, opts)

    def published(self) -> dict[str, int] | None:
        """With the state in PostgreSQL (several nodes): the files its manifest notes
        complete, ``relpath -> bytes``, of every node (a file whose run is not recovered yet,
        or one not whole, is left out); None with a SQLite state (every file in place)."""
        from newscrawl.store import StateStore, is_database_url

        assert self.settings is not None
        target = self.settings.get("NEWSCRAWL_STATE") or None
        if not is_database_url(target):
            return None
        store = StateStore(target)
        try:
            return {entry.path: entry.bytes for entry in store.manifest(complete=True)}
        finally:
            store.close()


class HtmlReport(DataCommand):
    """Write the one-page HTML run report from the stats files (and the dataset, if built)."""

    name = "htmlreport"

    def short_desc(self) -> str:
        return "Write output/report.html from the runs' stats files"
