"""The sentence splitter: az abbreviations, initials, decimal commas, numbers with dots,
datelines, quotes and ellipses; en and ru alike; and the 1,000 real az articles (read from
``shared/real`` at test time, never copied)."""

from __future__ import annotations

import csv
import re

import pytest

from newscrawl_data.sentences import join_sentences, split_body, split_paragraphs, split_sentences
from tests.site.realtext import DEFAULT_PATH as REAL  # ../shared/real, or $REAL_TEXT_CSV


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (  # an initial, a decimal comma, a number with a thousands dot, an acronym
            "az",
            "Prezident İ. Əliyev qəbul edib. Qiymət 2,5 faiz artıb və 1.000 manat olub. ABŞ səfiri gəlib.",
            [
                "Prezident İ. Əliyev qəbul edib.",
                "Qiymət 2,5 faiz artıb və 1.000 manat olub.",
                "ABŞ səfiri gəlib.",
            ],
        ),
        (  # abbreviated titles, months and dotted abbreviations do not end a sentence
            "az",
            "Görüşdə prof. Məmmədov və akad. Əlizadə çıxış edib. Abidə e.ə. V əsrə aiddir. Tədbir 5 fev. Bakıda olacaq.",
            [
                "Görüşdə prof. Məmmədov və akad. Əlizadə çıxış edib.",
                "Abidə e.ə. V əsrə aiddir.",
                "Tədbir 5 fev. Bakıda olacaq.",
            ],
        ),
        (  # "və s." ends an enumeration before a capital, not before a lower-case word
            "az",
            "Neft, qaz və s. Bu məhsullar ixrac olunur. Neft, qaz və s. məhsullar da.",
            ["Neft, qaz və s.", "Bu məhsullar ixrac olunur.", "Neft, qaz və s. məhsullar da."],
        ),
        (  # units are followed by a lower-case noun, so their period may end a sentence
            "az",
            "Məsafə 5 km. Yol təmir olunur. Dəyəri 3 mln. manatdır.",
            ["Məsafə 5 km.", "Yol təmir olunur.", "Dəyəri 3 mln. manatdır."],
        ),
        (  # a dateline (oldest layout) stays with the first sentence
            "az",
            "Bakı. 27 iyun. REPORT.AZ/ Prezident fərman imzalayıb. Fərman qüvvəyə minib.",
            ["Bakı. 27 iyun. REPORT.AZ/ Prezident fərman imzalayıb.", "Fərman qüvvəyə minib."],
        ),
        (  # quotes: the speaker stays with the quote; an ellipsis, ? and ! end sentences
            "az",
            "“Biz maraqlıyıq”, – deyə o bildirib. “Gəlin!” – Əliyev deyib. Sonra... Növbəti? Bəli!",
            [
                "“Biz maraqlıyıq”, – deyə o bildirib.",
                "“Gəlin!” – Əliyev deyib.",
                "Sonra...",
                "Növbəti?",
                "Bəli!",
            ],
        ),
        (
            "en",
            "Baku. 15 March. REPORT.AZ/ Mr. Smith met U.S. officials in St. Petersburg on Jan. 5. "
            'The talks went well, Report informs. "Yes!" He left, etc. Then it ended.',
            [
                "Baku. 15 March. REPORT.AZ/ Mr. Smith met U.S. officials in St. Petersburg on Jan. 5.",
                "The talks went well, Report informs.",
                '"Yes!"',
                "He left, etc.",
                "Then it ended.",
            ],
        ),
        (
            "ru",
            "Баку. 3 июля. REPORT.AZ/ И. Алиев принял гостей. Рост составил 2,5% и т.д. "
            "Товарооборот составил $538,6 млн. Активы выросли в т.ч. на 5%. «Это важно», – сказал он.",
            [
                "Баку. 3 июля. REPORT.AZ/ И. Алиев принял гостей.",
                "Рост составил 2,5% и т.д.",
                "Товарооборот составил $538,6 млн.",
                "Активы выросли в т.ч. на 5%.",
                "«Это важно», – сказал он.",
            ],
        ),
    ],
)
def test_splits(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected
    assert join_sentences(expected) == text


def test_paragraphs_at_blank_lines_with_white_space_collapsed() -> None:
    body = "Birinci  cümlə. İkinci\ncümlə.\n\n \n\nÜçüncü cümlə."
    assert split_paragraphs(body) == ["Birinci cümlə. İkinci cümlə.", "Üçüncü cümlə."]
    assert split_body(body, "az") == [["Birinci cümlə.", "İkinci cümlə."], ["Üçüncü cümlə."]]
    assert split_body("", "az") == [] and split_sentences("   ", "en") == []


_INITIAL = re.compile(r"(?<!\w)[A-ZƏİÖÜŞÇĞ]\. [A-ZƏİÖÜŞÇĞ]\w+")


@pytest.mark.skipif(not REAL.exists(), reason=f"{REAL} absent (the 1,000 real az articles)")
def test_real_articles() -> None:
    """Over the real articles: nothing lost, no split after an initial (``M. Qaluzin``), a
    decimal comma or ``və s.`` before a lower-case word; sentences of plausible length."""
    with REAL.open(encoding="utf-8", newline="") as stream:
        bodies = [row["content"] for row in csv.DictReader(stream)]
    assert len(bodies) == 1000
    paragraphs = sentences = initials = 0
    lengths: list[int] = []
    for body in bodies:
        for paragraph in split_paragraphs(body):
            paragraphs += 1
            split = split_sentences(paragraph, "az")
            assert join_sentences(split) == paragraph
            sentences += len(split)
            lengths += [len(s) for s in split]
            ends = {len(join_sentences(split[: i + 1])) for i in range(len(split))}
            for match in _INITIAL.finditer(paragraph):  # "V. Qurbanov": one sentence
                initials += 1
                assert match.start() + 2 not in ends, paragraph
            for match in re.finditer(r"\d,\d|və s\. [a-zəığşçöü]", paragraph):
                assert not any(match.start() < end < match.end() for end in ends), paragraph
    assert initials >= 10  # the file has 13 such initials
    assert paragraphs > 5000 and sentences > 1.3 * paragraphs
    assert 60 < sum(lengths) / len(lengths) < 200
