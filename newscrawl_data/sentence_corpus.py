"""The sentence-aligned corpus (``output/corpus/sentences/``), derived from the document pairs
and triples the corpus keeps: each document group's bodies split into paragraphs and sentences
(``sentences.py``) and aligned (``align.py``); for a triple, the sentence groups on which the
az-en, az-ru and en-ru alignments agree.

Cost follows what is new: the rows of every group aligned so far are kept in
``output/corpus/sentences.duckdb``, keyed by the group's URLs and its documents' content
hashes. An export aligns only the groups not aligned yet (new, or a document revised since),
drops the rows of groups the corpus no longer keeps, and writes the JSON Lines files from the
stored rows (streamed in chunks: memory does not grow with history).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from newscrawl_data.align import SentencePair, align_bodies, tri_parallel
from newscrawl_data.dataset import MEMORY_LIMIT

if TYPE_CHECKING:
    from newscrawl_data.corpus import Group

STORE_NAME = "sentences.duckdb"
SENTENCES_DIR = "sentences"
CHUNK = 10_000  # rows fetched at a time when writing the files

_SCHEMA = """
CREATE TABLE IF NOT EXISTS aligned_groups (
    key VARCHAR PRIMARY KEY, kind VARCHAR, document VARCHAR, rows INTEGER
);
CREATE TABLE IF NOT EXISTS sentence_rows (
    key VARCHAR, kind VARCHAR, n INTEGER, alignment VARCHAR, score DOUBLE, line VARCHAR
);
"""


def group_key(group: Group) -> str:
    """The group's identity: kind, then each document's URL and content hash."""
    parts = [group.kind]
    for language, document in sorted(group.documents.items()):
        parts += [language, document.url, document.content_hash]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _side(pair: SentencePair, first: bool) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    if first:
        return pair.paragraphs_a, pair.sentences_a, pair.text_a
    return pair.paragraphs_b, pair.sentences_b, pair.text_b


def _row(
    group: Group,
    document: str,
    n: int,
    sides: dict[str, tuple[tuple[int, ...], tuple[int, ...], str]],
    score: float,
) -> dict[str, Any]:
    languages = sorted(sides)
    return {
        "id": f"{document}/{n}",
        "languages": languages,
        "translation": {lang: sides[lang][2] for lang in languages},
        "derived": True,
        "document": document,
        "url": {lang: group.documents[lang].url for lang in languages},
        "paragraph": {lang: list(sides[lang][0]) for lang in languages},
        "sentence": {lang: list(sides[lang][1]) for lang in languages},
        "alignment": "-".join(str(len(sides[lang][1])) for lang in languages),
        "score": score,
    }


class _Aligner:
    """Aligns document pairs, remembering the alignments of this export for the triples."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str, str, str], list[SentencePair]] = {}

    def pair(self, group: Group, la: str, lb: str) -> list[SentencePair]:
        a, b = group.documents[la], group.documents[lb]
        key = (a.url, a.content_hash, b.url, b.content_hash)
        if key not in self.cache:
            self.cache[key] = align_bodies(a.body, b.body, la, lb)
        return self.cache[key]

    def rows(self, group: Group, document: str) -> list[dict[str, Any]]:
        languages = sorted(group.documents)
        if len(languages) == 2:
            la, lb = languages
            return [
                _row(group, document, n, {la: _side(p, True), lb: _side(p, False)}, p.score)
                for n, p in enumerate(self.pair(group, la, lb))
            ]
        az_en = self.pair(group, "az", "en")
        az_ru = self.pair(group, "az", "ru")
        en_ru = self.pair(group, "en", "ru")
        rows = []
        for n, (ae, ar, er) in enumerate(tri_parallel(az_en, az_ru, en_ru)):
            sides = {"az": _side(ae, True), "en": _side(ae, False), "ru": _side(ar, False)}
            rows.append(_row(group, document, n, sides, min(ae.score, ar.score, er.score)))
        return rows


@dataclass
class SentenceReport:
    """What one export did to the sentence corpus, and what it holds, per kind."""

    aligned_now: dict[str, int] = field(default_factory=dict)  # groups aligned in this export
    kept_from_before: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # groups gone or revised
    groups: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    alignments: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> "1-1" -> n
    mean_score: dict[str, float] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    def format(self) -> str:
        lines = [
            f"{'sentences':<10}{'groups':>7}{'aligned now':>12}{'kept':>6}{'dropped':>8}"
            f"{'rows':>8}{'score':>7}  alignments"
        ]
        for kind, groups in self.groups.items():
            types = ", ".join(f"{t} {n}" for t, n in self.alignments.get(kind, {}).items())
            lines.append(
                f"{kind:<10}{groups:>7}{self.aligned_now[kind]:>12}"
                f"{self.kept_from_before[kind]:>6}{self.dropped[kind]:>8}"
                f"{self.rows[kind]:>8}{self.mean_score[kind]:>7.3f}  {types or '-'}"
            )
        return "\n".join(lines)


