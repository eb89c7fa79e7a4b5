"""A parsed article page (its selector and meta tags) and which layout it has."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsel import Selector, SelectorList

from newscrawl.extract.layouts import LAYOUTS, Layout
from newscrawl.extract.markup import inside, meta_values, parse_html
from newscrawl.extract.text import element_text

#: ``CONTAINER REST``: a selector whose first step is one simple selector (tag, class, id)
#: followed by a descendant combinator, e.g. ``.news-detail__head ul.news__date li``.
_SCOPED = re.compile(r"^([\w.#-]+) +([^~>+, ].*)$")


@dataclass
class Page:
    """A parsed page: its selector and its meta tags (read once)."""

    selector: Selector
    meta_values: dict[str, str]
    #: The matches of each CSS selector evaluated on the page so far (a page is read once).
    _matches: dict[str, SelectorList[Selector]] = field(default_factory=dict, repr=False)

    def css(self, css: str) -> SelectorList[Selector]:
        """``selector.css(css)``, evaluated once per page.

        ``CONTAINER REST`` selectors (a descendant combinator after one simple selector) are
        evaluated inside the container when the page has exactly one: the same elements in
        the same order, without another pass over the whole document per selector that
        shares the container (the layouts' selectors mostly do).
        """
        found = self._matches.get(css)
        if found is None:
            scoped = _SCOPED.match(css) if "," not in css else None
            if scoped is None:
                found = self.selector.css(css)
            else:
                containers = self.css(scoped.group(1))
                if not containers:
                    found = SelectorList()
                elif len(containers) == 1:
                    found = inside(containers[0], scoped.group(2))
                else:
                    found = self.selector.css(css)
            self._matches[css] = found
        return found

    def first(self, css_list: tuple[str, ...]) -> SelectorList[Selector]:
        """The matches of the first selector in ``css_list`` that matches anything."""
        for css in css_list:
            found = self.css(css)
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


def detect_layout(page: Page) -> Layout | None:
    """The first layout whose marker element the page contains."""
    for layout in LAYOUTS:
        if page.css(layout.detect):
            return layout
    return None


def parse_page(html: str) -> Page:
    """Parse HTML and read its meta tags."""
    selector = parse_html(html)
    return Page(selector=selector, meta_values=meta_values(selector))
