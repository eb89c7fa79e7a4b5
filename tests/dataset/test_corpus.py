"""The aligned corpus: pairs and triples from two real runs, the filters, and the Hugging Face
``datasets`` loader reading the rows as they are."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

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


def test_only_new_story_groups_are_aligned(two_runs: TwoRuns, tmp_path: Path) -> None:
    """The first run's output aligned; again with nothing new: nothing aligned; the second run
    arrives: only its new and revised groups are aligned, and the files are those of a full
    rebuild."""
    second_run = run_id_of(two_runs.second.files["en"][0])
    output = copy_output(
        two_runs.output, tmp_path / "inc", keep=lambda p: run_id_of(p) != second_run
    )
    export_dataset(output)
    first = build_corpus(output).sentences
    assert first.aligned_now == first.groups and sum(first.kept_from_before.values()) == 0
    before = _sentence_files(output)
    again = build_corpus(output).sentences
    assert sum(again.aligned_now.values()) == 0 and again.kept_from_before == first.groups
    assert _sentence_files(output) == before
    copy_output(two_runs.output, output)  # the second run arrives
    export_dataset(output)
    step = build_corpus(output).sentences
    assert 0 < sum(step.aligned_now.values()) < sum(step.groups.values())
    assert sum(step.kept_from_before.values()) > 0
    for kind, groups in step.groups.items():
        assert step.aligned_now[kind] + step.kept_from_before[kind] == groups
    full = build_corpus(output, full=True).sentences
    assert full.aligned_now == full.groups == step.groups and full.rows == step.rows
    assert _sentence_files(output) == _sentence_files(two_runs.output)
