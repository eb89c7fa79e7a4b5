"""``scrapy rebuild_state [--output DIR]``: a new state file (``NEWSCRAWL_STATE``) from the
output files, when the state is lost or damaged (docs/operations.md, "The state is damaged").
Exit status 0 rebuilt; 1 refused (no state configured, a state already there, or the state
locked by a crawl), with one line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand


class Command(ScrapyCommand):
    """Rebuild the state of earlier runs from the article files."""

    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--output DIR]"

    def short_desc(self) -> str:
        return "Rebuild a lost or damaged state from the output files"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--output", metavar="DIR", help="default: NEWSCRAWL_OUTPUT_DIR")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from newscrawl.rebuild import rebuild_state
        from newscrawl.sqlitestore import StateLockedError
        from newscrawl.store import (
            StateError,
            StateUnavailable,
            is_database_url,
        )

        assert self.settings is not None
        state = self.settings.get("NEWSCRAWL_STATE") or ""
        output = Path(opts.output or self.settings.get("NEWSCRAWL_OUTPUT_DIR") or "output")
        if not state:
            sys.stderr.write("scrapy rebuild_state: NEWSCRAWL_STATE is empty: no state to build\n")
            self.exitcode = 1
            return
        try:
            done = rebuild_state(output, state if is_database_url(state) else Path(state))
        except (StateError, StateLockedError, StateUnavailable) as exc:
            sys.stderr.write(f"scrapy rebuild_state: {exc}\n")
            self.exitcode = 1
            return
        sys.stdout.write(
            f"scrapy rebuild_state: {state}: {done.articles} articles from {done.lines} lines "
            f"of {done.files} files in {output} ({done.unreadable} unreadable lines skipped); "
            "walked ranges start afresh: the next run walks the feed as a first run\n"
        )
