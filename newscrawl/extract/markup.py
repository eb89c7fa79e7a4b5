"""Pages as :class:`parsel.Selector` objects, and the few selections the layouts do not name."""

from __future__ import annotations

from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

_TRANSLATOR = HTMLTranslator()
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def parse_html(html: str) -> Selector:
    """A page as a selector (lxml's HTML parser; an empty ``<html>`` for a page with no markup).

    ``type="html"`` always: a body that happens to be valid JSON is still read as HTML.
    """
    return Selector(text=html, type="html")


def inside(node: Selector, css: str) -> SelectorList[Selector]:
    """The elements inside ``node`` matching ``css``; unlike ``node.css()``, never ``node``."""
    return node.xpath(_TRANSLATOR.css_to_xpath(css, prefix="descendant::"))


def links(page: Selector, rel: str) -> SelectorList[Selector]:
    """``<link>`` elements whose ``rel`` includes ``rel`` (compared case-insensitively)."""
    return page.xpath(
        "//link[contains(concat(' ', normalize-space(translate(@rel, $upper, $lower)), ' '),"
        " $token)]",
        upper=_UPPER,
        lower=_UPPER.lower(),
        token=f" {rel.lower()} ",
    )


def script_texts(page: Selector, script_type: str) -> list[str]:
    """The text of each ``<script>`` of the given ``type`` (trimmed, compared case-insensitively;
    ``""`` for an empty one)."""
    scripts = page.xpath(
        "//script[translate(normalize-space(@type), $upper, $lower) = $type]",
        upper=_UPPER,
        lower=_UPPER.lower(),
        type=script_type.lower(),
    )
    return [script.xpath("text()").get("") for script in scripts]


def meta_values(page: Selector) -> dict[str, str]:
    """``<meta>`` contents by ``property`` or ``name`` (first one wins)."""
    values: dict[str, str] = {}
    for meta in page.css("meta"):
        key = meta.attrib.get("property") or meta.attrib.get("name")
        content = meta.attrib.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip(), content.strip())
    return values
