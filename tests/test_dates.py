"""Dates of every edition and layout become ISO 8601 in Baku time; bad ones say why."""

from __future__ import annotations

import pytest

from newscrawl.site import DateError, parse_iso, parse_site_date, to_iso


@pytest.mark.parametrize(
    ("text", "time_text", "expected"),
    [
        ("23 October, 2025", "20:02", "2025-10-23T20:02:00+04:00"),
        ("22 İyul , 2022 16:30", None, "2022-07-22T16:30:00+04:00"),
        ("22 iyul 2022", "16:30", "2022-07-22T16:30:00+04:00"),
        ("5 Fevral , 2021 09:15", None, "2021-02-05T09:15:00+04:00"),
        ("12 avgust 2024", "08:00", "2024-08-12T08:00:00+04:00"),
        ("November 6, 2019 09:04", None, "2019-11-06T09:04:00+04:00"),
        ("26 November, 2024 / 19:05", None, "2024-11-26T19:05:00+04:00"),
        ("3 июля 2025", "10:00", "2025-07-03T10:00:00+04:00"),
        ("22 Июля , 2022 16:30", None, "2022-07-22T16:30:00+04:00"),
        ("15.03.2016 12:30", None, "2016-03-15T12:30:00+04:00"),
        ("2025-10-23 20:02:00", None, "2025-10-23T20:02:00+04:00"),
        ("2025-10-23T16:02:00Z", None, "2025-10-23T20:02:00+04:00"),
        ("2025-10-23T20:02:00+04:00", None, "2025-10-23T20:02:00+04:00"),
    ],
)
def test_site_dates(text: str, time_text: str | None, expected: str) -> None:
    assert to_iso(parse_site_date(text, time_text)) == expected


_MONTHS = {
    "az": "yanvar fevral mart aprel may iyun iyul avqust sentyabr oktyabr noyabr dekabr",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "en": "January February March April May June July August September October November December",
}


@pytest.mark.parametrize("language", sorted(_MONTHS))
@pytest.mark.parametrize("case", ["lower", "capitalize"])
@pytest.mark.parametrize("together", [True, False])
def test_comma_dates_with_a_two_digit_day(language: str, case: str, together: bool) -> None:
    """The live site's header: ``06 oktyabr, 2025`` + ``HH:MM`` (az, ru; en likewise), every
    month, lower-case and capitalised, the time in the same text or apart."""
    for number, month in enumerate(_MONTHS[language].split(), 1):
        text = f"0{number % 9 + 1} {getattr(month, case)()}, 2025"
        clock = "09:05" if number % 2 else "21:40"
        moment = parse_site_date(f"{text} {clock}") if together else parse_site_date(text, clock)
        day = f"0{number % 9 + 1}"
        assert to_iso(moment) == f"2025-{number:02d}-{day}T{clock}:00+04:00", text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31 fevral, 2025 10:00", "impossible date"),
        ("23 October, 2025 99:99", "impossible time"),
        ("23 Brumaire, 2025 10:00", "no known month"),
        ("23 October, 2025", "no time of day"),
        ("", "no date"),
        ("x" * 500, "too long"),
    ],
)
def test_bad_dates_say_why(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_site_date(text)


def test_iso_without_offset_is_baku_time() -> None:
    assert to_iso(parse_iso("2025-10-23")) == "2025-10-23T00:00:00+04:00"
    assert to_iso(parse_iso("2025-10-23T20:02")) == "2025-10-23T20:02:00+04:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Azerbaijan kept summer time (UTC+5) until 2015 and dropped it in 2016
        ("15 July 2014 12:30", "2014-07-15T12:30:00+05:00"),
        ("27.06.2015 14:20", "2015-06-27T14:20:00+05:00"),
        ("15.01.2015 09:00", "2015-01-15T09:00:00+04:00"),
        ("3 июля 2015 11:15", "2015-07-03T11:15:00+05:00"),
        ("27 iyun 2016 14:20", "2016-06-27T14:20:00+04:00"),
        ("23 October, 2025 20:02", "2025-10-23T20:02:00+04:00"),
        ("2014-07-15 12:30:00", "2014-07-15T12:30:00+05:00"),
    ],
)
def test_baku_summer_time_before_2016(text: str, expected: str) -> None:
    assert to_iso(parse_site_date(text)) == expected


def test_an_offset_given_in_utc_is_shown_in_the_baku_time_of_its_day() -> None:
    assert to_iso(parse_iso("2014-07-15T07:30:00Z")) == "2014-07-15T12:30:00+05:00"
    assert to_iso(parse_iso("2015-12-15T07:30:00Z")) == "2015-12-15T11:30:00+04:00"
