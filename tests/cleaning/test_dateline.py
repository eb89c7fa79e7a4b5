"""Tests for newscrawl.cleaning: dateline."""

from __future__ import annotations

import pytest

from newscrawl.cleaning import split_dateline


@pytest.mark.parametrize(
    ("paragraph", "dateline", "rest"),
    [
        (
            "Baku. 15 March. REPORT.AZ/ President Ilham Aliyev received the delegation.",
            "Baku. 15 March. REPORT.AZ/",
            "President Ilham Aliyev received the delegation.",
        ),
        (
            "Баку. 3 июля. REPORT.AZ/ Президент Ильхам Алиев принял делегацию.",
            "Баку. 3 июля. REPORT.AZ/",
            "Президент Ильхам Алиев принял делегацию.",
        ),
        (
            "Bakı. 27 iyun. REPORT.AZ/ Prezident İlham Əliyev nümayəndə heyətini qəbul edib.",
            "Bakı. 27 iyun. REPORT.AZ/",
            "Prezident İlham Əliyev nümayəndə heyətini qəbul edib.",
        ),
        (
            "Ankara. 3 May. REPORT.AZ/ Turkish Foreign Minister met his counterpart.",
            "Ankara. 3 May. REPORT.AZ/",
            "Turkish Foreign Minister met his counterpart.",
        ),
        (
            "Tbilisi. 12 October. REPORT.AZ/ Georgia's parliament adopted the law.",
            "Tbilisi. 12 October. REPORT.AZ/",
            "Georgia's parliament adopted the law.",
        ),
        (
            "Москва. 21 декабря. REPORT.AZ/ Переговоры прошли в Кремле.",
            "Москва. 21 декабря. REPORT.AZ/",
            "Переговоры прошли в Кремле.",
        ),
        (
            "Gəncə. 1 avqust. REPORT.AZ/ Şəhərdə yeni park açılıb.",
            "Gəncə. 1 avqust. REPORT.AZ/",
            "Şəhərdə yeni park açılıb.",
        ),
        (
            "New York. 20 September. REPORT.AZ/ The UN General Assembly opened.",
            "New York. 20 September. REPORT.AZ/",
            "The UN General Assembly opened.",
        ),
        # Variants: site name case, space before the slash, en dash, no space after the slash,
        # a year, surrounding whitespace.
        ("Baku. 15 March. Report.az/ Text.", "Baku. 15 March. Report.az/", "Text."),
        ("Baku. 15 March. REPORT.AZ / Text.", "Baku. 15 March. REPORT.AZ /", "Text."),
        ("Baku. 15 March – REPORT.AZ/ Text.", "Baku. 15 March – REPORT.AZ/", "Text."),
        ("Bakı – 27 iyun. REPORT.AZ/ Mətn.", "Bakı – 27 iyun. REPORT.AZ/", "Mətn."),
        ("Baku. 15 March. REPORT.AZ – Text.", "Baku. 15 March. REPORT.AZ –", "Text."),
        ("Baku. 15 March. REPORT.AZ/Text.", "Baku. 15 March. REPORT.AZ/", "Text."),
        ("Baku. 15 March, 2016. REPORT.AZ/ Text.", "Baku. 15 March, 2016. REPORT.AZ/", "Text."),
        ("  Baku. 15 March. REPORT.AZ/   Text.  ", "Baku. 15 March. REPORT.AZ/", "Text."),
        ("Baku. 15 March. REPORT.AZ/", "Baku. 15 March. REPORT.AZ/", ""),
        (
            "Baku. 5 may. REPORT.AZ/ “Report” xəbər verir ki, görüş olub.",
            "Baku. 5 may. REPORT.AZ/",
            "“Report” xəbər verir ki, görüş olub.",
        ),
    ],
)
def test_split_dateline(paragraph: str, dateline: str, rest: str) -> None:
    assert split_dateline(paragraph) == (dateline, rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "President of Ukraine Volodymyr Zelenskyy discussed defense cooperation, Report informs.",
        "“Report” xəbər verir ki, Bakıda görüş olub.",
        "Как сообщает Report, встреча прошла в Баку 15 марта.",
        "Baku. 15 March. The meeting was held, REPORT.AZ/ reports.",
        "The agency said in Baku. 15 March. REPORT.AZ/ was its source.",
        "Baku, 15 March 2016 – the parties met.",
        "  Baku. 15 March. Report informs.  ",
        "",
    ],
)
def test_paragraph_without_dateline_is_returned_unchanged(paragraph: str) -> None:
    dateline, rest = split_dateline(paragraph)
    assert dateline is None
    assert rest == paragraph
