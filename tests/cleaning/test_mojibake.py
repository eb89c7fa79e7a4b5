"""Tests for newscrawl.cleaning: mojibake."""

from __future__ import annotations

import ftfy
import pytest

from newscrawl.cleaning import (
    FTFY_CONFIG,
    has_unrepairable_mojibake,
    looks_garbled,
    repair_mojibake,
)
from tests.cleaning.samples import ALL_CORRECT

# Bytes that cp1252 does not define: a UTF-8 sequence containing one of them is lost when a
# body is decoded as cp1252 with errors="replace".
CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def garble(text: str, codec: str, errors: str = "strict") -> str:
    """UTF-8 bytes of ``text`` decoded with the wrong codec, as a naive client would."""
    return text.encode("utf-8").decode(codec, errors=errors)


def lost_in_cp1252(ch: str) -> bool:
    """True when ``ch`` cannot survive a cp1252 decode of its UTF-8 bytes."""
    return any(b in CP1252_UNDEFINED for b in ch.encode("utf-8"))


def with_lost_letters(text: str) -> str:
    """``text`` with every letter that cp1252 cannot carry replaced by U+FFFD."""
    return "".join("\ufffd" if lost_in_cp1252(ch) else ch for ch in text)


# --- literal samples --------------------------------------------------------------------------

LITERAL = [
    ("Ã¼", "ü"),
    ("Ã‰", "É"),
    ("É™", "ə"),
    ("Ð—ÐµÐ»ÐµÐ½", "Зелен"),
    ("â€œ", "“"),
    ("â€”", "—"),
    ("â€“", "–"),
    ("Â«ReportÂ»", "«Report»"),
    ("AzÉ™rbaycan", "Azərbaycan"),
    ("Ä°lham Æ\x8fliyev", "İlham Əliyev"),
    ("ÅžuÅŸa ÅŸÉ™hÉ™rindÉ™", "Şuşa şəhərində"),
    ("GÃ¶mrÃ¼k ComitÉ™si", "Gömrük Comitəsi"),
    ("â€œReportâ€\x9d xÉ™bÉ™r verir ki", "“Report” xəbər verir ki"),
    ("ÐšÐ°Ðº Ñ\x81Ð¾Ð¾Ð±Ñ‰Ð°ÐµÑ‚ Report", "Как сообщает Report"),
    ("TÃ¼rkiyeâ€™s Foreign Minister", "Türkiye’s Foreign Minister"),
    ("5Â°C, 10 â‚¬, Â© Report", "5°C, 10 €, © Report"),
    ("Ð\x81Ð»ÐºÐ°", "Ёлка"),
]


@pytest.mark.parametrize(("garbled", "expected"), LITERAL)
def test_repairs_literal_samples(garbled: str, expected: str) -> None:
    assert repair_mojibake(garbled) == expected
    assert looks_garbled(garbled)
    assert not has_unrepairable_mojibake(garbled)


# --- generated mojibake -----------------------------------------------------------------------

ROUND_TRIP_LATIN1 = [
    "Azərbaycan Respublikasının Prezidenti İlham Əliyev “Report” xəbər verir ki, Şuşada görüşüb.",
    "ŞƏRQ, ÇAĞDAŞ, ĞƏLƏBƏ, İSTİQLAL, ÖLKƏ, ÜMUMİ; qiymət 1 ₼, +25°C.",
    "Zelenskyy and Macron discuss “defense” – cooperation — naïve café, Türkiye, €10 ©.",
    "Зеленский и Макрон обсудили оборонное сотрудничество, «Ёлка», ЭТАЖ, ЯНВАРЬ, № 5.",
    "Как сообщает Report, Сахиба Гафарова приняла делегацию Грузии.",
]

# Texts none of whose letters uses a byte that cp1252 lacks: they survive a cp1252 decode.
ROUND_TRIP_CP1252 = [
    "Prezident Şuşa şəhərində «Xarıbülbül» festivalının açılışında iştirak edib, Report xəbər "
    "verir.",
    "Gəncədə hava +25°C olacaq, küləyin sürəti saniyədə 5–7 metr olacaq.",
    "Türkiye’s Foreign Minister Hakan Fidan met his counterpart in Ankara — “the talks lasted…",
    "Путин провёл переговоры в Кремле, «Газпром» подтвердил — 1 000 ₽.",
]


def test_cp1252_samples_are_free_of_undefined_bytes() -> None:
    for text in ROUND_TRIP_CP1252:
        assert "\ufffd" not in garble(text, "cp1252", errors="replace"), text


