"""The corpus's grouping kept up to date export by export: after each change of the dataset
(an article revised, a link added, a link gone, an article gone, a second article of one
edition, nothing) the stored groups equal those of a whole grouping of the same dataset, and
only the changed groups' articles are grouped again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from newscrawl_data.grouping import Grouped, group_dataset

_ARTICLES = (
    "CREATE TABLE articles (url VARCHAR, language VARCHAR, article_id BIGINT,"
    " published_at TIMESTAMPTZ, content_hash VARCHAR)"
)
_TRANSLATIONS = (
    "CREATE TABLE translations (pair VARCHAR, language_a VARCHAR, url_a VARCHAR,"
    " language_b VARCHAR, url_b VARCHAR, link VARCHAR, a_links_b BOOLEAN, b_links_a BOOLEAN,"
    " both_crawled BOOLEAN)"
)
_COLUMNS = "kind, key, group_key, sort_key, links, found_by, members"


def _url(language: str, story: int, n: int = 0) -> str:
    prefix = "" if language == "az" else f"{language}/"
    return f"https://report.az/{prefix}news/story-{story}-{n}"


def _article(con: duckdb.DuckDBPyConnection, language: str, story: int, n: int = 0) -> None:
    con.execute(
        "INSERT INTO ds.articles VALUES (?, ?, ?, ?, ?)",
        [
            _url(language, story, n),
            language,
            story * 10 + n,
            f"2025-10-{story:02d} 10:{n:02d}:00+04",
            f"{language}{story}",
        ],
    )


def _link(
    con: duckdb.DuckDBPyConnection, a: str, b: str, story: int, n: int = 0, crawled: bool = True
) -> None:
    con.execute(
        "INSERT INTO ds.translations VALUES (?, ?, ?, ?, ?, 'confirmed', true, true, ?)",
        [f"{a}-{b}", a, _url(a, story), b, _url(b, story, n), crawled],
    )


def _groups(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(f"SELECT {_COLUMNS} FROM corpus_groups ORDER BY kind, key").fetchall()


def _whole(
    store: duckdb.DuckDBPyConnection, ds: Path, tmp_path: Path, step: int
) -> tuple[list[tuple[Any, ...]], Grouped]:
    """The groups of a whole grouping of ``ds`` in a new store (``ds`` is detached from
    ``store`` meanwhile: DuckDB attaches a file once per process)."""
    store.execute("DETACH ds")
    con = duckdb.connect(str(tmp_path / f"whole-{step}.duckdb"))
    con.execute(f"ATTACH '{ds}' AS ds (READ_ONLY)")
    try:
        grouped = group_dataset(con)
        return _groups(con), grouped
    finally:
        con.close()
        store.execute(f"ATTACH '{ds}' AS ds")


def _revise(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE ds.articles SET content_hash = 'az1-v2' WHERE url = ?", [_url("az", 1)])


def _third_edition(con: duckdb.DuckDBPyConnection) -> None:  # story 2 becomes a triple
    _article(con, "ru", 2)
    _link(con, "az", "ru", 2)
    _link(con, "en", "ru", 2)


def _link_gone(con: duckdb.DuckDBPyConnection) -> None:  # story 3 loses its en-ru link
    con.execute("DELETE FROM ds.translations WHERE pair = 'en-ru' AND url_a = ?", [_url("en", 3)])


def _second_az(con: duckdb.DuckDBPyConnection) -> None:  # story 5's en linked by two az
    _article(con, "az", 5, 1)
    con.execute(
        "INSERT INTO ds.translations VALUES ('az-en', 'az', ?, 'en', ?, 'one_way', true, false,"
        " true)",
        [_url("az", 5, 1), _url("en", 5)],
    )


def _article_gone(con: duckdb.DuckDBPyConnection) -> None:  # story 4's en leaves the dataset
    con.execute("DELETE FROM ds.articles WHERE url = ?", [_url("en", 4)])
    con.execute("UPDATE ds.translations SET both_crawled = false WHERE url_b = ?", [_url("en", 4)])


def _nothing(con: duckdb.DuckDBPyConnection) -> None:
    pass


CHANGES: list[tuple[Callable[[duckdb.DuckDBPyConnection], None], int]] = [
    # the linked articles grouped again: those of the changed article's whole group
    (_revise, 3),
    (_third_edition, 3),
    (_link_gone, 2),  # the ru article is left without a crawled link
    (_second_az, 3),
    (_article_gone, 0),  # the az article is left without a crawled link
    (_nothing, 0),
]


@pytest.fixture
def dataset(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A corpus store with a small dataset attached read-write as ``ds``: story 1 a triple,
    2 an az-en pair, 3 a chain az-en-ru (az-ru inferred), 4 an az-en pair, 5 a pair whose
    ru side was not crawled, 6..9 pairs nothing touches."""
    ds = tmp_path / "ds.duckdb"
    setup = duckdb.connect(str(ds))
    setup.execute(_ARTICLES)
    setup.execute(_TRANSLATIONS)
    setup.close()
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    con.execute(f"ATTACH '{ds}' AS ds")
    for story, languages in [
        (1, "az en ru"),
        (2, "az en"),
        (3, "az en ru"),
        (4, "az en"),
        (5, "az en"),
        *[(n, "az en") for n in range(6, 10)],
    ]:
        for language in languages.split():
            _article(con, language, story)
    for story in (1, 2, 4, 5, *range(6, 10)):
        _link(con, "az", "en", story)
    _link(con, "az", "ru", 1)
    _link(con, "en", "ru", 1)
    _link(con, "en", "ru", 3)
    _link(con, "az", "en", 3)
    _link(con, "az", "ru", 5, crawled=False)
    return con, ds


def test_each_change_regroups_its_groups_only_and_equals_a_whole_grouping(
    dataset: tuple[duckdb.DuckDBPyConnection, Path], tmp_path: Path
) -> None:
    con, ds = dataset
    first = group_dataset(con)
    assert first.whole and first.regrouped == 20
    assert [kind for kind, *_ in _groups(con)].count("az-en-ru") == 2  # stories 1 and 3
    for step, (change, regrouped) in enumerate(CHANGES):
        change(con)
        grouped = group_dataset(con)
        assert not grouped.whole and grouped.regrouped == regrouped, change.__name__
        whole_groups, whole = _whole(con, ds, tmp_path, step)
        assert _groups(con) == whole_groups, change.__name__
        assert grouped.missing_side == whole.missing_side
        assert grouped.ambiguous_groups == whole.ambiguous_groups
    assert grouped.ambiguous_groups == 1 and grouped.missing_side == {"az-ru": 1, "az-en": 1}


def test_a_grouping_stopped_half_way_is_made_whole_by_the_next(
    dataset: tuple[duckdb.DuckDBPyConnection, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    con, _ = dataset
    group_dataset(con)
    _revise(con)
    from newscrawl_data import grouping

    def stop(con: duckdb.DuckDBPyConnection) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(grouping, "label_groups", stop)
    with pytest.raises(KeyboardInterrupt):
        group_dataset(con)
    monkeypatch.undo()
    again = group_dataset(con)
    assert again.whole and again.regrouped == 20
