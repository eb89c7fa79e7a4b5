"""A spider contract for ``scrapy check`` that feeds a callback a stored page.

``@fixture tests/fixtures/articles/en-current-seed.html`` points the contract's request at that
file (a path relative to the project root), so ``scrapy check report`` needs no network and no
running replica. The request may leave the configured site (it is a ``file://`` URL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.contracts import Contract

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class FixtureContract(Contract):
    """``@fixture <path>``: fetch the stored page at ``<path>`` instead of a live URL."""

    name = "fixture"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        path = (PROJECT_ROOT / self.args[0]).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"@fixture {self.args[0]}: no such file {path}")
        args["url"] = path.as_uri()
        args["meta"] = {**(args.get("meta") or {}), "allow_offsite": True}
        return args
