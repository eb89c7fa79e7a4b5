"""The aligned corpus: pairs and triples from two real runs, the filters, and the Hugging Face
``datasets`` loader reading the rows as they are."""

from __future__ import annotations

import json
import os
import weakref
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from newscrawl_data import corpus, grouping, sentence_corpus
from newscrawl_data.corpus import (
    FILTERS,
    Alignment,
    Document,
    Group,
    build_corpus,
    matches_script,
    write_corpus,
)
from newscrawl_data.dataset import export_dataset, run_id_of
from tests.crawl import read_jsonl
from tests.dataset.conftest import TwoRuns, copy_output

SEED_EN = "zelenskyy-and-macron-discuss-defense-cooperation-and-support-for-ukraine"


def test_the_seed_story_is_a_confirmed_triple(two_runs: TwoRuns) -> None:
    rows = read_jsonl(two_runs.output / "corpus/az-en-ru.jsonl")
    seed = [r for r in rows if r["url"]["en"].endswith(SEED_EN)]
    assert len(seed) == 1
    triple = seed[0]
    assert triple["languages"] == ["az", "en", "ru"]
    assert triple["links"] == {"az-en": "confirmed", "az-ru": "confirmed", "en-ru": "confirmed"}
    assert sorted(triple["found_by"]) == sorted(
        ["az->en", "en->az", "az->ru", "ru->az", "en->ru", "ru->en"]
    )
    assert triple["url"]["az"].endswith(
        "/diger-olkeler/makronla-zelenski-mudafie-sahesinde-emekdasliq-ve-ukraynaya-desteyi-muzakire-edib"
    )
    assert triple["title"]["ru"].startswith("Зеленский и Макрон")
    assert all(triple["translation"][lang] for lang in ("az", "en", "ru"))
    assert triple["published_at"]["en"] == "2025-10-23T20:02:00+04:00"


def test_pairs_match_the_translation_links_and_filters_are_counted(two_runs: TwoRuns) -> None:
    report = json.loads((two_runs.output / "corpus/report.json").read_text())
    with duckdb.connect(str(two_runs.output / "newscrawl.duckdb"), read_only=True) as con:
        linked = dict(
            con.execute(
                "SELECT pair, count(*) FROM translations WHERE both_crawled GROUP BY pair"
            ).fetchall()
        )
    for name, figures in report["kinds"].items():
        assert set(figures["dropped"]) == set(FILTERS)
        assert figures["candidates"] == figures["kept"] + sum(figures["dropped"].values())
        assert figures["candidates"] == figures["confirmed"] + figures["one_way"]
        rows = read_jsonl(two_runs.output / "corpus" / f"{name}.jsonl")
        assert len(rows) == figures["kept"] > 0
        if name != "az-en-ru":
            assert figures["candidates"] == linked[name]
            assert all(list(r["translation"]) == name.split("-") for r in rows)
    assert "empty_side" in two_runs.export_log and "near_duplicate" in two_runs.export_log


def _doc(lang: str, n: int, body: str, title: str = "T") -> Document:
    return Document(f"http://x/{lang}/{n}", lang, n, "2025-10-23T20:02:00+04:00", title, body)


AZ = "Azərbaycan Respublikasının Prezidenti İlham Əliyev bu gün Bakıda xarici qonaqları qəbul edib və iqtisadi əməkdaşlığın genişləndirilməsi məsələlərini müzakirə edib."
EN = "President of the Republic of Azerbaijan Ilham Aliyev today received foreign guests in Baku and discussed expanding economic cooperation."


def test_each_filter_drops_and_counts(tmp_path: Path) -> None:
    good = Group({"az": _doc("az", 1, AZ), "en": _doc("en", 2, EN)}, {"az-en": "confirmed"})
    pairs = [
        good,
        Group({"az": _doc("az", 3, ""), "en": _doc("en", 4, EN)}, {"az-en": "one_way"}),
        Group({"az": _doc("az", 5, EN), "en": _doc("en", 6, EN)}, {"az-en": "confirmed"}),
        Group({"az": _doc("az", 7, AZ * 4), "en": _doc("en", 8, EN)}, {"az-en": "confirmed"}),
        Group({"az": _doc("az", 9, AZ), "en": _doc("en", 10, EN)}, {"az-en": "confirmed"}),
        Group(
            {"az": _doc("az", 11, AZ + " Sonra"), "en": _doc("en", 12, EN + " Then")},
            {"az-en": "confirmed"},
        ),
    ]
    report = write_corpus(Alignment(pairs, [], {"az-en": 2}, 0), tmp_path)
    figures = report.kinds["az-en"]
    assert figures.dropped == {
        "empty_side": 1,
        "wrong_script": 1,
        "length_ratio": 1,
        "exact_duplicate": 1,
        "near_duplicate": 1,
    }
    assert (figures.candidates, figures.kept, figures.one_way) == (6, 1, 1)
    rows = read_jsonl(tmp_path / "az-en.jsonl")
    assert [r["article_id"] for r in rows] == [{"az": 1, "en": 2}]
    assert "linked but the other side not crawled: az-en 2" in report.format()


