"""Tests for newscrawl.cleaning: title."""

from __future__ import annotations

import pytest

from newscrawl.cleaning import clean_title


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Zelenskyy and Macron discuss defense cooperation and support for Ukraine - Report.az",
            "Zelenskyy and Macron discuss defense cooperation and support for Ukraine",
        ),
        (
            "Makronla Zelenski müdafiə sahəsində əməkdaşlıq və Ukraynaya dəstəyi müzakirə edib"
            " | Report.az",
            "Makronla Zelenski müdafiə sahəsində əməkdaşlıq və Ukraynaya dəstəyi müzakirə edib",
        ),
        (
            "Зеленский и Макрон обсудили оборонное сотрудничество и поддержку Украины – REPORT.AZ",
            "Зеленский и Макрон обсудили оборонное сотрудничество и поддержку Украины",
        ),
        (
            "Azerbaijani, Serbian agencies ink roadmap - Report News Agency",
            "Azerbaijani, Serbian agencies ink roadmap",
        ),
        (
            "Azerbaijani, Serbian agencies ink roadmap — report.az",
            ("Azerbaijani, Serbian agencies ink roadmap"),
        ),
        (
            "  NATO Secretary General to attend\n Coalition of the Willing\u00a0meeting in UK"
            " - Report News Agency | Report.az ",
            "NATO Secretary General to attend Coalition of the Willing meeting in UK",
        ),
        ("\u00a0Xarici\u200b siyasət\n", "Xarici siyasət"),
    ],
)
def test_clean_title(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


@pytest.mark.parametrize(
    "title",
    [
        "Report.az",
        "Azerbaijan - EU summit to be held in Baku",
        "Zelenskyy: Ukraine should use Russian assets for weapons production",
        "“Report” xəbər agentliyinin əməkdaşları mükafatlandırılıb",
        "Report.az launches new Chinese edition",
        "Belgrade hosts 9th session of joint Azerbaijan-Serbia commission – Report informs",
        "EU: Decision regarding use of Russian assets could be made by year-end",
    ],
)
def test_title_without_site_suffix_is_unchanged(title: str) -> None:
    assert clean_title(title) == title