@pytest.mark.parametrize("text", ROUND_TRIP_LATIN1)
def test_repairs_utf8_read_as_latin1(text: str) -> None:
    garbled = garble(text, "latin-1")
    assert garbled != text
    assert looks_garbled(garbled)
    assert repair_mojibake(garbled) == text
    assert not has_unrepairable_mojibake(garbled)


@pytest.mark.parametrize("text", ROUND_TRIP_CP1252)
def test_repairs_utf8_read_as_cp1252_when_nothing_was_lost(text: str) -> None:
    garbled = garble(text, "cp1252")
    assert looks_garbled(garbled)
    assert repair_mojibake(garbled) == text


@pytest.mark.parametrize("text", ROUND_TRIP_LATIN1)
def test_repairs_only_the_garbled_part_of_a_mixed_line(text: str) -> None:
    correct = "Türkiye «KÖÇ» və Ёлка: "
    garbled = correct + garble(text, "latin-1")
    assert repair_mojibake(garbled) == correct + text


@pytest.mark.parametrize("text", ROUND_TRIP_CP1252)
def test_repairs_cp1252_garbled_word_inside_correct_quotes(text: str) -> None:
    garbled = "«" + garble(text, "cp1252") + "»"
    assert repair_mojibake(garbled) == "«" + text + "»"


def test_repairs_short_sequence_inside_correct_punctuation() -> None:
    assert repair_mojibake("Bakı, “AzÉ™rbaycan” qÉ™zeti") == "Bakı, “Azərbaycan” qəzeti"


def test_repairs_garbled_line_and_leaves_correct_lines_alone() -> None:
    title = "Makronla Zelenski müdafiə sahəsində əməkdaşlıq və Ukraynaya dəstəyi müzakirə edib"
    body = "Зеленский и Макрон обсудили оборонное сотрудничество.\n\n«KÖÇ» layihəsi davam edir."
    garbled = garble(title, "latin-1") + "\n" + body
    assert repair_mojibake(garbled) == title + "\n" + body


def test_repairs_double_encoding() -> None:
    text = "Azərbaycan və Зеленский “Report”"
    twice = garble(garble(text, "latin-1"), "latin-1")
    assert repair_mojibake(twice) == text


@pytest.mark.parametrize(
    "text",
    [
        "Azərbaycan Respublikasının Prezidenti İlham Əliyev “Report” xəbər verir ki, görüş olub.",
        "Зеленский и Макрон обсудили оборонное сотрудничество, Ёлка и ёж.",
        "Как сообщает Report, АНТОН и Наталья встретились.",
        "Zelenskyy and Macron discuss “defense” cooperation, Report informs.",
    ],
)
def test_cp1252_loses_letters_and_reports_it(text: str) -> None:
    garbled = garble(text, "cp1252", errors="replace")
    repaired = repair_mojibake(garbled)
    # Everything but the lost letters is restored ...
    assert repaired == with_lost_letters(text)
    assert "\ufffd" in repaired
    # ... and the item is marked so that the pipeline can reject it.
    assert has_unrepairable_mojibake(garbled)
    assert has_unrepairable_mojibake(repaired)


@pytest.mark.parametrize(
    "text",
    [
        "Prezident İlham Əliyev “Report” xəbər verir",
        "Как сообщает Report, встреча прошла в Баку",
    ],
)
def test_cp1252_with_dropped_bytes_is_reported_and_never_invents_characters(text: str) -> None:
    garbled = garble(text, "cp1252", errors="ignore")
    repaired = repair_mojibake(garbled)
    # ftfy's restore_byte_a0 would turn "â€ " (a closing quote missing its last byte) into "†".
    assert "†" not in repaired
    assert has_unrepairable_mojibake(garbled)


def test_closing_quote_missing_its_last_byte_does_not_become_a_dagger() -> None:
    # cp1252 with errors="ignore" turns ” (E2 80 9D) into "â€"; with the following space read as
    # a no-break space it would decode as † (E2 80 A0) and glue the words together.
    garbled = garble("“Report” xəbər verir ki, görüş olub.", "cp1252", errors="ignore")
    assert garbled == "â€œReportâ€ xÉ™bÉ™r verir ki, gÃ¶rÃ¼ÅŸ olub."
    repaired = repair_mojibake(garbled)
    assert repaired == "“Reportâ€ xəbər verir ki, görüş olub."
    assert has_unrepairable_mojibake(garbled)


def test_repairs_emoji() -> None:
    assert repair_mojibake(garble("🇦🇿 Azərbaycan 👍", "latin-1")) == "🇦🇿 Azərbaycan 👍"


