"""JSON-LD blocks of a page: the NewsArticle and the BreadcrumbList, whatever the shape.

A page can carry one object, a list of objects, or an ``@graph``; broken JSON is skipped
(and reported), never fatal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "LiveBlogPosting"})
MAX_JSONLD_CHARS = 2_000_000


@dataclass
class JsonLd:
    """The parts of a page's JSON-LD that extraction uses."""

    article: dict[str, Any] = field(default_factory=dict)
    breadcrumb_names: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def text(self, key: str) -> str | None:
        """A string property of the article (first element when it is a list)."""
        value = self.article.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("name") or value.get("@value")
        if isinstance(value, (str, int, float)) and str(value).strip():
            return str(value).strip()
        return None

    def images(self) -> list[str]:
        """Image URLs of the article, in order."""
        value = self.article.get("image")
        items = value if isinstance(value, list) else [value]
        urls: list[str] = []
        for item in items:
            url = item.get("url") or item.get("contentUrl") if isinstance(item, dict) else item
            if isinstance(url, str) and url.strip():
                urls.append(url.strip())
        return urls

    def keywords(self) -> list[str]:
        """``keywords`` as a list, whether given as a list or a comma-separated string."""
        value = self.article.get("keywords")
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        if isinstance(value, list):
            return [str(k).strip() for k in value if str(k).strip()]
        return []


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _nodes(entry)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _nodes(data["@graph"])
        yield data


def parse_jsonld(blocks: list[str]) -> JsonLd:
    """Collect the article and breadcrumb of the page's JSON-LD blocks (script texts)."""
    result = JsonLd()
    for raw in blocks:
        if len(raw) > MAX_JSONLD_CHARS:
            result.errors.append(f"json-ld block of {len(raw)} characters skipped")
            continue
        try:
            data = json.loads(raw)
        except ValueError as exc:
            result.errors.append(f"invalid json-ld: {exc}")
            continue
        for node in _nodes(data):
            types = _types(node)
            if types & ARTICLE_TYPES and not result.article:
                result.article = node
            elif "BreadcrumbList" in types and not result.breadcrumb_names:
                result.breadcrumb_names = _breadcrumb_names(node)
    return result


def _breadcrumb_names(node: dict[str, Any]) -> list[str]:
    elements = node.get("itemListElement")
    if not isinstance(elements, list):
        return []
    ranked: list[tuple[int, str]] = []
    for index, element in enumerate(elements):
        if not isinstance(element, dict):
            continue
        name = element.get("name")
        item = element.get("item")
        if not name and isinstance(item, dict):
            name = item.get("name")
        position = element.get("position")
        order = position if isinstance(position, int) else index
        if isinstance(name, str) and name.strip():
            ranked.append((order, name.strip()))
    return [name for _, name in sorted(ranked)]
