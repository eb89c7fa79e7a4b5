"""``scrapy htmlreport``: only the run report, ``output/report.html`` (``scrapy export`` makes
it too)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand


class Command(ScrapyCommand):
    """Write the one-page HTML run report from the stats files (and the dataset, if built)."""

    requires_project = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def short_desc(self) -> str:
        return "Write output/report.html from the runs' stats files"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--output", help="output directory (default NEWSCRAWL_OUTPUT_DIR)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        output = Path(opts.output or self.settings.get("NEWSCRAWL_OUTPUT_DIR", "output"))
        from newscrawl.report.page import write_report  # matplotlib: only when asked for

        print(f"run report: {write_report(output)}")
