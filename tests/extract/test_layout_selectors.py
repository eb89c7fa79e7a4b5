"""Every selector of every layout is CSS that parsel understands."""

from __future__ import annotations

from dataclasses import fields

import pytest
from cssselect import SelectorError
from parsel import Selector

from newscrawl.extract.layouts import LAYOUTS, Layout

EMPTY = Selector(text="<html><body></body></html>", type="html")


def _selectors(layout: Layout) -> list[str]:
    found: list[str] = []
    for spec in fields(layout):
        value = getattr(layout, spec.name)
        if spec.name != "name" and not isinstance(value, bool):
            found.extend((value,) if isinstance(value, str) else value)
    return found


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_layout_selectors_parse(layout: Layout) -> None:
    selectors = _selectors(layout)
    assert selectors
    for css in selectors:
        assert EMPTY.css(css) == [], css  # compiles (an invalid one raises), matches nothing


def test_invalid_selector_is_refused() -> None:
    with pytest.raises(SelectorError):
        EMPTY.css(".a [class*=")
