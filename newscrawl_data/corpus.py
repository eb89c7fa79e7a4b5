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
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from newscrawl_data.align import published_figures
from newscrawl_data.chunks import Chunks, line_id, merge_into, sorted_lines, stream, write_sorted
from newscrawl_data.dataset import database_path, scalar, sql_string
from newscrawl_data.grouping import GROUPS_TABLE, Grouped, forget, group_dataset
from newscrawl_data.sentence_corpus import (
    STORE_NAME,
    SentenceReport,
    group_key,
    update_sentences,
)

CORPUS_DIR = "corpus"
#: DuckDB's memory limit in the corpus step (one instance: the corpus store, the dataset
#: attached read-only). Below the dataset's: no query here needs more, and the texts are
#: sorted outside DuckDB (``chunks.write_sorted``).
MEMORY_LIMIT = "128MB"
#: Loads ``url -> (title, body)`` for the given URLs.
TextLoader = Callable[[list[str]], dict[str, tuple[str, str]]]
Texts = dict[str, tuple[str, str]]
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


# -- grouping (newscrawl_data.grouping) and reading groups back ---------------------------


@dataclass
class Alignment:
    """Groups given in memory (``write_corpus``), and what could not be aligned."""

    pairs: list[Group]
    triples: list[Group]
    missing_side: dict[str, int]  # pair -> linked pairs whose other side was not crawled
    ambiguous_groups: int


def _insert_groups(con: duckdb.DuckDBPyConnection, groups: list[Group]) -> None:
    """Fill ``corpus_groups`` from groups given in memory (the stored groups of the dataset,
    if any, are forgotten: the next ``build_corpus`` groups it whole)."""
    forget(con)
    con.execute(GROUPS_TABLE)
    con.executemany(
        "INSERT INTO corpus_groups (kind, key, group_key, sort_key, links, found_by, members)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            [
                g.kind,
                decision_key(g),
                group_key(g),
                sort_key(g),
                json.dumps(g.links),
                json.dumps(g.found_by),
                [
                    {
                        "lang": lang,
                        "url": d.url,
                        "language": d.language,
                        "article_id": d.article_id,
                        "published_at": d.published_at,
                        "content_hash": d.content_hash,
                    }
                    for lang, d in sorted(g.documents.items())
                ],
            ]
            for g in groups
        ],
    )


def group_of(links: str, found_by: str, members: list[dict[str, Any]], texts: Texts) -> Group:
    """A group read back from ``corpus_groups``, with the texts of its documents."""
    documents = {}
    for m in members:
        title, body = texts.get(m["url"], ("", ""))
        documents[str(m["lang"])] = Document(
            url=str(m["url"]),
            language=str(m["language"]),
            article_id=int(m["article_id"]) if m["article_id"] is not None else None,
            published_at=str(m["published_at"]) if m["published_at"] is not None else None,
            title=title,
            body=body,
            content_hash=str(m["content_hash"] or ""),
        )
    return Group(documents, json.loads(links), json.loads(found_by))


def text_loader(con: duckdb.DuckDBPyConnection) -> TextLoader:
    """Loads the title and body of the given URLs only, from the dataset attached as ``ds``:
    the ids of their rows first (reading the URL column only), then those rows by id. A
    semi-join selecting title and body reads those columns of every article of the history
    (0.6 s of CPU at a year for 60 URLs; 0.05 s this way)."""

    def load(urls: list[str]) -> dict[str, tuple[str, str]]:
        ids = con.execute(
            "SELECT rowid FROM ds.article_lines WHERE url IN (SELECT unnest(?::VARCHAR[]))",
            [urls],
        ).fetchall()
        rows = con.execute(
            "SELECT url, title, body FROM ds.article_lines WHERE rowid = ANY(?) AND latest",
            [[rowid for (rowid,) in ids]],
        ).fetchall()
        return {str(url): (str(title or ""), str(body or "")) for url, title, body in rows}

    return load


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


