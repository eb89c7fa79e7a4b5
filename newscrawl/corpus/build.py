"""Writing ``output/corpus/``: one JSON Lines file per pair of editions and one of triples,
filtered, plus ``report.json`` counting what each filter removed.

Each row holds the documents' URLs, ids, dates and titles as ``{language: value}`` objects and
their bodies in ``translation`` (``{"az": ..., "en": ...}``, what Hugging Face ``datasets``
translation tasks expect); ``links`` and ``found_by`` say how the group was found.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from newscrawl.corpus.align import Alignment, Group, align
from newscrawl.corpus.duplicates import DuplicateFilter
from newscrawl.corpus.filters import FILTERS, SINGLE_FILTERS, length_ratio
from newscrawl.dataset.export import database_path

CORPUS_DIR = "corpus"
PAIRS = ("az-en", "az-ru", "en-ru")
TRIPLE = "az-en-ru"


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "kinds": {name: vars(kind) for name, kind in self.kinds.items()},
            "missing_side": self.missing_side,
            "ambiguous_groups": self.ambiguous_groups,
            "filters": list(FILTERS),
            "files": self.files,
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
    for name, groups in by_kind.items():
        kinds[name] = KindReport()
        kept = _filter(groups, kinds[name])
        path = directory / f"{name}.jsonl"
        _write_jsonl(path, [row(g) for g in kept])
        files[name] = path.name
    report = CorpusReport(
        directory=directory,
        kinds=kinds,
        missing_side=alignment.missing_side,
        ambiguous_groups=alignment.ambiguous_groups,
        files=files,
    )
    (directory / "report.json").write_text(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return report


def build_corpus(output_dir: Path) -> CorpusReport:
    """The corpus of the dataset in ``output_dir`` (run the dataset export first)."""
    database = database_path(output_dir)
    if not database.exists():
        raise FileNotFoundError(f"{database}: no dataset yet (run scrapy export first)")
    con = duckdb.connect(str(database), read_only=True)
    try:
        alignment = align(con)
    finally:
        con.close()
    return write_corpus(alignment, output_dir / CORPUS_DIR)