@pytest.mark.parametrize("text", ["HEÇ°", "Brend AÇ±", "Ş°", "Brend Ü±"])
def test_short_correct_text_that_ftfy_alone_would_damage_is_kept(text: str) -> None:
    assert ftfy.fix_encoding(text, FTFY_CONFIG) != text  # the premise: ftfy would change it
    assert repair_mojibake(text) == text


def test_short_correct_text_that_ftfy_reads_as_cp1254_mojibake_is_kept() -> None:
    # "Ğ°" is D0 B0 in cp1254, the UTF-8 bytes of Cyrillic "а": ftfy alone decodes it.
    assert ftfy.fix_encoding("DAĞ°", FTFY_CONFIG) == "DAа"
    assert repair_mojibake("DAĞ°") == "DAĞ°"
    # Also when the same line has real mojibake that ftfy repairs in the same pass.
    assert repair_mojibake("Brend DAĞ° GÃ¶mrÃ¼k") == "Brend DAĞ° Gömrük"


def test_correct_part_of_a_mixed_line_is_not_decoded_into_foreign_letters() -> None:
    # As a whole, this line is valid UTF-8 read as Latin-1 -- but "Ç°" would become "ǰ".
    assert repair_mojibake("Brend HEÇ° GÃ¶mrÃ¼k") == "Brend HEÇ° Gömrük"


def test_garbled_closing_quote_next_to_correct_opening_quote() -> None:
    assert repair_mojibake("«AzÉ™rbaycanÂ» qəzeti") == "«Azərbaycan» qəzeti"


def test_sequence_that_would_decode_to_a_foreign_letter_is_left_and_reported() -> None:
    assert repair_mojibake("Bakı-Ñ¢") == "Bakı-Ñ¢"
    assert has_unrepairable_mojibake("Bakı-Ñ¢")


@pytest.mark.parametrize("text", ALL_CORRECT)
def test_correct_text_is_byte_identical(text: str) -> None:
    assert repair_mojibake(text) == text
    assert not looks_garbled(text)
    assert not has_unrepairable_mojibake(text)


@pytest.mark.parametrize(
    "text",
    [
        "São Paulo, SÃO PAULO, João, Ærø, Ålesund, Ðakovo, Ñandú, Êtes-vous, ÂGE",
        "«ÖZ» və «KÖÇ», «SÜRÜ» — “ÇÖL”",
        "Qiymət 5 £, 10 ¥, 3 ½ saat, 1‰, ±2°, x² və ×",
        "ŞUŞA, ÇİÇƏK, ĞƏLƏBƏ, ÜZÜM, ÖRDƏK, İTİ, IŞIQ",
        "ВЪЕЗД, ЭКСПОРТ, ЯНВАРЬ, Ё, ё, Ѝ",
    ],
)
def test_edge_case_correct_text_is_byte_identical(text: str) -> None:
    assert repair_mojibake(text) == text
    assert not looks_garbled(text)


def test_other_ftfy_fixes_are_not_applied() -> None:
    # Default ftfy would uncurl quotes, split ligatures, narrow full-width letters and unescape
    # entities. None of that is mojibake repair, so none of it may happen here -- not even in a
    # line that does get repaired.
    text = "“Report” ﬁnal ＬＯＵＤ &amp; ‘x’"
    assert ftfy.fix_text(text) != text
    assert repair_mojibake(text) == text
    assert repair_mojibake("Ã¼ " + text) == "ü " + text


@pytest.mark.parametrize("garbled", [g for g, _ in LITERAL] + ["â€œReportâ€� xÉ™bÉ™r"])
def test_repair_is_idempotent(garbled: str) -> None:
    once = repair_mojibake(garbled)
    assert repair_mojibake(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AzÉ™rbaycan", True),
        ("RespublikasÄ±nÄ±n", True),
        ("Ð—ÐµÐ»ÐµÐ½", True),
        ("â€œReport", True),
        ("Æ\ufffdliyev", True),
        ("ЗеленÑ\ufffdкий", True),
        ("Ðлка", True),
        ("text\x85more", True),
        ("ï»¿Report", True),
        ("5Â km", True),
        ("Azərbaycan", False),
        ("Ёлка", False),
        ("São Paulo", False),
        ("«KÖÇ»", False),
        ("", False),
    ],
)
def test_looks_garbled(text: str, expected: bool) -> None:
    assert looks_garbled(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Зелен\ufffdкий", True),
        ("“Reportâ€ xəbər verir", True),
        ("Ã¼", False),
        ("Azərbaycan", False),
    ],
)
def test_has_unrepairable_mojibake(text: str, expected: bool) -> None:
    assert has_unrepairable_mojibake(text) is expected
