"""The corpus over a schedule of runs (a sequence of exports over one output folder, as a
scheduled crawler makes them): built export by export, with revisions, new links that turn
pairs into triples, a run file that grew and one that went, it holds what a rebuild from
nothing holds, and each export grouped and rewrote only part of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newscrawl_data import chunks, corpus, sentence_corpus
from newscrawl_data.corpus import CorpusReport, build_corpus
from newscrawl_data.dataset import export_dataset
from tests.bench.history import add_run, generate
from tests.dataset.conftest import copy_output

OPTIONS: dict[str, Any] = {"per_day": 60, "runs_per_day": 24}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.jsonl"))}


def _export(output: Path, **options: Any) -> CorpusReport:
    export_dataset(output, **options)
    return build_corpus(output, **options)


def test_a_corpus_built_export_by_export_equals_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    merges: list[tuple[int, bool]] = []  # (the byte the rewrite started at, done)
    real_merge = chunks.merge_into

    def merge(target: Path, *args: Any) -> bool:
        done = bool(real_merge(target, *args))
        merges.append((int(args[-1]) if len(args) == 5 else 0, done))
        return done

    monkeypatch.setattr(corpus, "merge_into", merge)
    monkeypatch.setattr(sentence_corpus, "merge_into", merge)
    output = tmp_path / "output"
    generate(output, 0.5, **OPTIONS)
    first = _export(output)
    assert first.grouped.whole and sum(k.kept for k in first.kinds.values()) > 0
    reports = []
    for _ in range(4):
        add_run(output, **OPTIONS)
        reports.append(_export(output))
    # with the next run, a run file of the middle of the history grows by a revision (a
    # recovered run) and another goes (deleted by hand): rows change far apart in each file
    run_files = sorted(output.glob("[aer][zun]/*.jsonl"))
    add_run(output, **OPTIONS)
    grown, gone = run_files[len(run_files) // 2], run_files[-5]
    line = json.loads(grown.read_text(encoding="utf-8").splitlines()[0])
    with grown.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(dict(line, content_hash="grown", body=line["body"] + " Son.")))
        stream.write("\n")
    gone.unlink()
    reports.append(_export(output))
    for report in reports:
        assert not report.grouped.whole
        assert 0 < report.grouped.regrouped < first.grouped.regrouped
    # files rewritten from their first changed row on, never found not to match the store
    assert merges and all(done for _, done in merges)
    assert any(start > 0 for start, _ in merges)
    full = copy_output(output, tmp_path / "full")
    rebuilt = _export(full, full=True)
    assert _files(output / "corpus") == _files(full / "corpus")
    assert _files(output / "corpus" / "sentences") == _files(full / "corpus" / "sentences")
    last = reports[-1]
    assert {k: vars(v) for k, v in last.kinds.items()} == {
        k: vars(v) for k, v in rebuilt.kinds.items()
    }
    assert last.grouped.missing_side == rebuilt.grouped.missing_side
    assert last.grouped.ambiguous_groups == rebuilt.grouped.ambiguous_groups
    assert last.sentences.rows == rebuilt.sentences.rows
