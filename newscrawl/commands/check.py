"""``scrapy check`` without the state of earlier runs, without run stats and without the raw
archive: a contract's outcome must not depend on what an earlier crawl in the same directory left
in ``NEWSCRAWL_STATE``, a contract check is not a run (no ``output/stats/`` file, no health
checks, no alerts), and its fixture pages are not pages of the site (never in the archive)."""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheckCommand


class Command(ScrapyCheckCommand):
    """Check spider contracts on stored pages: state, run stats and archive off."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        for name, value in (("NEWSCRAWL_STATE", ""), ("NEWSCRAWL_ARCHIVE", "")):
            self.settings.set(name, value, priority="cmdline")
        self.settings.set("NEWSCRAWL_RUN_STATS", False, priority="cmdline")
