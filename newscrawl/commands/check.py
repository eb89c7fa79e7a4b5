"""``scrapy check`` without the state of earlier runs: a contract's outcome must not depend on
what an earlier crawl in the same directory left in ``NEWSCRAWL_STATE``."""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheckCommand


class Command(ScrapyCheckCommand):
    """Check spider contracts on stored pages, with the state disabled."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("NEWSCRAWL_STATE", "", priority="cmdline")
