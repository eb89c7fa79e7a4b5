"""``scrapy export``: the consolidated dataset, the aligned corpus and the run report.

Reads ``NEWSCRAWL_OUTPUT_DIR`` (or ``--output``); the work is done by ``newscrawl.dataset``,
``newscrawl.corpus`` and ``newscrawl.report``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

PARTS = ("dataset", "corpus", "report")


class Command(ScrapyCommand):
    """Fold the runs' JSON Lines into Parquet + DuckDB, then the corpus and the HTML report."""

    requires_project = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Export the runs to Parquet + DuckDB, the aligned corpus and report.html"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--output", help="output directory (default NEWSCRAWL_OUTPUT_DIR)")
        parser.add_argument(
            "--full", action="store_true", help="rebuild from every run file, not only new ones"
        )
        parser.add_argument(
            "--only",
            default=",".join(PARTS),
            help="comma list of parts to make: dataset, corpus, report (default: all)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("scrapy export takes no positional arguments")
        parts = [p.strip() for p in str(opts.only).split(",") if p.strip()]
        unknown = sorted(set(parts) - set(PARTS))
        if unknown:
            raise UsageError(f"--only: unknown part(s) {', '.join(unknown)}; use {PARTS}")
        assert self.settings is not None
        output = Path(opts.output or self.settings.get("NEWSCRAWL_OUTPUT_DIR", "output"))
        # imported here: Scrapy imports every command module at each `scrapy` start, and a
        # crawl needs neither DuckDB nor matplotlib
        import duckdb

        try:
            self._export(output, parts, full=bool(opts.full))
        except duckdb.Error as error:  # e.g. the database file is open in another process
            print(f"scrapy export: {error}", file=sys.stderr)
            self.exitcode = 1

    def _export(self, output: Path, parts: list[str], *, full: bool) -> None:
        from newscrawl.corpus.build import build_corpus
        from newscrawl.dataset.export import export_dataset
        from newscrawl.report.page import write_report

        if "dataset" in parts or "corpus" in parts:
            result = export_dataset(output, full=full)
            print(result.summary())
        if "corpus" in parts:
            report = build_corpus(output)
            print()
            print(report.format())
        if "report" in parts:
            page = write_report(output)
            print()
            print(f"run report: {page}")
