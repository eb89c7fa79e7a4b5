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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from newscrawl_data.align import SentencePair, align_bodies, tri_parallel
from newscrawl_data.chunks import Chunks, line_id, merge_into, sorted_lines, stream, write_sorted
from newscrawl_data.dataset import scalar

if TYPE_CHECKING:
    from newscrawl_data.corpus import Group

STORE_NAME = "sentences.duckdb"
SENTENCES_DIR = "sentences"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS aligned_groups (
    key VARCHAR PRIMARY KEY, kind VARCHAR, document VARCHAR, rows INTEGER, bytes BIGINT
);
CREATE TABLE IF NOT EXISTS sentence_rows (
    key VARCHAR, kind VARCHAR, n INTEGER, alignment VARCHAR, score DOUBLE, line VARCHAR
);
-- bytes: the length of the group's lines in its file, newlines included; a store made
-- before the column was added gets it here, once
ALTER TABLE aligned_groups ADD COLUMN IF NOT EXISTS bytes BIGINT;
UPDATE aligned_groups g SET bytes = coalesce(
    (SELECT sum(strlen(r.line) + 1) FROM sentence_rows r WHERE r.key = g.key), 0
) WHERE bytes IS NULL;
CREATE TABLE IF NOT EXISTS sentence_files (kind VARCHAR, bytes BIGINT, last VARCHAR);
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


def _pair_key(kind: str, sides: list[tuple[str, str, str]]) -> str:
    """``group_key`` of a group of ``kind`` with these (language, URL, content hash) sides."""
    parts = [kind]
    for side in sorted(sides):
        parts += list(side)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _pair_of(row: dict[str, Any], la: str, lb: str) -> SentencePair:
    """A stored pair row back as the ``SentencePair`` it was written from."""
    return SentencePair(
        kind=row["alignment"],
        score=row["score"],
        paragraphs_a=tuple(row["paragraph"][la]),
        paragraphs_b=tuple(row["paragraph"][lb]),
        sentences_a=tuple(row["sentence"][la]),
        sentences_b=tuple(row["sentence"][lb]),
        text_a=row["translation"][la],
        text_b=row["translation"][lb],
    )


class _Aligner:
    """Aligns document pairs. A triple's three pairs are taken from the pair rows stored
    when the same two documents (URLs and content hashes) were aligned as a pair, or aligned
    here; what it remembers is one chunk's (``forget``)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.cache: dict[str, list[SentencePair]] = {}

    def prefetch(self, groups: Sequence[Group]) -> None:
        """Read the stored pair rows of the triples' pairs among ``groups``."""
        wanted: dict[str, tuple[str, str]] = {}
        for group in groups:
            if len(group.documents) == 3:
                for la, lb in (("az", "en"), ("az", "ru"), ("en", "ru")):
                    wanted[self.key(group, la, lb)] = (la, lb)
        if not wanted:
            return
        found = self.con.execute(
            "SELECT g.key, r.line FROM aligned_groups g LEFT JOIN sentence_rows r USING (key)"
            " WHERE g.key IN (SELECT unnest(?::VARCHAR[])) ORDER BY g.key, r.n",
            [sorted(wanted)],
        ).fetchall()
        for key, line in found:
            pairs = self.cache.setdefault(str(key), [])
            if line is not None:
                pairs.append(_pair_of(json.loads(line), *wanted[str(key)]))

    def forget(self) -> None:
        self.cache.clear()

    @staticmethod
    def key(group: Group, la: str, lb: str) -> str:
        a, b = group.documents[la], group.documents[lb]
        return _pair_key(f"{la}-{lb}", [(la, a.url, a.content_hash), (lb, b.url, b.content_hash)])

    def pair(self, group: Group, la: str, lb: str) -> list[SentencePair]:
        key = self.key(group, la, lb)
        if key not in self.cache:
            a, b = group.documents[la], group.documents[lb]
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


def _write_rows(
    con: duckdb.DuckDBPyConnection, kind: str, path: Path, append: bool = False
) -> None:
    """Write the stored rows of ``kind`` to ``path``, by document, then row number
    (``append``: only those of the groups aligned now, at the end of the file)."""
    write_sorted(
        con,
        "SELECT g.document || chr(1) || lpad(r.n::VARCHAR, 10, '0'), r.line"
        " FROM sentence_rows r JOIN aligned_groups g USING (key) WHERE r.kind = $kind"
        + (" AND r.key IN (SELECT key FROM sentence_new)" if append else ""),
        path,
        {"kind": kind},
        append=append,
    )


