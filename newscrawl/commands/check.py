"""``scrapy check`` on stored pages, without the state of earlier runs, run stats or the raw
archive: a contract's outcome must not depend on what an earlier crawl left in
``NEWSCRAWL_STATE``, a contract check is not a run (no ``output/stats/`` file, no health checks,
no alerts), and its fixture pages are not pages of the site (never in the archive)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from scrapy.commands.check import Command as ScrapyCheckCommand
from scrapy.contracts import Contract

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


class FixtureContract(Contract):
    """``@fixture tests/fixtures/articles/en-current-seed.html``: the contract's request fetches
    that stored page (a path relative to the project root; it may leave the site) instead of a
    live URL, so ``scrapy check report`` needs no network and no running replica."""

    name = "fixture"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        path = (PROJECT_ROOT / self.args[0]).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"@fixture {self.args[0]}: no such file {path}")
        args["url"] = path.as_uri()
        args["meta"] = {**(args.get("meta") or {}), "allow_offsite": True}
        return args


class Command(ScrapyCheckCommand):
    """Check spider contracts on stored pages: state, run stats and archive off."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        values = {"NEWSCRAWL_STATE": "", "NEWSCRAWL_ARCHIVE": "", "NEWSCRAWL_RUN_STATS": False}
        self.settings.setdict(values, priority="cmdline")
