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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from newscrawl.site import EDITIONS
from newscrawl_data.align import published_figures
from newscrawl_data.dataset import MEMORY_LIMIT, database_path
from newscrawl_data.sentence_corpus import (
    CHUNK,
    STORE_NAME,
    SentenceReport,
    group_key,
    update_sentences,
)

CORPUS_DIR = "corpus"
#: Loads ``url -> (title, body)`` for the given URLs.
TextLoader = Callable[[list[str]], dict[str, tuple[str, str]]]
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
    """Every linked article's identity, date and content hash: no title, no body (cheap)."""
    con.execute("SET TimeZone = 'Asia/Baku'")
    rows = con.execute(
        "SELECT url, language, article_id, published_at, content_hash FROM articles"
        " WHERE url IN (SELECT url_a FROM translations UNION SELECT url_b FROM translations)"
    ).fetchall()
    return {
        str(url): Document(
            url=str(url),
            language=str(language),
            article_id=int(article_id) if article_id is not None else None,
            published_at=published.isoformat() if published is not None else None,
            title="",
            body="",
            content_hash=str(content_hash or ""),
        )
        for url, language, article_id, published, content_hash in rows
    }


def text_loader(con: duckdb.DuckDBPyConnection) -> TextLoader:
    """Loads the title and body of the given URLs only (a semi-join on the URL list)."""

    def load(urls: list[str]) -> dict[str, tuple[str, str]]:
        rows = con.execute(
            "SELECT url, title, body FROM articles WHERE url IN (SELECT unnest(?::VARCHAR[]))",
            [urls],
        ).fetchall()
        return {str(url): (str(title or ""), str(body or "")) for url, title, body in rows}

    return load


def align(con: duckdb.DuckDBPyConnection) -> Alignment:
    """Read the links and the articles' identities from the dataset and group them (the
    documents carry no text: ``write_corpus`` loads it for the groups not decided before)."""
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