def _write_rows(con: duckdb.DuckDBPyConnection, kind: str, path: Path) -> None:
    tmp = path.with_suffix(".jsonl.tmp")
    cursor = con.execute(
        "SELECT r.line FROM sentence_rows r JOIN aligned_groups g USING (key)"
        " WHERE r.kind = ? ORDER BY g.document, r.n",
        [kind],
    )
    with tmp.open("w", encoding="utf-8") as stream:
        while chunk := cursor.fetchmany(CHUNK):
            stream.writelines(line + "\n" for (line,) in chunk)
    os.replace(tmp, path)


def _new_rows(
    groups: Sequence[tuple[str, Group, str]], aligner: _Aligner
) -> Iterator[tuple[str, str, str, int, list[dict[str, Any]]]]:
    for key, group, document in groups:
        rows = aligner.rows(group, document)
        yield key, group.kind, document, len(rows), rows


def update_sentences(
    kept: dict[str, list[tuple[Group, str]]],
    directory: Path,
    load: Callable[[list[str]], dict[str, tuple[str, str]]] | None = None,
) -> SentenceReport:
    """Bring ``directory/sentences/`` up to date with the groups the corpus keeps
    (``kind -> [(group, document id)]``); ``load`` gives ``url -> (title, body)`` for the
    groups to align whose documents came without their text."""
    report = SentenceReport()
    target = directory / SENTENCES_DIR
    target.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(directory / STORE_NAME), config={"memory_limit": MEMORY_LIMIT})
    try:
        con.execute(_SCHEMA)
        aligner = _Aligner()
        for kind, groups in kept.items():
            current = {group_key(group): (group, document) for group, document in groups}
            known = {
                str(key)
                for (key,) in con.execute(
                    "SELECT key FROM aligned_groups WHERE kind = ?", [kind]
                ).fetchall()
            }
            gone = sorted(known - set(current))
            new = [(key, *current[key]) for key in sorted(set(current) - known)]
            if load is not None:
                new = _with_bodies(new, load)
            con.execute("BEGIN TRANSACTION")
            try:
                _store(con, gone, _new_rows(new, aligner))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            report.aligned_now[kind] = len(new)
            report.kept_from_before[kind] = len(known & set(current))
            report.dropped[kind] = len(gone)
            report.groups[kind] = len(current)
            types = con.execute(
                "SELECT alignment, count(*), sum(score) FROM sentence_rows WHERE kind = ?"
                " GROUP BY alignment ORDER BY alignment",
                [kind],
            ).fetchall()
            report.alignments[kind] = {str(t): int(n) for t, n, _ in types}
            total = sum(int(n) for _, n, _ in types)
            report.rows[kind] = total
            report.mean_score[kind] = (
                round(sum(float(s) for *_, s in types) / total, 4) if total else 0.0
            )
            path = target / f"{kind}.jsonl"
            _write_rows(con, kind, path)
            report.files[kind] = f"{SENTENCES_DIR}/{path.name}"
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return report


def _with_bodies(
    groups: list[tuple[str, Group, str]], load: Callable[[list[str]], dict[str, tuple[str, str]]]
) -> list[tuple[str, Group, str]]:
    """``groups`` with the text of the documents that came without it loaded."""
    missing = sorted({d.url for _, g, _ in groups for d in g.documents.values() if not d.body})
    if not missing:
        return groups
    texts = load(missing)
    result = []
    for key, group, document in groups:
        documents = {
            lang: replace(d, title=texts[d.url][0], body=texts[d.url][1])
            if not d.body and d.url in texts
            else d
            for lang, d in group.documents.items()
        }
        result.append((key, type(group)(documents, group.links, group.found_by), document))
    return result


def _store(
    con: duckdb.DuckDBPyConnection,
    gone: list[str],
    new: Iterator[tuple[str, str, str, int, list[dict[str, Any]]]],
) -> None:
    """Delete the rows of the groups ``gone``, insert those of the ``new`` ones."""
    if gone:
        con.execute("DELETE FROM sentence_rows WHERE list_contains(?, key)", [gone])
        con.execute("DELETE FROM aligned_groups WHERE list_contains(?, key)", [gone])
    for key, kind, document, count, rows in new:
        con.execute("INSERT INTO aligned_groups VALUES (?, ?, ?, ?)", [key, kind, document, count])
        if rows:
            con.executemany(
                "INSERT INTO sentence_rows VALUES (?, ?, ?, ?, ?, ?)",
                [
                    [key, kind, n, r["alignment"], r["score"], json.dumps(r, ensure_ascii=False)]
                    for n, r in enumerate(rows)
                ],
            )
