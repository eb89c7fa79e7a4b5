"""Visible text of HTML elements, joined the way a browser shows it.

Text nodes are concatenated as they are, inline markup adds nothing, and white space is then
collapsed: so ``<a>“Report”</a> xəbər verir`` keeps its space and ``Zelen<b>skyy</b>`` is not
split. Joining stripped text nodes with spaces or with nothing (the usual scraper shortcut)
gets one of those two cases wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.etree import _Element as HtmlElement

#: Elements whose content is never visible article text.
INVISIBLE_TAGS = frozenset(
    {"script", "style", "noscript", "iframe", "template", "svg", "button", "form", "input"}
)
#: Elements that start a new line of text when they sit inside a paragraph.
BREAK_TAGS = frozenset({"br", "div", "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

#: Class-name fragments of embedded posts.
_EMBED_CLASSES = re.compile("twitter-tweet|instagram-media|telegram-post|tiktok-embed|fb-post")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u202f\u2007]+")
_AROUND_NEWLINE = re.compile(r" *\n *")
_MANY_NEWLINES = re.compile(r"\n{2,}")


def _pieces(element: HtmlElement, skip: frozenset[str]) -> Iterator[str]:
    """Text nodes of ``element`` in document order, with line breaks for block elements.

    Iterative (no recursion), so a page nested thousands of levels deep is read like any other.
    Comments and processing instructions add nothing, but the text after them is kept.
    """
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if node is element:
            if event == "start" and element.text:
                yield element.text
            continue
        if event in ("comment", "pi"):
            if node.tail:
                yield node.tail
            continue
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        hidden = tag is None or tag in skip or is_embed(node)
        if event == "start":
            if hidden:
                walker.skip_subtree()
                continue
            if tag in BREAK_TAGS:
                yield "\n"
            if node.text:
                yield node.text
        else:
            if not hidden and tag in BREAK_TAGS and tag != "br":
                yield "\n"
            if node.tail:
                yield node.tail


def is_embed(element: HtmlElement) -> bool:
    """True for embedded posts (tweets, Instagram, Telegram widgets): not the article's text."""
    classes = element.get("class")
    return bool(classes) and _EMBED_CLASSES.search(classes.lower()) is not None


def raw_text(element: HtmlElement) -> str:
    """The element's visible text nodes joined as they are, white space untouched."""
    return "".join(_pieces(element, INVISIBLE_TAGS))


def element_text(element: HtmlElement, *, multiline: bool = False) -> str:
    """The visible text of ``element`` with white space collapsed.

    With ``multiline`` the line breaks made by ``<br>`` and block children are kept as ``\\n``;
    otherwise everything is one line.
    """
    if not multiline and not len(element):  # a leaf: its text is all there is
        return " ".join(element.text.split()) if element.text else ""
    raw = _SPACES.sub(" ", raw_text(element))
    if not multiline:
        return " ".join(raw.split())
    raw = _AROUND_NEWLINE.sub("\n", raw)
    raw = _MANY_NEWLINES.sub("\n", raw)
    return raw.strip()