def _document_of(line: bytes) -> str:
    return line_id(line).rpartition("/")[0]


def _merge_rows(
    con: duckdb.DuckDBPyConnection, kind: str, path: Path, dropped: set[str], cut: str
) -> bool:
    """Rewrite ``path`` without the rows of the documents ``dropped`` and with those aligned
    now (``sentence_new``) where they sort, in one pass over the old file from the rows of
    the first document not below ``cut`` (the smallest of those gone and those new): the
    rows before it stay in place."""
    params = {"kind": kind, "cut": cut}
    start = scalar(
        con,
        "SELECT sum(bytes) FROM aligned_groups WHERE kind = $kind AND rows > 0 AND document < $cut",
        params,
    )
    with sorted_lines(
        con,
        "SELECT g.document || chr(1) || lpad(r.n::VARCHAR, 10, '0'), r.line"
        " FROM sentence_rows r JOIN aligned_groups g USING (key) WHERE r.kind = $kind"
        " AND r.key IN (SELECT key FROM sentence_new)",
        path.parent,
        {"kind": kind},
    ) as new_lines:
        cursor = con.execute(
            "SELECT g.document, n.key IS NOT NULL, g.rows FROM aligned_groups g"
            " LEFT JOIN sentence_new n USING (key) WHERE g.kind = $kind AND g.rows > 0"
            " AND g.document >= $cut ORDER BY g.document",
            params,
        )
        return merge_into(path, stream(cursor, 1_000), new_lines, dropped, _document_of, start)


#: Groups aligned (texts loaded, aligned, stored) at a time: memory does not grow with history.
ALIGN_CHUNK = 500


