"""Language and date consistency checks flag disagreements instead of exporting them as clean."""

from __future__ import annotations

from datetime import datetime

import pytest

from newscrawl.identity import date_disagreements, language_mismatches, script_language
from newscrawl.site import BAKU, parse_iso

AZ = "Prezident İlham Əliyev Bakıda keçirilən beynəlxalq forumun iştirakçılarını qəbul edib, “Report” xəbər verir."
EN = "President Ilham Aliyev received the participants of the international forum held in Baku, Report informs. Türkiye and Azerbaijan signed."
RU = "Президент Ильхам Алиев принял участников международного форума, проходящего в Баку, сообщает Report."


@pytest.mark.parametrize(("text", "language"), [(AZ, "az"), (EN, "en"), (RU, "ru"), ("Baku", None)])
def test_script_language(text: str, language: str | None) -> None:
    assert script_language(text) == language


def test_agreeing_signals_give_no_warning() -> None:
    assert language_mismatches("az", "az", "az-AZ", AZ) == []
    assert language_mismatches("ru", None, None, RU) == []


def test_each_disagreeing_signal_is_named() -> None:
    found = language_mismatches("en", "ru", "en", RU)
    assert len(found) == 2
    assert any("html_lang says 'ru'" in f for f in found)
    assert any("script says 'ru'" in f for f in found)
    assert all(f.startswith("language_mismatch:") for f in found)


def test_date_sources_that_differ_by_more_than_a_minute_are_flagged() -> None:
    chosen = datetime(2025, 10, 23, 20, 2, tzinfo=BAKU)
    same = {
        "header": parse_iso("2025-10-23T20:02:00+04:00"),
        "meta": parse_iso("2025-10-23T16:02:30Z"),
    }
    assert date_disagreements(same, None, chosen) == []
    off = {
        "header": parse_iso("2025-10-23T20:02:00+04:00"),
        "jsonld": parse_iso("2025-10-23T20:02:00+00:00"),
    }
    card = datetime(2025, 10, 23, 21, 0, tzinfo=BAKU)
    (warning,) = date_disagreements(off, card, chosen)
    assert warning.startswith("date_disagreement: kept 2025-10-23T20:02:00+04:00")
    assert "jsonld=2025-10-24T00:02:00+04:00" in warning
    assert "feed_card=2025-10-23T21:00:00+04:00" in warning
