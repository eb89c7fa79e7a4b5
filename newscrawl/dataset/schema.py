"""Column types of the dataset: the Article item of DESIGN.md as DuckDB types.

Lists stay lists, ``images`` a list of structs, ``translations`` a struct with one field per
edition, and dates ``TIMESTAMP WITH TIME ZONE`` (the instant; ``published_at_raw`` keeps the
page's text). Dates are read as text and cast with ``TRY_CAST``, so one bad date costs that
field, not the line.
"""

from __future__ import annotations

from newscrawl.editions import EDITIONS

TRANSLATIONS_TYPE = "STRUCT(" + ", ".join(f"{code} VARCHAR" for code in EDITIONS) + ")"

#: The item's fields in contract order, as read from JSON Lines (dates as text first).
JSON_COLUMNS: dict[str, str] = {
    "url": "VARCHAR",
    "language": "VARCHAR",
    "article_id": "BIGINT",
    "slug": "VARCHAR",
    "title": "VARCHAR",
    "lead": "VARCHAR",
    "body": "VARCHAR",
    "published_at": "VARCHAR",
    "published_at_raw": "VARCHAR",
    "modified_at": "VARCHAR",
    "category": "VARCHAR",
    "category_slug": "VARCHAR",
    "tags": "VARCHAR[]",
    "images": "STRUCT(url VARCHAR, caption VARCHAR)[]",
    "translations": TRANSLATIONS_TYPE,
    "badges": "VARCHAR[]",
    "crawled_at": "VARCHAR",
    "content_hash": "VARCHAR",
    "revision": "INTEGER",
    "layout": "VARCHAR",
    "dateline": "VARCHAR",
    "warnings": "VARCHAR[]",
}

#: Fields stored as TIMESTAMP WITH TIME ZONE.
TIMESTAMP_COLUMNS = ("published_at", "modified_at", "crawled_at")

#: Columns of the stored table: the item's, then where each line came from.
TABLE_COLUMNS: dict[str, str] = {
    **{
        name: ("TIMESTAMPTZ" if name in TIMESTAMP_COLUMNS else kind)
        for name, kind in JSON_COLUMNS.items()
    },
    "year": "INTEGER",
    "run_id": "VARCHAR",
    "source_file": "VARCHAR",
    "line_no": "BIGINT",
}

ITEM_FIELDS = tuple(JSON_COLUMNS)
