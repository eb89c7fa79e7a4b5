"""Every selector of every layout is CSS that parsel understands."""

from __future__ import annotations

import pytest
from cssselect import SelectorError
from parsel import Selector

from newscrawl.extract.article import LAYOUTS, Current

EMPTY = Selector(text="<html><body></body></html>", type="html")


def _selectors(layout: type[Current]) -> list[str]:
    found = [layout.body_css]
    for name in dir(layout):
        if name.endswith("_css") and name != "body_css":
            found.extend(getattr(layout, name))
    return found


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_layout_selectors_parse(layout: type[Current]) -> None:
    selectors = _selectors(layout)
    assert len(selectors) > 5
    for css in selectors:
        assert EMPTY.css(css) == [], css  # compiles (an invalid one raises), matches nothing


def test_invalid_selector_is_refused() -> None:
    with pytest.raises(SelectorError):
        EMPTY.css(".a [class*=")
