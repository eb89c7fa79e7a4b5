"""One pass over a parsed page, then every selector the layouts use answered from that index.

Evaluating twenty CSS selectors with XPath walks the whole document twenty times; this walks
it once, filing elements by tag and by class, and answers the layouts' selectors (a small CSS
subset) by looking up the last step and checking ancestors or preceding siblings.

Supported selectors: compound steps ``tag``, ``.class`` or ``tag.class``, joined by a space
(descendant) or `` ~ `` (general sibling). Anything else raises ``ValueError`` when first used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from lxml import etree
from lxml.etree import _Element as HtmlElement

_COMPOUND = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?:\.(?P<cls>[A-Za-z0-9_-]+))?$")

Step = tuple[str | None, str | None]  # (tag, class)

#: lxml's HTML parser as parsel sets it up (recover, UTF-8, huge trees), but building plain
#: elements: lxml.html's element classes cost a class lookup for every element visited.
_PARSER = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)


def parse_html(html: str) -> HtmlElement:
    """Parse a page into an element tree (an empty ``<html>`` for a page with no markup)."""
    body = html.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
    root = etree.fromstring(body, parser=_PARSER)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=_PARSER)
    return root


@lru_cache(maxsize=256)
def parse_selector(css: str) -> tuple[tuple[str, Step], ...]:
    """``".a ~ .b c"`` -> ``((" ", (None, "a")), ("~", (None, "b")), (" ", ("c", None)))``."""
    steps: list[tuple[str, Step]] = []
    combinator = " "
    for token in css.replace("~", " ~ ").split():
        if token == "~":
            combinator = "~"
            continue
        match = _COMPOUND.match(token)
        if match is None or not (match.group("tag") or match.group("cls")):
            raise ValueError(f"unsupported selector {css!r} (step {token!r})")
        steps.append((combinator, (match.group("tag"), match.group("cls"))))
        combinator = " "
    if not steps:
        raise ValueError("empty selector")
    return tuple(steps)


def selector_classes(selectors: Iterable[str]) -> frozenset[str]:
    """Every class token the given selectors name (what a :class:`PageIndex` must file)."""
    return frozenset(cls for css in selectors for _, (_, cls) in parse_selector(css) if cls)


def _classes(element: HtmlElement) -> list[str]:
    value = element.get("class")
    return value.split() if value else []


def _matches(element: HtmlElement, step: Step) -> bool:
    tag, cls = step
    if tag is not None and element.tag != tag:
        return False
    return cls is None or cls in _classes(element)


class PageIndex:
    """Elements of one page by tag and by class token, in document order.

    ``tags`` and ``classes`` say what to index: the tags are collected by lxml itself (no
    Python work per other element) and only the listed class tokens are filed, which is what
    makes the index cheap on a page with hundreds of elements. ``None`` indexes every tag or
    every class. A selector whose first class was not indexed is answered by a full scan.
    """

    def __init__(
        self,
        root: HtmlElement,
        *,
        tags: tuple[str, ...] | None = None,
        classes: frozenset[str] | None = None,
    ) -> None:
        self.root = root
        self.tags = tags
        self.classes = classes
        self.by_tag: dict[str, list[HtmlElement]] = {}
        self.by_class: dict[str, list[HtmlElement]] = {}
        by_tag, by_class = self.by_tag, self.by_class
        if tags is None:
            elements = root.iter(etree.Element)
        else:
            elements = root.iter(*tags) if tags else iter(())  # iter() alone yields everything
        for element in elements:
            by_tag.setdefault(element.tag, []).append(element)
        for element in root.iter(etree.Element):
            value = element.get("class")
            if not value:
                continue
            for token in value.split():
                if classes is not None and token not in classes:
                    continue
                found = by_class.setdefault(token, [])
                if not found or found[-1] is not element:  # class="a a" files it once
                    found.append(element)

    def with_class(self, cls: str) -> list[HtmlElement]:
        """Elements carrying the class token ``cls``, in document order."""
        if self.classes is None or cls in self.classes:
            return self.by_class.get(cls, [])
        return [element for element in self.root.iter(etree.Element) if cls in _classes(element)]

    def select(self, css: str) -> list[HtmlElement]:
        """The elements matching ``css``, in document order.

        Evaluated left to right: the first step comes from the index (a class is rare, so few
        candidates), each further step searches only inside (or after) the previous matches.
        """
        steps = parse_selector(css)
        tag, cls = steps[0][1]
        current = self.with_class(cls) if cls else self._with_tag(tag or "")
        if tag is not None and cls is not None:
            current = [element for element in current if element.tag == tag]
        for combinator, step in steps[1:]:
            found: list[HtmlElement] = []
            seen: set[HtmlElement] = set()
            for context in current:
                if combinator == " ":
                    pool = (
                        context.iterdescendants(step[0]) if step[0] else context.iterdescendants()
                    )
                else:
                    pool = context.itersiblings()
                for element in pool:
                    if (
                        element not in seen
                        and isinstance(element.tag, str)
                        and _matches(element, step)
                    ):
                        seen.add(element)
                        found.append(element)
            current = found
        return list(current)

    def _with_tag(self, tag: str) -> list[HtmlElement]:
        if self.tags is None or tag in self.tags:
            return self.by_tag.get(tag, [])
        return list(self.root.iter(tag))

    def first(self, css_list: tuple[str, ...]) -> list[HtmlElement]:
        """The matches of the first selector in ``css_list`` that matches anything."""
        for css in css_list:
            found = self.select(css)
            if found:
                return found
        return []

    def meta(self) -> dict[str, str]:
        """``<meta>`` contents by ``property`` or ``name`` (first one wins)."""
        values: dict[str, str] = {}
        for element in self.by_tag.get("meta", []):
            key = element.get("property") or element.get("name")
            content = element.get("content")
            if key and content and content.strip():
                values.setdefault(key.strip(), content.strip())
        return values

    def links(self, rel: str) -> list[HtmlElement]:
        """``<link>`` elements whose ``rel`` includes ``rel``."""
        return [
            element
            for element in self.by_tag.get("link", [])
            if rel in (element.get("rel") or "").lower().split()
        ]
