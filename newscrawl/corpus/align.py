"""Pairs and triples of articles from the dataset's ``translations`` view.

A pair is two crawled articles of two editions joined by a translation link: ``confirmed``
when each page links the other, ``one_way`` when only one does. A triple is a group of three
articles, one per edition, connected by such pairs (at least two of its three pairs linked);
a group with two articles of one edition is ambiguous and makes no triple.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb

from newscrawl.editions import EDITIONS


@dataclass(frozen=True)
class Document:
    """One side of a pair: an article's identity, date and text."""

    url: str
    language: str
    article_id: int | None
    published_at: str | None
    title: str
    body: str


@dataclass
class Group:
    """Aligned documents (two or three, one per language) and how each pair was linked."""

    documents: dict[str, Document]
    links: dict[str, str]  # "az-en" -> confirmed / one_way / inferred
    found_by: list[str] = field(default_factory=list)  # "az->en", ...

    @property
    def kind(self) -> str:
        return "-".join(sorted(self.documents))


@dataclass
class Alignment:
    """Every pair and triple found, and what could not be aligned."""

    pairs: list[Group]
    triples: list[Group]
    missing_side: dict[str, int]  # pair -> linked pairs whose other side was not crawled
    ambiguous_groups: int


def _documents(con: duckdb.DuckDBPyConnection) -> dict[str, Document]:
    con.execute("SET TimeZone = 'Asia/Baku'")
    rows = con.execute(
        "SELECT url, language, article_id, published_at, title, body FROM articles"
        " WHERE url IN (SELECT url_a FROM translations UNION SELECT url_b FROM translations)"
    ).fetchall()
    return {
        str(r[0]): Document(
            url=str(r[0]),
            language=str(r[1]),
            article_id=int(r[2]) if r[2] is not None else None,
            published_at=r[3].isoformat() if r[3] is not None else None,
            title=str(r[4] or ""),
            body=str(r[5] or ""),
        )
        for r in rows
    }


def _directions(a: str, b: str, a_links_b: bool, b_links_a: bool) -> list[str]:
    return ([f"{a}->{b}"] if a_links_b else []) + ([f"{b}->{a}"] if b_links_a else [])


def align(con: duckdb.DuckDBPyConnection) -> Alignment:
    """Read the links and the articles from the dataset and group them."""
    documents = _documents(con)
    rows = con.execute(
        "SELECT pair, language_a, url_a, language_b, url_b, a_links_b, b_links_a, link,"
        " both_crawled FROM translations ORDER BY pair, url_a, url_b"
    ).fetchall()
    pairs: list[Group] = []
    missing: dict[str, int] = defaultdict(int)
    edges: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for pair, lang_a, url_a, lang_b, url_b, a_links_b, b_links_a, link, both in rows:
        if not both:
            missing[str(pair)] += 1
            continue
        found_by = _directions(lang_a, lang_b, bool(a_links_b), bool(b_links_a))
        pairs.append(
            Group(
                documents={lang_a: documents[url_a], lang_b: documents[url_b]},
                links={str(pair): str(link)},
                found_by=found_by,
            )
        )
        edges[(url_a, url_b)] = (str(link), found_by)
    triples, ambiguous = _triples(edges, documents)
    return Alignment(
        pairs=pairs, triples=triples, missing_side=dict(missing), ambiguous_groups=ambiguous
    )


def _components(edges: dict[tuple[str, str], Any]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for node in sorted(parent):
        groups[find(node)].append(node)
    return list(groups.values())


def _triples(
    edges: dict[tuple[str, str], tuple[str, list[str]]], documents: dict[str, Document]
) -> tuple[list[Group], int]:
    triples: list[Group] = []
    ambiguous = 0
    languages = sorted(EDITIONS)
    for component in _components(edges):
        by_language: dict[str, list[str]] = defaultdict(list)
        for url in component:
            by_language[documents[url].language].append(url)
        if any(len(urls) > 1 for urls in by_language.values()):
            ambiguous += 1
            continue
        if sorted(by_language) != languages:
            continue
        urls = {lang: by_language[lang][0] for lang in languages}
        links: dict[str, str] = {}
        found_by: list[str] = []
        for i, lang_a in enumerate(languages):
            for lang_b in languages[i + 1 :]:
                link, directions = edges.get((urls[lang_a], urls[lang_b]), ("inferred", []))
                links[f"{lang_a}-{lang_b}"] = link
                found_by += directions
        triples.append(
            Group(
                documents={lang: documents[urls[lang]] for lang in languages},
                links=links,
                found_by=found_by,
            )
        )
    return triples, ambiguous
