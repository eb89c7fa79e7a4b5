"""A parsed article page (its selector and meta tags) and which layout it has."""

from __future__ import annotations

from dataclasses import dataclass

from parsel import Selector, SelectorList

from newscrawl.extract.layouts import LAYOUTS, Layout
from newscrawl.extract.markup import meta_values, parse_html
from newscrawl.extract.text import element_text


@dataclass
class Page:
    """A parsed page: its selector and its meta tags (read once)."""

    selector: Selector
    meta_values: dict[str, str]

    def first(self, css_list: tuple[str, ...]) -> SelectorList[Selector]:
        """The matches of the first selector in ``css_list`` that matches anything."""
        for css in css_list:
            found = self.selector.css(css)
            if found:
                return found
        return SelectorList()

    def first_text(self, css_list: tuple[str, ...]) -> str | None:
        for node in self.first(css_list):
            text = element_text(node.root)
            if text:
                return text
        return None

    def meta(self, *keys: str) -> str | None:
        for key in keys:
            if key in self.meta_values:
                return self.meta_values[key]
        return None

    def meta_all(self, key: str) -> list[str]:
        """Every non-empty ``content`` of the ``<meta>`` tags with this property or name."""
        values = self.selector.xpath("//meta[@property=$key or @name=$key]/@content", key=key)
        return [v.strip() for v in values.getall() if v.strip()]


def detect_layout(selector: Selector) -> Layout | None:
    """The first layout whose marker element the page contains."""
    for layout in LAYOUTS:
        if selector.css(layout.detect):
            return layout
    return None


def parse_page(html: str) -> Page:
    """Parse HTML and read its meta tags."""
    selector = parse_html(html)
    return Page(selector=selector, meta_values=meta_values(selector))