def test_script_checks() -> None:
    assert matches_script(AZ, "az") and not matches_script(AZ, "en")
    assert matches_script(EN, "en") and not matches_script(EN, "az")
    assert matches_script(
        "Президент Азербайджана Ильхам Алиев принял гостей, сообщает Report.", "ru"
    )
    assert not matches_script(EN, "ru") and not matches_script("", "en")


def test_hugging_face_datasets_loads_the_rows(
    two_runs: TwoRuns, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    from datasets import load_dataset

    corpus = two_runs.output / "corpus"
    for name in ("az-en", "az-ru", "en-ru"):  # one call each: their features differ
        split = load_dataset(
            "json",
            data_files=str(corpus / f"{name}.jsonl"),
            split="train",
            cache_dir=str(tmp_path / "cache"),
        )
        assert split.num_rows == len(read_jsonl(corpus / f"{name}.jsonl"))
        assert sorted(split.features["translation"]) == name.split("-")
        assert all(text for text in split[0]["translation"].values())
    triples = load_dataset(
        "json",
        data_files=str(corpus / "az-en-ru.jsonl"),
        split="train",
        cache_dir=str(tmp_path / "cache"),
    )
    assert sorted(triples.features["translation"]) == ["az", "en", "ru"]
    assert any(
        url.endswith(SEED_EN) for url in triples["url"] and [u["en"] for u in triples["url"]]
    )
    for name in ("az-en", "az-en-ru"):  # the sentence rows load the same way
        path = corpus / "sentences" / f"{name}.jsonl"
        split = load_dataset(
            "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache")
        )
        assert split.num_rows == len(read_jsonl(path)) > 0
        assert sorted(split.features["translation"]) == name.split("-")
        assert all(split["derived"]) and split[0]["sentence"][name[:2]] == [0]
    assert os.environ["HF_DATASETS_OFFLINE"] == "1"


def test_sentence_pairs_are_derived_from_the_document_rows(two_runs: TwoRuns) -> None:
    corpus = two_runs.output / "corpus"
    report = json.loads((corpus / "report.json").read_text())
    sentences = report["sentences"]
    assert "sentences" in two_runs.export_log and "aligned now" in two_runs.export_log
    for name in ("az-en", "az-ru", "en-ru", "az-en-ru"):
        documents = {r["id"]: r for r in read_jsonl(corpus / f"{name}.jsonl")}
        assert all(r["derived"] is False for r in documents.values())
        rows = read_jsonl(corpus / "sentences" / f"{name}.jsonl")
        assert len(rows) == sentences["rows"][name] > 0
        assert sentences["groups"][name] == report["kinds"][name]["kept"]
        assert sum(sentences["alignments"][name].values()) == len(rows)
        languages = name.split("-")
        for row in rows:
            assert row["derived"] is True and row["languages"] == languages
            document = documents[row["document"]]  # every pair comes from a kept document row
            assert row["url"] == document["url"]
            assert row["alignment"] == "-".join(
                str(len(row["sentence"][lang])) for lang in languages
            )
            assert 0 <= row["score"] <= 1
            for lang in languages:
                assert (
                    row["translation"][lang]
                    and row["translation"][lang] in document["translation"][lang]
                )
                assert row["paragraph"][lang] and row["sentence"][lang]
        if name == "az-en-ru":
            assert {r["alignment"] for r in rows} <= {
                "1-1-1",
                "1-1-2",
                "1-2-1",
                "2-1-1",
                "1-2-2",
                "2-1-2",
                "2-2-1",
                "2-2-2",
            }
    seed = [
        r
        for r in read_jsonl(corpus / "sentences" / "az-en-ru.jsonl")
        if r["url"]["en"].endswith(SEED_EN)
    ]
    assert seed[0]["translation"]["ru"].startswith("Президент Украины Владимир Зеленский")
    assert seed[0]["sentence"] == {"az": [0], "en": [0], "ru": [0]}
    figures = report["alignment_evaluation"]
    assert figures["gold"]["anchors"]["all"]["f1_strict"] > 0.9
    assert figures["published"]["anchors"]["parice"]["recall_strict"] > 0


