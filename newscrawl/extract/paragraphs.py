"""The paragraphs of an article body: ``p``-like blocks, list items and loose text runs,
with embeds, share/promo/tag blocks and media left out."""

from __future__ import annotations

import re

from lxml.etree import _Element as HtmlElement

from newscrawl.extract.text import INVISIBLE_TAGS, element_text, is_embed, raw_text

#: Class-name fragments of blocks inside an article body that are never article text.
NOT_TEXT_CLASSES = (
    "tags",
    "share",
    "social",
    "promo",
    "subscribe",
    "translations",
    "related",
    "banner",
    "advert",
    "read-also",
    "copy-url",
)

_NOT_TEXT = re.compile("|".join(re.escape(word) for word in NOT_TEXT_CLASSES))

PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})

LIST_TAGS = frozenset({"ul", "ol"})

MEDIA_TAGS = frozenset({"img", "figure", "picture", "video", "audio", "source", "hr"})


def _is_not_text(element: HtmlElement) -> bool:
    tag = element.tag.lower()
    if tag in INVISIBLE_TAGS or tag in MEDIA_TAGS:
        return True
    classes = element.get("class")
    return bool(classes) and (is_embed(element) or _NOT_TEXT.search(classes.lower()) is not None)


#: Below this depth of nested blocks, a block is read as one paragraph (no deeper recursion).
MAX_BLOCK_DEPTH = 40


def body_paragraphs(container: HtmlElement, depth: int = 0) -> list[str]:
    """The paragraphs of an article body: ``p``-like blocks, list items and loose text runs.

    Scripts, embeds, media and share/tags/translation blocks are left out; inline markup is
    joined as a browser shows it; ``<br>`` ends a run of loose text.
    """
    paragraphs: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        text = " ".join("".join(pending).split())
        if text:
            paragraphs.append(text)
        pending.clear()

    if container.text:
        pending.append(container.text)
    for child in container:
        if isinstance(child.tag, str):
            tag = child.tag.lower()
            if _is_not_text(child):
                pass
            elif tag == "br":
                flush()
            elif tag in PARAGRAPH_TAGS:
                flush()
                text = element_text(child)
                if text:
                    paragraphs.append(text)
            elif tag in LIST_TAGS:
                flush()
                for item in child.iter("li"):
                    text = element_text(item)
                    if text:
                        paragraphs.append(text)
            elif tag in ("div", "section", "article", "aside", "main", "table", "tbody", "tr"):
                flush()
                if depth < MAX_BLOCK_DEPTH:
                    paragraphs.extend(body_paragraphs(child, depth + 1))
                elif text := element_text(child):
                    paragraphs.append(text)
            else:
                pending.append(raw_text(child))
        if child.tail:
            pending.append(child.tail)
    flush()
    return paragraphs
