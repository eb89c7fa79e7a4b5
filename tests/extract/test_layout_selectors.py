"""Every selector of every layout is one the page index understands."""

from __future__ import annotations

from dataclasses import astuple

import pytest

from newscrawl.extract.index import parse_selector
from newscrawl.extract.layouts import LAYOUTS


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_layout_selectors_parse(layout: object) -> None:
    for value in astuple(layout):  # type: ignore[call-overload]
        for css in value if isinstance(value, tuple) else [value]:
            if isinstance(css, str) and css not in ("current", "2019", "oldest"):
                assert parse_selector(css)


def test_unsupported_selector_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported selector"):
        parse_selector(".a [class*=b]")