def _sentence_files(output: Path) -> dict[str, str]:
    folder = output / "corpus" / "sentences"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.jsonl"))}


def _document_files(output: Path) -> dict[str, str]:
    folder = output / "corpus"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.jsonl"))}


def _kinds(output: Path) -> dict[str, object]:
    kinds: dict[str, object] = json.loads((output / "corpus" / "report.json").read_text())["kinds"]
    return kinds


def test_only_new_story_groups_are_aligned(
    two_runs: TwoRuns, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run's output aligned; again with nothing new: no text read, nothing aligned;
    the second run arrives: only its new and revised groups are read, filtered and aligned,
    and the document and sentence files are those of a full rebuild."""
    loaded: list[str] = []
    real_loader = corpus.text_loader

    def counting_loader(con: duckdb.DuckDBPyConnection) -> corpus.TextLoader:
        load = real_loader(con)

        def wrapped(urls: list[str]) -> dict[str, tuple[str, str]]:
            loaded.extend(urls)
            return load(urls)

        return wrapped

    monkeypatch.setattr(corpus, "text_loader", counting_loader)
    merged: list[tuple[str, bool, int]] = []  # files merged into: name, done, bytes kept
    if hasattr(corpus, "merge_into"):
        real_merge = corpus.merge_into

        def counting_merge(target: Path, *args: Any) -> bool:
            done = bool(real_merge(target, *args))
            merged.append((target.name, done, args[-1] if len(args) == 5 else 0))
            return done

        monkeypatch.setattr(corpus, "merge_into", counting_merge)
        monkeypatch.setattr(sentence_corpus, "merge_into", counting_merge)
    second_run = run_id_of(two_runs.second.files["en"][0])
    output = copy_output(
        two_runs.output, tmp_path / "inc", keep=lambda p: run_id_of(p) != second_run
    )
    export_dataset(output)
    first_report = build_corpus(output)
    first = first_report.sentences
    assert first.aligned_now == first.groups and sum(first.kept_from_before.values()) == 0
    assert first_report.grouped.whole and first_report.grouped.regrouped > 0
    linked_first = len(set(loaded))
    before, documents_before = _sentence_files(output), _document_files(output)
    loaded.clear()
    again_report = build_corpus(output)
    again = again_report.sentences
    assert loaded == []  # nothing new: no title or body read
    assert not again_report.grouped.whole and again_report.grouped.regrouped == 0
    assert sum(again.aligned_now.values()) == 0 and again.kept_from_before == first.groups
    assert _sentence_files(output) == before and _document_files(output) == documents_before
    copy_output(two_runs.output, output)  # the second run arrives
    export_dataset(output)
    step_report = build_corpus(output)
    step = step_report.sentences
    assert 0 < len(set(loaded)) < linked_first  # only the new and revised groups' texts
    assert not step_report.grouped.whole and step_report.grouped.regrouped > 0
    assert merged and all(ok for _, ok, _ in merged)  # rows gone: one pass over the old files
    assert any(kept > 0 for *_, kept in merged)  # the unchanged rows before stay in place
    assert 0 < sum(step.aligned_now.values()) < sum(step.groups.values())
    assert sum(step.kept_from_before.values()) > 0
    for kind, groups in step.groups.items():
        assert step.aligned_now[kind] + step.kept_from_before[kind] == groups
    documents_step, kinds_step = _document_files(output), _kinds(output)
    full = build_corpus(output, full=True).sentences
    assert full.aligned_now == full.groups == step.groups and full.rows == step.rows
    assert _sentence_files(output) == _sentence_files(two_runs.output)
    assert documents_step == _document_files(output) == _document_files(two_runs.output)
    assert kinds_step == _kinds(output) == _kinds(two_runs.output)


def test_a_store_of_the_previous_version_is_used_as_it_is(
    two_runs: TwoRuns, tmp_path: Path
) -> None:
    """A corpus store made before the rows' lengths were kept (no ``bytes`` columns) and
    before the grouping was kept (no fingerprints): the next export fills the lengths, groups
    everything once, and writes the files a full rebuild writes."""
    second_run = run_id_of(two_runs.second.files["en"][0])
    output = copy_output(
        two_runs.output, tmp_path / "old", keep=lambda p: run_id_of(p) != second_run
    )
    export_dataset(output)
    build_corpus(output)
    con = duckdb.connect(str(output / "corpus" / sentence_corpus.STORE_NAME))
    con.execute("ALTER TABLE document_groups DROP COLUMN bytes")
    con.execute("ALTER TABLE aligned_groups DROP COLUMN bytes")
    grouping.forget(con)
    con.close()
    copy_output(two_runs.output, output)  # the second run arrives
    export_dataset(output)
    build_corpus(output)
    con = duckdb.connect(str(output / "corpus" / sentence_corpus.STORE_NAME))
    lengths = con.execute(
        "SELECT count(*) FILTER (WHERE bytes IS NULL),"
        " count(*) FILTER (WHERE verdict = 'kept' AND bytes <> strlen(line) + 1)"
        " FROM document_groups"
    ).fetchone()
    con.close()
    assert lengths == (0, 0)
    assert _document_files(output) == _document_files(two_runs.output)
    assert _sentence_files(output) == _sentence_files(two_runs.output)


def _pair(n: int, az: str, en: str, day: int = 1, version: str = "1") -> Group:
    date = f"2025-10-{day:02d}T10:00:00+04:00"
    documents = {
        "az": replace(_doc("az", n, az), published_at=date, content_hash=f"az{n}-{version}"),
        "en": replace(_doc("en", n + 1, en), published_at=date, content_hash=f"en{n}-{version}"),
    }
    return Group(documents, {"az-en": "confirmed"}, ["az->en", "en->az"])


def _export(groups: list[Group], directory: Path) -> tuple[dict[str, Any], list[object]]:
    report = write_corpus(Alignment(groups, [], {}, 0), directory)
    rows = [r["article_id"] for r in read_jsonl(directory / "az-en.jsonl")]
    return vars(report.kinds["az-en"]), rows


def test_new_groups_are_checked_against_the_stored_kept_groups(tmp_path: Path) -> None:
    """Export by export, a new duplicate is found from the stored exact hashes and band keys
    (the texts of the kept groups are not given again), a revised group is decided again, a
    group gone leaves the file; each export equals a rebuild from nothing."""
    good = _pair(1, AZ, EN, day=1)
    other = _pair(
        3,
        "Bakıda yeni məktəb binası istifadəyə verilib və orada min şagird təhsil alacaq.",
        "A new school building opened in Baku where a thousand pupils will study.",
        day=2,
    )
    near = _pair(5, AZ + " Sonra", EN + " Then", day=3)
    exact = _pair(7, AZ, EN, day=4)
    revised = _pair(3, "", "A new school building opened in Baku.", day=2, version="2")
    light = [
        Group(
            {k: replace(d, title="", body="") for k, d in g.documents.items()}, g.links, g.found_by
        )
        for g in (good, other)
    ]
    steps = [
        [good, other],
        [*light, near, exact],  # the kept groups come without their texts: not read again
        [light[0], revised, near, exact],  # revised: now an empty side, dropped
        [near, exact],  # the first group is gone: the near duplicate is kept now
    ]
    expected_rows = [
        [{"az": 1, "en": 2}, {"az": 3, "en": 4}],
        [{"az": 1, "en": 2}, {"az": 3, "en": 4}],
        [{"az": 1, "en": 2}],
        [{"az": 5, "en": 6}],
    ]
    tallies = []
    for n, (groups, rows) in enumerate(zip(steps, expected_rows, strict=True)):
        step = _export(groups, tmp_path / "inc")
        with_texts = [good if g is light[0] else other if g is light[1] else g for g in groups]
        assert step == _export(with_texts, tmp_path / f"full-{n}")
        assert step[1] == rows
        tallies.append(step[0])
    assert tallies[1]["dropped"] == {
        **dict.fromkeys(FILTERS, 0),
        "exact_duplicate": 1,
        "near_duplicate": 1,
    }
    assert tallies[2]["dropped"]["empty_side"] == 1 and tallies[2]["candidates"] == 4
    assert tallies[3]["dropped"] == {**dict.fromkeys(FILTERS, 0), "near_duplicate": 1}
    assert (tallies[3]["candidates"], tallies[3]["kept"], tallies[3]["confirmed"]) == (2, 1, 2)


def test_an_older_duplicate_arriving_later_does_not_replace_a_kept_group(tmp_path: Path) -> None:
    """The documented difference between the paths: first seen is kept in the order
    (published_at, url), but a group kept by an earlier export stays kept; an older group
    found later that duplicates it is dropped (a ``--full`` rebuild keeps the older one)."""
    newer = _pair(1, AZ, EN, day=5)
    older = _pair(3, AZ, EN, day=1)
    _export([newer], tmp_path / "inc")
    kinds, rows = _export([newer, older], tmp_path / "inc")
    assert rows == [{"az": 1, "en": 2}] and kinds["dropped"]["exact_duplicate"] == 1
    _, rows = _export([newer, older], tmp_path / "full")
    assert rows == [{"az": 3, "en": 4}]


def test_the_corpus_holds_one_chunk_of_groups_at_a_time(
    two_runs: TwoRuns, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory does not grow with history: with chunks of 4 groups, the grouping (in SQL) and
    both steps never hold more than two chunks of ``Group`` objects at once (one per pair and
    triple of the whole history before #21), texts are loaded a chunk at a time, the files
    are written by merging sorted runs, and the files are those of the unchunked export."""
    import importlib

    chunk = 4
    monkeypatch.setattr(corpus, "DECIDE_CHUNK", chunk)
    monkeypatch.setattr(sentence_corpus, "ALIGN_CHUNK", chunk, raising=False)
    alive, most = [0], [0]
    real_init = Group.__init__

    def gone() -> None:
        alive[0] -= 1

    def counting_init(self: Group, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        alive[0] += 1
        most[0] = max(most[0], alive[0])
        weakref.finalize(self, gone)

    monkeypatch.setattr(Group, "__init__", counting_init)
    loads: list[int] = []
    real_loader = corpus.text_loader

    def counting_loader(con: duckdb.DuckDBPyConnection) -> corpus.TextLoader:
        load = real_loader(con)

        def wrapped(urls: list[str]) -> dict[str, tuple[str, str]]:
            loads.append(len(urls))
            return load(urls)

        return wrapped

    monkeypatch.setattr(corpus, "text_loader", counting_loader)
    spilled: list[Path] = []
    try:
        chunks = importlib.import_module("newscrawl_data.chunks")
    except ModuleNotFoundError:
        chunks = None
    if chunks is not None:
        monkeypatch.setattr(chunks, "RUN_CHARS", 20_000)
        monkeypatch.setattr(chunks.Chunks, "largest", 0)
        real_spill = chunks._spill

        def counting_spill(run: list[tuple[str, str]], path: Path) -> Path:
            spilled.append(path)
            return Path(real_spill(run, path))

        monkeypatch.setattr(chunks, "_spill", counting_spill)
    output = copy_output(two_runs.output, tmp_path / "chunked")
    export_dataset(output)
    report = build_corpus(output)
    groups = sum(kind.candidates for kind in report.kinds.values())
    assert groups >= 10 * chunk  # the history is many chunks long
    assert most[0] <= 2 * chunk, f"{most[0]} groups held at once of {groups}"
    assert loads and max(loads) <= 3 * chunk
    assert chunks is not None and chunks.Chunks.largest == chunk
    assert len(spilled) > 2  # the files were merged from several sorted runs
    assert _document_files(output) == _document_files(two_runs.output)
    assert _sentence_files(output) == _sentence_files(two_runs.output)
    assert _kinds(output) == _kinds(two_runs.output)


def test_connected_groups_of_any_length_get_one_label() -> None:
    """The label propagation of the grouping is exact for groups longer than three links
    (a chain of six articles, two of each edition: one ambiguous group, not two triples)."""
    con = duckdb.connect()
    edges = [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (7, 8), (9, 8)]
    con.execute("CREATE TABLE corpus_links (u BIGINT, v BIGINT)")
    con.executemany(
        "INSERT INTO corpus_links VALUES (?, ?), (?, ?)", [[a, b, b, a] for a, b in edges]
    )
    con.execute(
        "CREATE TABLE corpus_labels AS SELECT DISTINCT u AS id, u AS label FROM corpus_links"
    )
    grouping.label_groups(con)
    labels = dict(con.execute("SELECT id, label FROM corpus_labels").fetchall())
    assert labels == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 7, 8: 7, 9: 7}
