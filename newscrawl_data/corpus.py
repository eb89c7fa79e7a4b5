"""The aligned corpus (``output/corpus/``): document pairs and triples of the same story in
az, en and ru, found from the dataset's ``translations`` view, filtered for quality.

A pair is two crawled articles of two editions joined by a translation link: ``confirmed``
when each page links the other, ``one_way`` when only one does. A triple is a group of three
articles, one per edition, connected by such pairs (a pair of the three not linked itself is
``inferred``); a group with two articles of one edition is ambiguous and makes no triple.

The quality filters are tried in order (``FILTERS``); the first one a group fails drops it.
Script: Latin with ``ə`` for az, Latin for en, Cyrillic for ru, judged by the share of the
letters of each script. Duplicates: exact (the same normalised text on every side: NFKC,
case-folded, whitespace collapsed) and near (MinHash signatures of word 3-shingles with LSH
banding find candidates, whose real Jaccard similarity of shingle sets decides); the first
row seen is kept.

One JSON Lines file per pair of editions and one of triples, plus ``report.json`` counting what
each filter removed. Each row holds the documents' URLs, ids, dates and titles as
``{language: value}`` objects and their bodies in ``translation`` (what Hugging Face
``datasets`` translation tasks expect); ``links`` and ``found_by`` say how it was found.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from newscrawl.site import EDITIONS
from newscrawl_data.align import published_figures
from newscrawl_data.dataset import database_path
from newscrawl_data.sentence_corpus import STORE_NAME, SentenceReport, update_sentences

CORPUS_DIR = "corpus"
PAIRS = ("az-en", "az-ru", "en-ru")
TRIPLE = "az-en-ru"


@dataclass(frozen=True)
class Document:
    """One side of a pair: an article's identity, date and text."""

    url: str
    language: str
    article_id: int | None
    published_at: str | None
    title: str
    body: str
    content_hash: str = ""  # the article's, so a revised body is aligned again


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


# -- alignment ----------------------------------------------------------------------------


def _documents(con: duckdb.DuckDBPyConnection) -> dict[str, Document]:
    con.execute("SET TimeZone = 'Asia/Baku'")
    rows = con.execute(
        "SELECT url, language, article_id, published_at, title, body, content_hash FROM articles"
        " WHERE url IN (SELECT url_a FROM translations UNION SELECT url_b FROM translations)"
    ).fetchall()
    return {
        str(url): Document(
            url=str(url),
            language=str(language),
            article_id=int(article_id) if article_id is not None else None,
            published_at=published.isoformat() if published is not None else None,
            title=str(title or ""),
            body=str(body or ""),
            content_hash=str(content_hash or ""),
        )
        for url, language, article_id, published, title, body, content_hash in rows
    }


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
        found_by = [f"{lang_a}->{lang_b}"] if a_links_b else []
        found_by += [f"{lang_b}->{lang_a}"] if b_links_a else []
        documents_of_pair = {lang_a: documents[url_a], lang_b: documents[url_b]}
        pairs.append(Group(documents_of_pair, {str(pair): str(link)}, found_by))
        edges[(url_a, url_b)] = (str(link), found_by)
    triples, ambiguous = _triples(edges, documents)
    return Alignment(pairs, triples, dict(missing), ambiguous)


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
        triples.append(Group({lang: documents[urls[lang]] for lang in languages}, links, found_by))
    return triples, ambiguous


# -- quality filters ----------------------------------------------------------------------

FILTERS = ("empty_side", "wrong_script", "length_ratio", "exact_duplicate", "near_duplicate")

#: Letters of the Azerbaijani Latin alphabet that English does not use.
AZ_LETTERS = frozenset("əƏğĞıİşŞçÇöÖüÜ")
MIN_LATIN = 0.9  # az, en: share of letters that are Latin
MIN_CYRILLIC = 0.6  # ru: names of companies and people are often in Latin letters
MAX_AZ_IN_EN = 0.01  # en: share of az-only letters tolerated (quoted names)
#: Longest side's body / shortest side's body, in characters, at most this.
MAX_LENGTH_RATIO = 2.5

NEAR_THRESHOLD = 0.8
SHINGLE = 3
PERMUTATIONS = 64
BANDS = 16  # 16 bands of 4 rows: candidates from a Jaccard similarity of about 0.5
PRIME = 4294967311  # the first prime above 2**32