def exact_key(texts: list[str]) -> str:
    """The hash of a group's normalised texts (the exact-duplicate test)."""
    joined = "\x1f".join(normalise(t) for t in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def band_keys(grams: set[int]) -> list[str]:
    """The LSH band keys of a shingle set: groups sharing one are near-duplicate candidates."""
    sig = signature(grams)
    rows = PERMUTATIONS // BANDS
    return [f"{b}:{sig[b * rows : (b + 1) * rows].tobytes().hex()}" for b in range(BANDS)]


class DuplicateFilter:
    """Remembers the rows kept so far; ``check`` says whether a new row duplicates one (and
    ``matched`` which one, by the owner given to ``remember``)."""

    def __init__(self, threshold: float = NEAR_THRESHOLD) -> None:
        self.threshold = threshold
        self.exact: dict[str, str | None] = {}
        self.kept: list[tuple[set[int], str | None]] = []
        self.buckets: dict[str, list[int]] = defaultdict(list)
        self.matched: str | None = None

    def remember(
        self, exact: str | None, grams: set[int], bands: list[str], owner: str | None = None
    ) -> None:
        """Count a row as kept (``exact`` None: only its shingles and bands)."""
        if exact is not None:
            self.exact[exact] = owner
        self.kept.append((grams, owner))
        for band in bands:
            self.buckets[band].append(len(self.kept) - 1)

    def check_signature(
        self, exact: str, grams: set[int], bands: list[str], owner: str | None = None
    ) -> str | None:
        """As ``check``, for a row whose exact key, shingles and bands are computed."""
        if exact in self.exact:
            self.matched = self.exact[exact]
            return "exact_duplicate"
        candidates = sorted({i for band in bands for i in self.buckets.get(band, ())})
        for i in candidates:
            kept, kept_owner = self.kept[i]
            if len(grams & kept) / len(grams | kept) >= self.threshold:
                self.matched = kept_owner
                return "near_duplicate"
        self.matched = None
        self.remember(exact, grams, bands, owner)
        return None

    def check(self, texts: list[str]) -> str | None:
        """``"exact_duplicate"``, ``"near_duplicate"`` or None (then the row is remembered)."""
        grams = shingles("\n".join(texts))
        return self.check_signature(exact_key(texts), grams, band_keys(grams))


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


_STORE_SCHEMA = """
CREATE TABLE IF NOT EXISTS document_groups (
    key VARCHAR, kind VARCHAR, sort_key VARCHAR, verdict VARCHAR, confirmed BOOLEAN,
    id VARCHAR, exact VARCHAR, line VARCHAR, duplicate_of VARCHAR
);
CREATE TABLE IF NOT EXISTS document_bands (kind VARCHAR, band VARCHAR, key VARCHAR);
CREATE TABLE IF NOT EXISTS document_files (kind VARCHAR, bytes BIGINT);
"""
#: Groups decided (texts loaded, filtered, stored) at a time: memory does not grow with history.
DECIDE_CHUNK = 1_000
KEPT = "kept"


def sort_key(group: Group) -> str:
    """The order in which groups are seen ("first seen is kept"): each side's publication
    time, then URL, languages in alphabetical order. The same in every export."""
    docs = sorted(group.documents.items())
    return "\x1f".join(f"{d.published_at or ''}\x1e{d.url}" for _, d in docs)


def decision_key(group: Group) -> str:
    """What a group's verdict depends on besides the other groups: its members (URL, content
    hash, id, date) and links. A group with the same key was decided in an earlier export."""
    parts = [group_key(group), json.dumps([group.links, group.found_by], sort_keys=True)]
    parts += [f"{d.article_id}\x1e{d.published_at}" for _, d in sorted(group.documents.items())]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _texts(group: Group) -> list[str]:
    return [f"{d.title}\n{d.body}" for _, d in sorted(group.documents.items())]


def _with_texts(group: Group, texts: dict[str, tuple[str, str]]) -> Group:
    documents = {
        lang: replace(d, title=texts[d.url][0], body=texts[d.url][1]) if d.url in texts else d
        for lang, d in group.documents.items()
    }
    return Group(documents, group.links, group.found_by)


@dataclass
class _Decided:
    """The groups one export decided for one kind."""

    kept: list[tuple[Group, str]] = field(default_factory=list)  # (group with texts, row id)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (sort key, key, line)


class _DocumentStore:
    """The document step's state in the corpus store: each group's verdict, the kept rows,
    their exact-text hashes and LSH band keys (duplicates are checked by lookup)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.execute(_STORE_SCHEMA)

    def decided(self, kind: str) -> dict[str, tuple[str, str | None, str | None]]:
        """``key -> (verdict, row id, the kept group it duplicates)`` of the groups decided."""
        rows = self.con.execute(
            "SELECT key, verdict, id, duplicate_of FROM document_groups WHERE kind = ?", [kind]
        ).fetchall()
        return {
            str(k): (str(v), str(i) if i is not None else None, str(d) if d is not None else None)
            for k, v, i, d in rows
        }

    def forget(self, keys: list[str]) -> None:
        if keys:
            self.con.execute("DELETE FROM document_bands WHERE key IN (SELECT unnest(?))", [keys])
            self.con.execute("DELETE FROM document_groups WHERE key IN (SELECT unnest(?))", [keys])

    def last_kept(self, kind: str) -> str | None:
        (last,) = self.con.execute(
            "SELECT max(sort_key) FROM document_groups WHERE kind = ? AND verdict = ?",
            [kind, KEPT],
        ).fetchone() or (None,)
        return str(last) if last is not None else None

    def prior(self, kind: str, exacts: list[str], bands: list[str]) -> DuplicateFilter:
        """A filter holding the stored kept groups that share an exact key or a band."""
        duplicates = DuplicateFilter()
        for exact, key in self.con.execute(
            "SELECT exact, key FROM document_groups WHERE kind = ? AND verdict = ?"
            " AND exact IN (SELECT unnest(?))",
            [kind, KEPT, exacts],
        ).fetchall():
            duplicates.exact[str(exact)] = str(key)
        cursor = self.con.execute(
            "SELECT key, line FROM document_groups WHERE key IN (SELECT key FROM document_bands"
            " WHERE kind = ? AND band IN (SELECT unnest(?))) ORDER BY sort_key, key",
            [kind, bands],
        )
        while chunk := cursor.fetchmany(CHUNK):
            for key, line in chunk:
                stored = json.loads(line)
                texts = [
                    f"{stored['title'][k]}\n{stored['translation'][k]}"
                    for k in sorted(stored["title"])
                ]
                grams = shingles("\n".join(texts))
                duplicates.remember(None, grams, band_keys(grams), str(key))
        return duplicates

    def add(
        self,
        kind: str,
        key: str,
        group: Group,
        verdict: str,
        row_: dict[str, Any] | None,
        exact: str | None,
        bands: list[str],
        duplicate_of: str | None = None,
    ) -> str | None:
        confirmed = all(link == "confirmed" for link in group.links.values() if link != "inferred")
        line = json.dumps(row_, ensure_ascii=False) if row_ is not None else None
        self.con.execute(
            "INSERT INTO document_groups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                key,
                kind,
                sort_key(group),
                verdict,
                confirmed,
                row_["id"] if row_ else None,
                exact,
                line,
                duplicate_of,
            ],
        )
        if bands:
            self.con.executemany(
                "INSERT INTO document_bands VALUES (?, ?, ?)", [[kind, b, key] for b in bands]
            )
        return line

    def tally(self, kind: str) -> KindReport:
        report = KindReport()
        for verdict, count, confirmed in self.con.execute(
            "SELECT verdict, count(*), count(*) FILTER (WHERE confirmed) FROM document_groups"
            " WHERE kind = ? GROUP BY verdict",
            [kind],
        ).fetchall():
            report.candidates += int(count)
            report.confirmed += int(confirmed)
            if verdict == KEPT:
                report.kept = int(count)
            else:
                report.dropped[str(verdict)] = int(count)
        report.one_way = report.candidates - report.confirmed
        return report

    def file_bytes(self, kind: str) -> int | None:
        found = self.con.execute(
            "SELECT bytes FROM document_files WHERE kind = ?", [kind]
        ).fetchone()
        return int(found[0]) if found else None

    def wrote(self, kind: str, size: int) -> None:
        self.con.execute("DELETE FROM document_files WHERE kind = ?", [kind])
        self.con.execute("INSERT INTO document_files VALUES (?, ?)", [kind, size])

    def write_all(self, kind: str, path: Path) -> None:
        """Rewrite ``path`` from the stored kept rows, streamed in chunks."""
        tmp = path.with_suffix(".jsonl.tmp")
        cursor = self.con.execute(
            "SELECT line FROM document_groups WHERE kind = ? AND verdict = ?"
            " ORDER BY sort_key, key",
            [kind, KEPT],
        )
        with tmp.open("w", encoding="utf-8") as stream:
            while chunk := cursor.fetchmany(CHUNK):
                stream.writelines(line + "\n" for (line,) in chunk)
        os.replace(tmp, path)


def _decide(
    store: _DocumentStore, kind: str, new: list[tuple[str, Group]], load: TextLoader | None
) -> _Decided:
    """Load the texts of the ``new`` groups (in sort order), filter them against the kept
    groups (stored, and those of this export) and store the verdicts, a chunk at a time."""
    decided = _Decided()
    for start in range(0, len(new), DECIDE_CHUNK):
        chunk = new[start : start + DECIDE_CHUNK]
        if load is not None:
            texts = load(sorted({d.url for _, g in chunk for d in g.documents.values()}))
            chunk = [(key, _with_texts(group, texts)) for key, group in chunk]
        checks: list[tuple[str, Group, str | None, tuple[str, set[int], list[str]] | None]] = []
        for key, group in chunk:
            reason = next((name for name, test in SINGLE_FILTERS if test(group)), None)
            if reason is not None:
                checks.append((key, group, reason, None))
                continue
            texts_ = _texts(group)
            grams = shingles("\n".join(texts_))
            checks.append((key, group, None, (exact_key(texts_), grams, band_keys(grams))))
        signed = [c[3] for c in checks if c[3] is not None]
        duplicates = store.prior(
            kind, [s[0] for s in signed], sorted({b for s in signed for b in s[2]})
        )
        for key, group, reason, sign in checks:
            if sign is not None:
                reason = duplicates.check_signature(*sign, owner=key)
            if reason is not None:
                matched = duplicates.matched if sign is not None else None
                store.add(kind, key, group, reason, None, None, [], matched)
                continue
            assert sign is not None
            item = row(group)
            line = store.add(kind, key, group, KEPT, item, sign[0], sign[2])
            decided.kept.append((group, item["id"]))
            decided.rows.append((sort_key(group), key, str(line)))
    return decided


def _update_kind(
    store: _DocumentStore, kind: str, groups: list[Group], load: TextLoader | None, path: Path
) -> tuple[KindReport, list[tuple[Group, str]]]:
    """Bring one kind's verdicts and file up to date; the kept groups and their row ids."""
    current = {decision_key(g): g for g in groups}
    known = store.decided(kind)
    gone = [key for key in known if key not in current]
    gone_kept = {key for key in gone if known[key][0] == KEPT}
    # a group dropped as the duplicate of a kept group now gone is decided again
    again = [key for key in current if key in known and known[key][2] in gone_kept]
    for key in again:
        del known[key]
    new = sorted(
        ((key, g) for key, g in current.items() if key not in known),
        key=lambda item: (sort_key(item[1]), item[0]),
    )
    store.con.execute("BEGIN TRANSACTION")
    try:
        store.forget(gone + again)
        last = store.last_kept(kind)
        decided = _decide(store, kind, new, load)
        store.con.execute("COMMIT")
    except BaseException:
        store.con.execute("ROLLBACK")
        raise
    size = store.file_bytes(kind)
    appendable = (
        not gone_kept
        and path.exists()
        and size == path.stat().st_size
        and all(last is None or sk > last for sk, _, _ in decided.rows)
    )
    if appendable:
        with path.open("a", encoding="utf-8") as stream:
            stream.writelines(line + "\n" for _, _, line in decided.rows)
    else:
        store.write_all(kind, path)
    store.wrote(kind, path.stat().st_size)
    loaded = {decision_key(g): (g, id_) for g, id_ in decided.kept}
    kept = [
        loaded.get(key) or (group, str(known[key][1]))
        for key, group in sorted(current.items(), key=lambda item: (sort_key(item[1]), item[0]))
        if key in loaded or (key in known and known[key][0] == KEPT)
    ]
    return store.tally(kind), kept


def write_corpus(
    alignment: Alignment, directory: Path, load: TextLoader | None = None
) -> CorpusReport:
    """Filter the groups of ``alignment`` not decided in an earlier export and bring the files
    under ``directory`` up to date. ``load`` gives the texts of the new groups (None: the
    documents carry them)."""
    directory.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, KindReport] = {}
    files: dict[str, str] = {}
    by_kind: dict[str, list[Group]] = {name: [] for name in PAIRS}
    for group in alignment.pairs:
        by_kind.setdefault(group.kind, []).append(group)
    by_kind[TRIPLE] = alignment.triples
    kept_by_kind: dict[str, list[tuple[Group, str]]] = {}
    con = duckdb.connect(str(directory / STORE_NAME), config={"memory_limit": MEMORY_LIMIT})
    try:
        store = _DocumentStore(con)
        for name, groups in by_kind.items():
            path = directory / f"{name}.jsonl"
            kinds[name], kept_by_kind[name] = _update_kind(store, name, groups, load, path)
            files[name] = path.name
        con.execute("CHECKPOINT")
    finally:
        con.close()
    report = CorpusReport(
        directory=directory,
        kinds=kinds,
        missing_side=alignment.missing_side,
        ambiguous_groups=alignment.ambiguous_groups,
        files=files,
        sentences=update_sentences(kept_by_kind, directory, load),
        evaluation=published_figures(),
    )
    (directory / "report.json").write_text(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return report


def build_corpus(output_dir: Path, *, full: bool = False) -> CorpusReport:
    """The corpus of the dataset in ``output_dir`` (run the dataset export first): only the
    groups not decided in an earlier export are read and filtered. ``full``: the corpus store
    is dropped and every group decided and aligned again (the same files)."""
    database = database_path(output_dir)
    if not database.exists():
        raise FileNotFoundError(f"{database}: no dataset yet (run scrapy export first)")
    if full:
        (output_dir / CORPUS_DIR / STORE_NAME).unlink(missing_ok=True)
    con = duckdb.connect(str(database), read_only=True, config={"memory_limit": MEMORY_LIMIT})
    try:
        return write_corpus(align(con), output_dir / CORPUS_DIR, text_loader(con))
    finally:
        con.close()
