"""The sentence aligner: anchors, the Gale-Church dynamic programming checked against the
``galechurch`` package, paragraphs first, tri-parallel agreement, and precision/recall on the
hand-aligned gold set of replica triples (``tests/fixtures/align/``)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import galechurch
import pytest

from newscrawl_data import align
from newscrawl_data.align import (
    EMPTY,
    Counts,
    SentencePair,
    Unit,
    align_documents,
    align_units,
    anchors,
    compare,
    evaluate_gold,
    evaluate_published,
    parse_pharaoh,
    skeleton,
    tri_parallel,
)

GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "align" / "gold.jsonl"


def test_anchors_numbers_months_and_names_across_scripts() -> None:
    az = anchors("Prezident İlham Əliyev 5 mart 2025-ci ildə 2,5 faiz və 1.000 manat dedi.", "az")
    en = anchors("President Ilham Aliyev said 2.5% and 1,000 manats on March 5, 2025.", "en")
    ru = anchors("Президент Ильхам Алиев 5 марта 2025 года сказал о 2,5% и 1 000 манатов.", "ru")
    assert az.numbers == en.numbers == ru.numbers  # 5, 2025, 25, 1000
    assert az.months == en.months == ru.months == {3: 1}
    assert skeleton("Əliyev", "az") == skeleton("Aliyev", "en") == skeleton("Алиев", "ru")
    assert skeleton("Cəbrayıl", "az") == skeleton("Jabrayil", "en") == skeleton("Джебраил", "ru")
    assert skeleton("Xankəndi", "az") == skeleton("Khankendi", "en") == skeleton("Ханкенди", "ru")
    hits, missed, _ = compare(az, ru)
    assert hits >= 7 and missed == 0  # 4 numbers, a month, Ilham and Aliyev
    assert compare(anchors("Qiymət 7 faiz artıb.", "az"), anchors("Prices rose 8%.", "en"))[1] == 2


def test_lengths_alone_are_the_galechurch_package() -> None:
    """Without anchors the dynamic programming is Gale & Church's, as the package computes it:
    the same total cost on every input and the same beads (but for exact ties)."""
    rng = random.Random(1)
    same = 0
    for _ in range(200):
        a = ["x" * rng.randint(1, 200) for _ in range(rng.randint(0, 10))]
        b = ["y" * rng.randint(1, 200) for _ in range(rng.randint(0, 10))]
        reference = galechurch.align(a, b)
        ours = align_units(
            [Unit(len(s), EMPTY) for s in a], [Unit(len(s), EMPTY) for s in b], use_anchors=False
        )
        assert sum(bead.cost for bead in ours) == pytest.approx(reference.score, abs=1e-6)
        same += [(x.a0, x.a1, x.b0, x.b1) for x in ours] == [
            (x.source_start, x.source_end, x.target_start, x.target_end) for x in reference.beads
        ]
    assert same >= 198


def test_number_anchors_repair_what_length_noise_breaks() -> None:
    rng = random.Random(7)
    words = [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "theta",
        "kappa",
        "lambda",
        "sigma",
    ]
    right = {True: 0, False: 0}
    for _ in range(100):
        a, b = [], []
        for _ in range(rng.randint(3, 8)):
            number, length = rng.randint(10, 9999), rng.randint(4, 25)
            a.append(" ".join(rng.choice(words) for _ in range(length)) + f" {number}.")
            length = max(2, int(length * rng.uniform(0.5, 2.0)))
            b.append(" ".join(rng.choice(words) for _ in range(length)) + f" {number}.")
        truth = [((i,), (i,)) for i in range(len(a))]
        for use_anchors in right:
            found = align_documents([a], [b], "az", "en", use_anchors)
            right[use_anchors] += [(p.sentences_a, p.sentences_b) for p in found] == truth
    assert right[True] >= right[False] + 10


def test_paragraphs_first_then_sentences_with_document_indexes() -> None:
    """A paragraph one edition leaves out is skipped whole; indexes count over the document."""
    az = [
        ["Prezident İlham Əliyev Fransaya səfər edib.", "Səfər 3 gün davam edəcək."],
        ["Parisdə 12 sənəd imzalanıb."],
        ["Tərəflər Zelenski ilə də görüşüb və 2026-cı ildə yeni sammit keçirməyi razılaşıblar."],
    ]
    en = [
        ["President Ilham Aliyev has paid a visit to France.", "The visit will last 3 days."],
        ["The parties also met with Zelenskyy and agreed to hold a new summit in 2026."],
    ]
    pairs = align_documents(az, en, "az", "en")
    assert [(p.sentences_a, p.sentences_b, p.kind) for p in pairs] == [
        ((0,), (0,), "1-1"),
        ((1,), (1,), "1-1"),
        ((3,), (2,), "1-1"),
    ]
    assert [(p.paragraphs_a, p.paragraphs_b) for p in pairs][-1] == ((2,), (1,))
    assert pairs[1].text_b == "The visit will last 3 days."
    assert all(0 < p.score <= 1 for p in pairs)


def _pair(a: tuple[int, ...], b: tuple[int, ...]) -> SentencePair:
    return SentencePair("1-1", 1.0, (0,), (0,), a, b, "", "")


def test_tri_parallel_rows_are_where_the_three_alignments_agree() -> None:
    az_en = [_pair((0,), (0,)), _pair((1,), (1, 2)), _pair((2,), (3,))]
    az_ru = [_pair((0,), (0,)), _pair((1,), (1,)), _pair((2,), (2,))]
    en_ru = [_pair((0,), (0,)), _pair((1, 2), (1,)), _pair((3,), (3,))]
    rows = tri_parallel(az_en, az_ru, en_ru)
    assert [(ae.sentences_a, ae.sentences_b, ar.sentences_b) for ae, ar, _ in rows] == [
        ((0,), (0,), (0,)),
        ((1,), (1, 2), (1,)),
    ]  # az 2 - en 3 - ru 2, but en 3 goes with ru 3: no agreement


def test_strict_and_lax_counts() -> None:
    gold = parse_pharaoh(["[0]:[0]", "[1]:[1, 2]", "[]:[3]", "[2]:[4]"])
    test = parse_pharaoh(["[0]:[0]", "[1]:[1]", "[]:[2]", "[2]:[3, 4]"])
    counts = Counts()
    counts.add(test, gold)
    figures = counts.figures()
    assert (figures["test_beads"], figures["gold_beads"]) == (3, 3)  # null beads left out
    assert figures["precision_strict"] == figures["recall_strict"] == 0.3333
    assert figures["precision_lax"] == figures["recall_lax"] == 1.0


def test_gold_set_figures_are_the_published_ones() -> None:
    """The gold set holds at least 30 triples of replica text aligned by hand, and the figures
    published with the corpus are what the aligner scores on it now."""
    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    assert len(items) >= 30
    assert all(sorted(item["gold"]) == ["az-en", "az-ru", "en-ru"] for item in items)
    result = evaluate_gold(GOLD)
    assert result["all"]["gold_beads"] >= 600
    assert result["all"]["f1_strict"] >= 0.95
    published = align.published_figures()
    assert published["gold"]["anchors"]["all"] == result["all"]
    assert published["gold"]["anchors"]["pairs"] == result["pairs"]
    assert published["gold"]["gale_church"]["all"] == evaluate_gold(GOLD, False)["all"]
    for name in ("bleualign", "parice"):
        assert published["published"]["anchors"][name]["f1_strict"] > 0.6


def test_published_set_reader(tmp_path: Path) -> None:
    """The galechurch sdist's layout (``eval_data/parice/{eng,isl,gold}``, numbered lines)."""
    for folder, lines in {
        "eng": ["0\tThe minister arrived on 5 May.", "1\tHe met 12 officials."],
        "isl": ["0\tRáðherrann kom 5. maí.", "1\tHann hitti 12 embættismenn."],
        "gold": ["[0]:[0]", "[1]:[1]"],
    }.items():
        (tmp_path / "parice" / folder).mkdir(parents=True)
        (tmp_path / "parice" / folder / "n_1.txt").write_text("\n".join(lines) + "\n")
    result = evaluate_published(tmp_path)
    assert "bleualign" not in result
    assert result["parice"]["f1_strict"] == 1.0


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert align.main(["--evaluate", str(GOLD)]) == 0
    out = capsys.readouterr().out
    assert "az-en" in out and "en-ru" in out and "strict P" in out
    with pytest.raises(SystemExit):
        align.main([])