def shingles(text: str) -> np.ndarray:
    """64-bit hashes of the word ``SHINGLE``-grams of the normalised text: a sorted array
    without repeats (8 bytes a shingle, where a Python set of ints takes about ten times
    that: a chunk of groups' shingles is the document step's largest Python structure)."""
    words = _WORD.findall(normalise(text))
    words += [""] * (SHINGLE - len(words))
    grams = (" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "big")
            for g in grams
        ),
        dtype=np.uint64,
    )
    unique: np.ndarray = np.unique(hashes)
    return unique


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two shingle arrays (sorted, without repeats)."""
    both = int(np.intersect1d(a, b, assume_unique=True).size)
    return both / (int(a.size) + int(b.size) - both)


def signature(hashes: np.ndarray) -> np.ndarray:
    values = hashes & np.uint64(0xFFFFFFFF)
    products = (_A[:, None] * values[None, :] + _B[:, None]) % np.uint64(PRIME)
    result: np.ndarray = products.min(axis=1)
    return result


def exact_key(texts: list[str]) -> str:
    """The hash of a group's normalised texts (the exact-duplicate test)."""
    joined = "\x1f".join(normalise(t) for t in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def band_keys(grams: np.ndarray) -> list[str]:
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
        self.kept: list[tuple[np.ndarray, str | None]] = []
        self.buckets: dict[str, list[int]] = defaultdict(list)
        self.matched: str | None = None

    def remember(
        self, exact: str | None, grams: np.ndarray, bands: list[str], owner: str | None = None
    ) -> None:
        """Count a row as kept (``exact`` None: only its shingles and bands)."""
        if exact is not None:
            self.exact[exact] = owner
        self.kept.append((grams, owner))
        for band in bands:
            self.buckets[band].append(len(self.kept) - 1)

    def check_signature(
        self, exact: str, grams: np.ndarray, bands: list[str], owner: str | None = None
    ) -> str | None:
        """As ``check``, for a row whose exact key, shingles and bands are computed."""
        if exact in self.exact:
            self.matched = self.exact[exact]
            return "exact_duplicate"
        candidates = sorted({i for band in bands for i in self.buckets.get(band, ())})
        for i in candidates:
            kept, kept_owner = self.kept[i]
            if jaccard(grams, kept) >= self.threshold:
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
    grouped: Grouped
    files: dict[str, str]
    sentences: SentenceReport = field(default_factory=SentenceReport)
    evaluation: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kinds": {name: vars(kind) for name, kind in self.kinds.items()},
            "missing_side": self.grouped.missing_side,
            "ambiguous_groups": self.grouped.ambiguous_groups,
            "grouping": {
                "articles_grouped_again": self.grouped.regrouped,
                "whole": self.grouped.whole,
            },
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
        grouped = self.grouped
        missing = ", ".join(f"{k} {v}" for k, v in sorted(grouped.missing_side.items()))
        lines.append(f"linked but the other side not crawled: {missing or 'none'}")
        lines.append(f"ambiguous groups (two articles of one edition): {grouped.ambiguous_groups}")
        lines.append(
            f"linked articles grouped again: {grouped.regrouped}"
            + (" (all: no stored grouping)" if grouped.whole else " (the rest from the store)")
        )
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
    id VARCHAR, exact VARCHAR, line VARCHAR, duplicate_of VARCHAR, bytes BIGINT
);
-- bytes: the length of the row's line in its file, newline included (0 if not kept); a
-- store made before the column was added gets it here, once
ALTER TABLE document_groups ADD COLUMN IF NOT EXISTS bytes BIGINT;
UPDATE document_groups SET bytes = coalesce(strlen(line) + 1, 0) WHERE bytes IS NULL;
CREATE TABLE IF NOT EXISTS document_bands (kind VARCHAR, band VARCHAR, key VARCHAR);
CREATE TABLE IF NOT EXISTS document_files (kind VARCHAR, bytes BIGINT);
"""
#: Groups decided (texts loaded, filtered, stored) at a time: memory does not grow with history.
DECIDE_CHUNK = 500
#: Rows inserted by one statement (a document row holds two or three whole articles: DuckDB
#: needs memory beyond its limit for each statement's rows).
INSERT_ROWS = 100
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


def _confirmed(group: Group) -> bool:
    return all(link == "confirmed" for link in group.links.values() if link != "inferred")


class _DocumentStore:
    """The document step's state in the corpus store: each group's verdict, the kept rows,
    their exact-text hashes and LSH band keys (duplicates are checked by lookup)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.execute(_STORE_SCHEMA)

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
        matches = self.con.execute(
            "SELECT sort_key, key, rowid FROM document_groups WHERE key IN (SELECT key FROM"
            " document_bands WHERE kind = ? AND band IN (SELECT unnest(?)))",
            [kind, bands],
        ).fetchall()
        matches.sort()
        for start in range(0, len(matches), DECIDE_CHUNK):
            ids = [int(rowid) for *_, rowid in matches[start : start + DECIDE_CHUNK]]
            lines = dict(
                self.con.execute(
                    "SELECT rowid, line FROM document_groups WHERE rowid = ANY($ids)",
                    {"ids": ids},
                ).fetchall()
            )
            for (_, key, _), rowid in zip(matches[start : start + DECIDE_CHUNK], ids, strict=True):
                stored = json.loads(lines[rowid])
                texts = [
                    f"{stored['title'][k]}\n{stored['translation'][k]}"
                    for k in sorted(stored["title"])
                ]
                grams = shingles("\n".join(texts))
                duplicates.remember(None, grams, band_keys(grams), str(key))
        return duplicates

    def add(self, decisions: list[list[Any]], bands: list[list[str]]) -> None:
        """Store the verdicts of one chunk (one transaction: a chunk is stored whole or not)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            for start in range(0, len(decisions), INSERT_ROWS):
                part = decisions[start : start + INSERT_ROWS]
                self.con.execute(
                    "INSERT INTO document_groups (key, kind, sort_key, verdict, confirmed, id,"
                    " exact, line, duplicate_of, bytes) SELECT * FROM (SELECT"
                    " unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
                    " unnest(?::VARCHAR[]), unnest(?::BOOLEAN[]), unnest(?::VARCHAR[]),"
                    " unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
                    " unnest(?::BIGINT[]))",
                    [list(c) for c in zip(*part, strict=True)],
                )
            if bands:
                kinds, band, keys = zip(*bands, strict=True)
                self.con.execute(
                    "INSERT INTO document_bands SELECT * FROM (SELECT unnest(?::VARCHAR[]),"
                    " unnest(?::VARCHAR[]), unnest(?::VARCHAR[]))",
                    [list(kinds), list(band), list(keys)],
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

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

    def merge(self, kind: str, path: Path, dropped: set[str], cut: str) -> bool:
        """Rewrite ``path`` without the rows ``dropped`` and with the rows kept in this export
        (the table ``corpus_new``) where they sort, in one pass over the old file from the
        first row whose sort key is not below ``cut`` (the smallest of the rows gone and the
        rows new): the rows before it stay in place. False if the file does not hold the
        stored rows."""
        params = {"kind": kind, "kept": KEPT, "cut": cut}
        start = scalar(
            self.con,
            "SELECT sum(bytes) FROM document_groups WHERE kind = $kind AND verdict = $kept"
            " AND sort_key < $cut",
            params,
        )
        with sorted_lines(
            self.con,
            "SELECT sort_key || chr(1) || key, line FROM document_groups WHERE kind = $kind"
            " AND verdict = $kept AND key IN (SELECT key FROM corpus_new)",
            path.parent,
            {"kind": kind, "kept": KEPT},
        ) as new_lines:
            order = self.con.execute(
                "SELECT g.id, n.key IS NOT NULL, 1 FROM document_groups g"
                " LEFT JOIN corpus_new n USING (key) WHERE g.kind = $kind AND g.verdict = $kept"
                " AND g.sort_key >= $cut ORDER BY g.sort_key, g.key",
                params,
            )
            return merge_into(path, stream(order), new_lines, dropped, line_id, start)

    def write(self, kind: str, path: Path, after: str | None, append: bool) -> None:
        """Write the stored kept rows (``after``: only those sorting after it) to ``path``,
        appended or rewritten, in their order (sort key, then key)."""
        write_sorted(
            self.con,
            "SELECT sort_key || chr(1) || key, line FROM document_groups WHERE kind = $kind"
            " AND verdict = $kept AND ($after IS NULL OR sort_key > $after)",
            path,
            {"kind": kind, "kept": KEPT, "after": after},
            append=append,
        )


def _decide(
    store: _DocumentStore, kind: str, chunk: list[tuple[Any, ...]], load: TextLoader
) -> str | None:
    """Load the texts of one chunk of new groups (in sort order), filter them against the kept
    groups (stored, and those of this chunk) and store the verdicts. Returns the smallest
    sort key of the groups kept."""
    urls = sorted({str(m["url"]) for *_, members in chunk for m in members})
    texts = load(urls)
    checks: list[tuple[str, Group, str | None, tuple[str, np.ndarray, list[str]] | None]] = []
    for key, links, found_by, members in chunk:
        group = group_of(links, found_by, members, texts)
        reason = next((name for name, test in SINGLE_FILTERS if test(group)), None)
        if reason is not None:
            checks.append((str(key), group, reason, None))
            continue
        texts_ = _texts(group)
        grams = shingles("\n".join(texts_))
        checks.append((str(key), group, None, (exact_key(texts_), grams, band_keys(grams))))
    signed = [c[3] for c in checks if c[3] is not None]
    duplicates = store.prior(
        kind, [s[0] for s in signed], sorted({b for s in signed for b in s[2]})
    )
    decisions: list[list[Any]] = []
    bands: list[list[str]] = []
    first: str | None = None
    for key, group, reason, sign in checks:
        order = sort_key(group)
        if sign is not None:
            reason = duplicates.check_signature(*sign, owner=key)
        if reason is not None:
            matched = duplicates.matched if sign is not None else None
            decisions.append(
                [key, kind, order, reason, _confirmed(group), None, None, None, matched, 0]
            )
            continue
        assert sign is not None
        item = row(group)
        line = json.dumps(item, ensure_ascii=False)
        size = len(line.encode("utf-8")) + 1
        decisions.append(
            [key, kind, order, KEPT, _confirmed(group), item["id"], sign[0], line, None, size]
        )
        bands += [[kind, band, key] for band in sign[2]]
        first = order if first is None else min(first, order)
    store.add(decisions, bands)
    return first


def _update_kind(store: _DocumentStore, kind: str, load: TextLoader, path: Path) -> KindReport:
    """Bring one kind's verdicts and file up to date from ``corpus_groups``: the groups gone
    are forgotten, the new ones decided ``DECIDE_CHUNK`` at a time (anti-joins in SQL: no
    Python structure of every key)."""
    con = store.con
    size = store.file_bytes(kind)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE OR REPLACE TABLE corpus_gone AS SELECT key, verdict FROM document_groups"
            " WHERE kind = $kind AND key NOT IN (SELECT key FROM corpus_groups WHERE kind = $kind)",
            {"kind": kind},
        )
        gone_kept = scalar(con, "SELECT count(*) FROM corpus_gone WHERE verdict = ?", [KEPT])
        # a group dropped as the duplicate of a kept group now gone is decided again
        con.execute(
            "CREATE OR REPLACE TABLE corpus_forget AS SELECT key FROM corpus_gone UNION"
            " SELECT key FROM document_groups WHERE kind = $kind AND duplicate_of IN"
            " (SELECT key FROM corpus_gone WHERE verdict = $kept)",
            {"kind": kind, "kept": KEPT},
        )
        forgotten = con.execute(
            "SELECT id, sort_key FROM document_groups WHERE verdict = ?"
            " AND key IN (SELECT key FROM corpus_forget)",
            [KEPT],
        ).fetchall()  # the rows to take out of the file (as many as groups gone: what is new)
        dropped = {str(id_) for id_, _ in forgotten}
        con.execute("DELETE FROM document_bands WHERE key IN (SELECT key FROM corpus_forget)")
        con.execute("DELETE FROM document_groups WHERE key IN (SELECT key FROM corpus_forget)")
        # until the file is written again, the store does not vouch for it
        con.execute("DELETE FROM document_files WHERE kind = ?", [kind])
        con.execute("DROP TABLE corpus_gone; DROP TABLE corpus_forget")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    last = store.last_kept(kind)
    new = Chunks(
        con,
        "corpus_new",
        "SELECT key, sort_key FROM corpus_groups WHERE kind = $kind"
        " AND key NOT IN (SELECT key FROM document_groups WHERE kind = $kind)",
        "sort_key, key",
        {"kind": kind},
    )
    first: str | None = None
    for chunk in new.read(DECIDE_CHUNK, drop=False):
        keys = [str(key) for key, _ in chunk]
        found = {
            str(key): (key, links, found_by, members)
            for key, links, found_by, members in con.execute(
                "SELECT key, links, found_by, members FROM corpus_groups WHERE kind = ?"
                " AND key IN (SELECT unnest(?::VARCHAR[]))",
                [kind, keys],
            ).fetchall()
        }
        kept = _decide(store, kind, [found[key] for key in keys], load)
        if kept is not None:
            first = kept if first is None else min(first, kept)
    trusted = path.exists() and size == path.stat().st_size
    changed = [str(order) for _, order in forgotten] + ([first] if first is not None else [])
    cut = min(changed, default="")  # the rows sorting before it are unchanged
    if trusted and not gone_kept and (last is None or first is None or first > last):
        store.write(kind, path, last, append=True)
    elif not trusted or not store.merge(kind, path, dropped, cut):
        store.write(kind, path, None, append=False)
    con.execute("DROP TABLE corpus_new")
    store.wrote(kind, path.stat().st_size)
    return store.tally(kind)


def _write(
    con: duckdb.DuckDBPyConnection,
    directory: Path,
    load: TextLoader,
    grouped: Grouped,
) -> CorpusReport:
    """Both steps, from the groups in ``corpus_groups``: decide the new document groups and
    bring the document files up to date, then align the new kept groups by sentence."""
    store = _DocumentStore(con)
    kinds: dict[str, KindReport] = {}
    files: dict[str, str] = {}
    names = [*PAIRS, TRIPLE]
    for name in names:
        path = directory / f"{name}.jsonl"
        kinds[name] = _update_kind(store, name, load, path)
        files[name] = path.name
    sentences = update_sentences(con, names, directory, load)
    con.execute("CHECKPOINT")
    report = CorpusReport(
        directory=directory,
        kinds=kinds,
        grouped=grouped,
        files=files,
        sentences=sentences,
        evaluation=published_figures(),
    )
    (directory / "report.json").write_text(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return report


def _connect_store(directory: Path) -> duckdb.DuckDBPyConnection:
    directory.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(directory / STORE_NAME), config={"memory_limit": MEMORY_LIMIT})


def write_corpus(alignment: Alignment, directory: Path) -> CorpusReport:
    """The corpus of groups given in memory (with their texts), brought up to date under
    ``directory`` as ``build_corpus`` does for the dataset's groups."""
    texts: dict[str, tuple[str, str]] = {}
    for group in [*alignment.pairs, *alignment.triples]:
        for d in group.documents.values():
            if d.url not in texts or d.body:
                texts[d.url] = (d.title, d.body)
    con = _connect_store(directory)
    try:
        _insert_groups(con, [*alignment.pairs, *alignment.triples])

        def load(urls: list[str]) -> dict[str, tuple[str, str]]:
            return {url: texts[url] for url in urls if url in texts}

        grouped = Grouped(
            alignment.missing_side,
            alignment.ambiguous_groups,
            regrouped=len(texts),
            whole=True,
        )
        return _write(con, directory, load, grouped)
    finally:
        con.close()


def build_corpus(output_dir: Path, *, full: bool = False) -> CorpusReport:
    """The corpus of the dataset in ``output_dir`` (run the dataset export first): only the
    groups not decided in an earlier export are read and filtered. ``full``: the corpus store
    is dropped and every group decided and aligned again (the same files).

    One DuckDB instance under ``MEMORY_LIMIT``: the corpus store, with the dataset attached
    read-only as ``ds``."""
    database = database_path(output_dir)
    if not database.exists():
        raise FileNotFoundError(f"{database}: no dataset yet (run scrapy export first)")
    directory = output_dir / CORPUS_DIR
    if full:
        for name in (STORE_NAME, f"{STORE_NAME}.wal"):
            (directory / name).unlink(missing_ok=True)
    con = _connect_store(directory)
    try:
        con.execute(f"ATTACH {sql_string(database)} AS ds (READ_ONLY)")
        return _write(con, directory, text_loader(con), group_dataset(con))
    finally:
        con.close()