_WORD = re.compile(r"\w+")
_rng = np.random.default_rng(20251023)
_A = _rng.integers(1, 2**32 - 1, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, 2**32 - 1, size=PERMUTATIONS, dtype=np.uint64)


def matches_script(text: str, language: str) -> bool:
    """True when ``text`` is written in the script expected of ``language``."""
    letters = latin = cyrillic = az = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            latin += 1
            az += char in AZ_LETTERS
        elif name.startswith("CYRILLIC"):
            cyrillic += 1
    if not letters:
        return False
    if language == "az":
        return latin / letters >= MIN_LATIN and any(c in "əƏ" for c in text)
    if language == "en":
        return latin / letters >= MIN_LATIN and az / letters <= MAX_AZ_IN_EN
    return language == "ru" and cyrillic / letters >= MIN_CYRILLIC


def empty_side(group: Group) -> bool:
    return any(not d.title.strip() or not d.body.strip() for d in group.documents.values())


def wrong_script(group: Group) -> bool:
    documents = group.documents.items()
    return not all(matches_script(f"{d.title}\n{d.body}", lang) for lang, d in documents)


def length_ratio(group: Group) -> float:
    lengths = [len(d.body) for d in group.documents.values()]
    return max(lengths) / max(1, min(lengths))


#: The filters that look at one group alone (duplicates need the groups kept before).
SINGLE_FILTERS: tuple[tuple[str, Callable[[Group], bool]], ...] = (
    ("empty_side", empty_side),
    ("wrong_script", wrong_script),
    ("length_ratio", lambda group: length_ratio(group) > MAX_LENGTH_RATIO),
)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def shingles(text: str) -> set[int]:
    """64-bit hashes of the word ``SHINGLE``-grams of the normalised text."""
    words = _WORD.findall(normalise(text))
    words += [""] * (SHINGLE - len(words))
    grams = (" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    return {
        int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "big")
        for g in grams
    }


def signature(hashes: set[int]) -> np.ndarray:
    values = np.fromiter((h & 0xFFFFFFFF for h in hashes), dtype=np.uint64, count=len(hashes))
    products = (_A[:, None] * values[None, :] + _B[:, None]) % np.uint64(PRIME)
    result: np.ndarray = products.min(axis=1)
    return result


class DuplicateFilter:
    """Remembers the rows kept so far; ``check`` says whether a new row duplicates one."""

    def __init__(self, threshold: float = NEAR_THRESHOLD) -> None:
        self.threshold = threshold
        self.exact: set[str] = set()
        self.kept: list[set[int]] = []
        self.buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)

    def check(self, texts: list[str]) -> str | None:
        """``"exact_duplicate"``, ``"near_duplicate"`` or None (then the row is remembered)."""
        joined = "\x1f".join(normalise(t) for t in texts)
        key = hashlib.sha256(joined.encode("utf-8")).hexdigest()
        if key in self.exact:
            return "exact_duplicate"
        grams = shingles("\n".join(texts))
        sig = signature(grams)
        rows = PERMUTATIONS // BANDS
        bands = [(b, sig[b * rows : (b + 1) * rows].tobytes()) for b in range(BANDS)]
        candidates = {i for band in bands for i in self.buckets.get(band, ())}
        for i in candidates:
            if len(grams & self.kept[i]) / len(grams | self.kept[i]) >= self.threshold:
                return "near_duplicate"
        self.exact.add(key)
        self.kept.append(grams)
        for band in bands:
            self.buckets[band].append(len(self.kept) - 1)
        return None


# -- writing ------------------------------------------------------------------------------


@dataclass
class KindReport:
    """Figures of one kind of group (a pair of editions, or the triples)."""

    candidates: int = 0
    confirmed: int = 0
    one_way: int = 0
    dropped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FILTERS, 0))
    kept: int = 0