def update_sentences(
    con: duckdb.DuckDBPyConnection,
    kinds: Sequence[str],
    directory: Path,
    load: Callable[[list[str]], dict[str, tuple[str, str]]],
) -> SentenceReport:
    """Bring ``directory/sentences/`` up to date with the groups the corpus keeps: those of
    ``corpus_groups`` whose verdict in ``document_groups`` is kept (the corpus store, on
    ``con``). The groups not aligned yet are read, aligned and stored ``ALIGN_CHUNK`` at a
    time; ``load`` gives ``url -> (title, body)``."""
    from newscrawl_data.corpus import group_of

    report = SentenceReport()
    target = directory / SENTENCES_DIR
    target.mkdir(parents=True, exist_ok=True)
    con.execute(_SCHEMA)
    aligner = _Aligner(con)
    for kind in kinds:
        # the kept groups, by group key (of two kept with one key, the last in sort order)
        con.execute(
            "CREATE OR REPLACE TABLE sentence_current AS SELECT c.group_key AS key,"
            " arg_max(g.id, c.key) AS document, max(c.key) AS decision"
            " FROM corpus_groups c JOIN document_groups g ON g.key = c.key"
            " WHERE c.kind = $kind AND g.kind = $kind AND g.verdict = 'kept'"
            " GROUP BY c.group_key",
            {"kind": kind},
        )
        groups = scalar(con, "SELECT count(*) FROM sentence_current", {})
        gone = "kind = $kind AND key NOT IN (SELECT key FROM sentence_current)"
        report.dropped[kind] = scalar(
            con, f"SELECT count(*) FROM aligned_groups WHERE {gone}", {"kind": kind}
        )
        path = target / f"{kind}.jsonl"
        written = con.execute(
            "SELECT bytes, last FROM sentence_files WHERE kind = ?", [kind]
        ).fetchone()
        dropped = {
            str(document)
            for (document,) in con.execute(
                f"SELECT document FROM aligned_groups WHERE {gone}", {"kind": kind}
            ).fetchall()
        }  # the documents whose rows go out of the file (as many as groups gone)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"DELETE FROM sentence_rows WHERE {gone}", {"kind": kind})
            con.execute(f"DELETE FROM aligned_groups WHERE {gone}", {"kind": kind})
            # until the file is written again, the store does not vouch for it
            con.execute("DELETE FROM sentence_files WHERE kind = ?", [kind])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute(
            "CREATE OR REPLACE TABLE sentence_new AS SELECT key, document FROM sentence_current"
            " WHERE key NOT IN (SELECT key FROM aligned_groups WHERE kind = $kind)",
            {"kind": kind},
        )
        first = con.execute("SELECT min(document) FROM sentence_new").fetchone()
        # the new rows go at the end of the file when none went and all sort after its last
        appendable = (
            written is not None
            and path.exists()
            and written[0] == path.stat().st_size
            and not report.dropped[kind]
            and (written[1] is None or first is None or first[0] is None or first[0] > written[1])
        )
        new = Chunks(con, "sentence_chunks", "SELECT key FROM sentence_new", "key")
        for chunk in new.read(ALIGN_CHUNK):
            keys = [str(key) for (key,) in chunk]
            found = {
                str(key): (document, links, found_by, members)
                for key, document, links, found_by, members in con.execute(
                    "SELECT s.key, s.document, c.links, c.found_by, c.members"
                    " FROM sentence_current s JOIN corpus_groups c ON c.key = s.decision"
                    " WHERE c.kind = ? AND s.key IN (SELECT unnest(?::VARCHAR[]))",
                    [kind, keys],
                ).fetchall()
            }
            urls = sorted({str(m["url"]) for *_, members in found.values() for m in members})
            texts = load(urls)
            todo = []
            for key in keys:
                document, links, found_by, members = found[key]
                todo.append((key, group_of(links, found_by, members, texts), str(document)))
            aligner.prefetch([group for _, group, _ in todo])
            _store(con, _new_rows(todo, aligner))
            aligner.forget()
        con.execute("DROP TABLE sentence_current")
        report.aligned_now[kind] = new.total
        report.kept_from_before[kind] = groups - new.total
        report.groups[kind] = groups
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
        trusted = written is not None and path.exists() and written[0] == path.stat().st_size
        changed = [*dropped, *([str(first[0])] if first and first[0] is not None else [])]
        cut = min(changed, default="")  # the documents sorting before it are unchanged
        if appendable or not trusted or not _merge_rows(con, kind, path, dropped, cut):
            _write_rows(con, kind, path, append=appendable)
        con.execute("DROP TABLE sentence_new")
        (last,) = con.execute(
            "SELECT max(document) FROM aligned_groups WHERE kind = ? AND rows > 0", [kind]
        ).fetchone() or (None,)
        con.execute(
            "INSERT INTO sentence_files VALUES (?, ?, ?)", [kind, path.stat().st_size, last]
        )
        report.files[kind] = f"{SENTENCES_DIR}/{path.name}"
    return report


def _new_rows(
    groups: Sequence[tuple[str, Group, str]], aligner: _Aligner
) -> Iterator[tuple[str, str, str, list[dict[str, Any]]]]:
    for key, group, document in groups:
        yield key, group.kind, document, aligner.rows(group, document)


def _store(
    con: duckdb.DuckDBPyConnection, new: Iterator[tuple[str, str, str, list[dict[str, Any]]]]
) -> None:
    """Insert the rows of one chunk of groups (one transaction, two statements)."""
    groups: list[list[Any]] = [[], [], [], [], []]
    rows: list[list[Any]] = [[], [], [], [], [], []]
    for key, kind, document, found in new:
        lines = [json.dumps(r, ensure_ascii=False) for r in found]
        size = sum(len(line.encode("utf-8")) + 1 for line in lines)
        for column, value in zip(groups, (key, kind, document, len(found), size), strict=True):
            column.append(value)
        for n, (r, line) in enumerate(zip(found, lines, strict=True)):
            values = (key, kind, n, r["alignment"], r["score"], line)
            for column, value in zip(rows, values, strict=True):
                column.append(value)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO aligned_groups (key, kind, document, rows, bytes) SELECT * FROM"
            " (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
            " unnest(?::INTEGER[]), unnest(?::BIGINT[]))",
            groups,
        )
        con.execute(
            "INSERT INTO sentence_rows SELECT * FROM (SELECT unnest(?::VARCHAR[]),"
            " unnest(?::VARCHAR[]), unnest(?::INTEGER[]), unnest(?::VARCHAR[]),"
            " unnest(?::DOUBLE[]), unnest(?::VARCHAR[]))",
            rows,
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
