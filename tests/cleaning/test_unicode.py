"""Tests for newscrawl.cleaning: unicode."""

from __future__ import annotations

import unicodedata

import pytest

from newscrawl.cleaning import normalize_line, normalize_text
from tests.cleaning.samples import ALL_CORRECT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # NFC: decomposed letters of all three alphabets are composed.
        ("I\u0307lham Əliyev", "İlham Əliyev"),
        ("Зеленскии\u0306 и е\u0308лка", "Зеленский и ёлка"),
        ("Emmanuel Macron’s cafe\u0301", "Emmanuel Macron’s café"),
        # No-break spaces become plain spaces.
        ("“Report”\u00a0xəbər verir", "“Report” xəbər verir"),
        ("1\u202f200 ailə", "1 200 ailə"),
        ("5\u2007000 manat", "5 000 manat"),
        ("Как\u00a0сообщает\u00a0Report", "Как сообщает Report"),
        # Zero-width characters and soft hyphens are removed without splitting the word.
        ("Azər\u200bbaycan", "Azərbaycan"),
        ("Zelen\u200cskyy and Mac\u200dron", "Zelenskyy and Macron"),
        ("\ufeffReport\u2060 informs", "Report informs"),
        ("informa\u00adtion about Ук\u00adраина", "information about Украина"),
        # Control characters other than newline are removed.
        ("Report\x00 informs\x07.", "Report informs."),
        # Runs of spaces and tabs collapse; lines are stripped.
        ("“Report”  \t xəbər   verir ki,  ", "“Report” xəbər verir ki,"),
        # A single line break inside a paragraph becomes a space (text nodes joined by "\n").
        ("“Report”\nxəbər verir ki, görüş olub.", "“Report” xəbər verir ki, görüş olub."),
        ("Как сообщает\n  Report  \n, встреча", "Как сообщает Report , встреча"),
        # Paragraphs are separated by exactly one blank line.
        ("First paragraph.\n\nSecond paragraph.", "First paragraph.\n\nSecond paragraph."),
        ("First.\n\n\n\n  \n\t\nSecond.", "First.\n\nSecond."),
        ("\n\n  Birinci.  \n \n İkinci.\n\n", "Birinci.\n\nİkinci."),
        ("Line one\r\nline two\r\n\r\nNext", "Line one line two\n\nNext"),
        ("Abzas bir.\u2029Abzas iki.", "Abzas bir.\n\nAbzas iki."),
        ("", ""),
        (" \n\t\n ", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_text_keeps_glued_attribution_as_it_is() -> None:
    # Un-gluing "“Report”xəbər" is the extractor's job; normalisation must neither split nor
    # glue words on its own.
    assert normalize_text("“Report”xəbər verir ki") == "“Report”xəbər verir ki"
    assert normalize_text("“Report” xəbər verir ki") == "“Report” xəbər verir ki"


@pytest.mark.parametrize("text", ALL_CORRECT)
def test_normalize_text_leaves_clean_paragraphs_alone(text: str) -> None:
    assert normalize_text(text) == text
    assert normalize_line(text) == text


def test_normalize_text_full_article() -> None:
    raw = (
        "\u00a0President of Ukraine Volodymyr Zelenskyy discussed defense cooperation "
        "with\nEmmanuel Macron, Report\u00a0informs.\n\n\n"
        "Zelenskyy wrote on Telegram\u200b that the main topic was pressure on Russia.\t\n"
        "\n\r\n“There is a common position,” Zelenskyy emphasized.  "
    )
    assert normalize_text(raw) == (
        "President of Ukraine Volodymyr Zelenskyy discussed defense cooperation with Emmanuel "
        "Macron, Report informs.\n\n"
        "Zelenskyy wrote on Telegram that the main topic was pressure on Russia.\n\n"
        "“There is a common position,” Zelenskyy emphasized."
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "  Zelenskyy and Macron\n discuss\tdefense\u00a0cooperation ",
            ("Zelenskyy and Macron discuss defense cooperation"),
        ),
        ("Xarici\n\nsiyasət", "Xarici siyasət"),
        ("Другие\u202fстраны\u200b", "Другие страны"),
        ("Volodymyr\u00adZelenskyy", "VolodymyrZelenskyy"),
        ("I\u0307qtisadiyyat\r\n", "İqtisadiyyat"),
        ("\n \t", ""),
    ],
)
def test_normalize_line(raw: str, expected: str) -> None:
    assert normalize_line(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "A\u00a0\u00a0b\n\n\n\nc\u200b d\r\n e",
        "  Birinci abzas.\n\nİkinci\nabzas.\t",
        "Зеленски\u0306\u00ad и\n\n\n Макрон",
    ],
)
def test_normalization_is_idempotent_and_nfc(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    line = normalize_line(raw)
    assert normalize_line(line) == line
    assert "\n" not in line


@pytest.mark.parametrize(
    "ch",
    ["\u00a0", "\u202f", "\u2007", "\u2009", "\u3000", "\t"],
)
def test_every_horizontal_space_becomes_one_plain_space(ch: str) -> None:
    assert normalize_text(f"Report{ch}{ch}informs") == "Report informs"


@pytest.mark.parametrize(
    "ch",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\x01", "\x7f", "\x9f"],
)
def test_invisible_and_control_characters_are_removed(ch: str) -> None:
    assert normalize_text(f"Azər{ch}baycan") == "Azərbaycan"
    assert normalize_line(f"Azər{ch}baycan") == "Azərbaycan"