@dataclass
class CorpusReport:
    """What ``build_corpus`` found, dropped and wrote."""

    directory: Path
    kinds: dict[str, KindReport]
    missing_side: dict[str, int]
    ambiguous_groups: int
    files: dict[str, str]
    sentences: SentenceReport = field(default_factory=SentenceReport)
    evaluation: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kinds": {name: vars(kind) for name, kind in self.kinds.items()},
            "missing_side": self.missing_side,
            "ambiguous_groups": self.ambiguous_groups,
            "filters": list(FILTERS),
            "files": self.files,
            "sentences": self.sentences.to_dict(),
            "alignment_evaluation": self.evaluation,
        }

    def format(self) -> str:
        head = f"{'corpus':<10}{'found':>7}{'confirmed':>10}{'one_way':>8}"
        head += "".join(f"{name:>16}" for name in FILTERS) + f"{'kept':>7}"
        lines = [head]
        for name, kind in self.kinds.items():
            line = f"{name:<10}{kind.candidates:>7}{kind.confirmed:>10}{kind.one_way:>8}"
            line += "".join(f"{kind.dropped[f]:>16}" for f in FILTERS) + f"{kind.kept:>7}"
            lines.append(line)
        missing = ", ".join(f"{k} {v}" for k, v in sorted(self.missing_side.items())) or "none"
        lines.append(f"linked but the other side not crawled: {missing}")
        lines.append(f"ambiguous groups (two articles of one edition): {self.ambiguous_groups}")
        lines.append(self.sentences.format())
        lines.append(f"written to {self.directory}")
        return "\n".join(lines)


def row(group: Group) -> dict[str, Any]:
    """One corpus row (JSON object) for ``group``."""
    docs = dict(sorted(group.documents.items()))
    ids = "-".join(str(d.article_id) if d.article_id is not None else d.url for d in docs.values())
    return {
        "id": f"{group.kind}/{ids}",
        "languages": list(docs),
        "translation": {lang: d.body for lang, d in docs.items()},
        "title": {lang: d.title for lang, d in docs.items()},
        "url": {lang: d.url for lang, d in docs.items()},
        "article_id": {lang: d.article_id for lang, d in docs.items()},
        "published_at": {lang: d.published_at for lang, d in docs.items()},
        "links": group.links,
        "found_by": group.found_by,
        "length_ratio": round(length_ratio(group), 3),
        "derived": False,
    }


def _filter(groups: list[Group], report: KindReport) -> list[Group]:
    kept: list[Group] = []
    duplicates = DuplicateFilter()
    ordered = sorted(
        groups, key=lambda g: [(d.published_at or "", d.url) for d in g.documents.values()]
    )
    for group in ordered:
        report.candidates += 1
        if all(link == "confirmed" for link in group.links.values() if link != "inferred"):
            report.confirmed += 1
        else:
            report.one_way += 1
        reason = next((name for name, test in SINGLE_FILTERS if test(group)), None)
        if reason is None:
            texts = [f"{d.title}\n{d.body}" for _, d in sorted(group.documents.items())]
            reason = duplicates.check(texts)
        if reason is not None:
            report.dropped[reason] += 1
            continue
        report.kept += 1
        kept.append(group)
    return kept


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as stream:
        for item in rows:
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def write_corpus(alignment: Alignment, directory: Path) -> CorpusReport:
    """Filter the groups of ``alignment`` and write them under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, KindReport] = {}
    files: dict[str, str] = {}
    by_kind: dict[str, list[Group]] = {name: [] for name in PAIRS}
    for group in alignment.pairs:
        by_kind.setdefault(group.kind, []).append(group)
    by_kind[TRIPLE] = alignment.triples
    kept_by_kind: dict[str, list[tuple[Group, str]]] = {}
    for name, groups in by_kind.items():
        kinds[name] = KindReport()
        kept = _filter(groups, kinds[name])
        rows = [row(g) for g in kept]
        path = directory / f"{name}.jsonl"
        _write_jsonl(path, rows)
        files[name] = path.name
        kept_by_kind[name] = [(g, r["id"]) for g, r in zip(kept, rows, strict=True)]
    report = CorpusReport(
        directory=directory,
        kinds=kinds,
        missing_side=alignment.missing_side,
        ambiguous_groups=alignment.ambiguous_groups,
        files=files,
        sentences=update_sentences(kept_by_kind, directory),
        evaluation=published_figures(),
    )
    (directory / "report.json").write_text(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return report


def build_corpus(output_dir: Path, *, full: bool = False) -> CorpusReport:
    """The corpus of the dataset in ``output_dir`` (run the dataset export first); ``full``:
    align every sentence again (the stored alignments of earlier exports are dropped)."""
    database = database_path(output_dir)
    if not database.exists():
        raise FileNotFoundError(f"{database}: no dataset yet (run scrapy export first)")
    con = duckdb.connect(str(database), read_only=True)
    try:
        alignment = align(con)
    finally:
        con.close()
    if full:
        (output_dir / CORPUS_DIR / STORE_NAME).unlink(missing_ok=True)
    return write_corpus(alignment, output_dir / CORPUS_DIR)
