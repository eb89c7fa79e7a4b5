"""Tests for newscrawl.cleaning.live."""

from __future__ import annotations

import pytest

from newscrawl.cleaning.live import is_time_marker


@pytest.mark.parametrize(
    "paragraph",
    ["00:00", "20:36", "19:02", "23:59", "09:05", "9:05", " 18:51 ", "\u00a020:15\n"],
)
def test_bare_times_are_markers(paragraph: str) -> None:
    assert is_time_marker(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    [
        "24:00",
        "23:60",
        "25:10",
        "7:5",
        "123:45",
        "20.36",
        "20:36:10",
        "20:36 Photo",
        "At 20:36 the session opened.",
        "Saat 20:36-da iclas başlayıb.",
        "В 20:36 заседание началось.",
        "2:1",
        "",
    ],
)
def test_other_paragraphs_are_not_markers(paragraph: str) -> None:
    assert not is_time_marker(paragraph)
