"""``scrapy check`` without the state of earlier runs and without run stats: a contract's
outcome must not depend on what an earlier crawl in the same directory left in
``NEWSCRAWL_STATE``, and a contract check is not a run (no ``output/stats/`` file, no health
checks, no alerts)."""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheckCommand


class Command(ScrapyCheckCommand):
    """Check spider contracts on stored pages, with the state and the run stats disabled."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("NEWSCRAWL_STATE", "", priority="cmdline")
        self.settings.set("NEWSCRAWL_RUN_STATS", False, priority="cmdline")
