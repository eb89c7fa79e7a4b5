"""The linked groups of the dataset: the corpus's candidates, kept up to date in the corpus
store (``corpus_groups``) export by export, from what changed in the dataset.

A pair is two crawled articles of two editions joined by a translation row; a triple is a
connected group of exactly one article per edition. Grouping reads the ``translations`` view
and the articles' URLs, ids, dates and content hashes (no text), in SQL: the pairs, then the
connected groups (each article labelled with the smallest id of its group by passing labels
to neighbours until none changes), the triples, and every group's keys.

**What changed decides what is grouped again.** The store keeps a fingerprint (DuckDB's
``hash``) of each article of the dataset (URL, language, id, date, content hash) and of each
translation row, and the connected group (``linked_labels``) of every linked article. An
export compares the dataset with the fingerprints (anti-joins both ways), takes the URLs of
the rows that differ, widens them to whole groups (linked now or before), drops the stored
groups of those articles and groups them again with the same SQL a first export runs over
everything. A store without the marker ``linked_state`` (the first export, ``--full``, a
store of an older version, or an export stopped half-way) groups everything.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from newscrawl.site import EDITIONS
from newscrawl_data.dataset import scalar

#: The groups (one row per pair or triple: its members' identities, no text; on disk, so
#: DuckDB can evict it under its memory limit). Everything after reads it by kind, in
#: chunks: no Python structure holds every group of the history.
GROUPS_TABLE = """
CREATE OR REPLACE TABLE corpus_groups (
    kind VARCHAR, key VARCHAR, group_key VARCHAR, sort_key VARCHAR, links VARCHAR,
    found_by VARCHAR, members STRUCT(
        lang VARCHAR, url VARCHAR, language VARCHAR, article_id BIGINT, published_at VARCHAR,
        content_hash VARCHAR
    )[]
)"""
#: What the stored groups were made from (see the module's docstring).
_LINKED_TABLES = """
CREATE OR REPLACE TABLE linked_articles (url VARCHAR, h UBIGINT);
CREATE OR REPLACE TABLE linked_translations (h UBIGINT, url_a VARCHAR, url_b VARCHAR);
CREATE OR REPLACE TABLE linked_labels (url VARCHAR, label VARCHAR);
CREATE OR REPLACE TABLE linked_components (label VARCHAR, n BIGINT, languages BIGINT);
"""
_STORED = ("linked_articles", "linked_translations", "linked_labels", "linked_components")
_ARTICLE_PRINTS = (
    "SELECT url, hash(url, language, article_id, published_at, content_hash) AS h FROM ds.articles"
)
_TRANSLATION_PRINTS = (
    "SELECT hash(pair, url_a, url_b, link, a_links_b, b_links_a, both_crawled) AS h,"
    " url_a, url_b FROM ds.translations"
)


def _iso(column: str) -> str:
    """SQL giving a TIMESTAMPTZ in the session's time zone as Python's ``isoformat()``."""
    offset = f"date_part('timezone', {column})"
    return (
        f"strftime({column}, '%Y-%m-%dT%H:%M:%S')"
        f" || CASE WHEN microsecond({column}) % 1000000 <> 0"
        f" THEN '.' || strftime({column}, '%f') ELSE '' END"
        f" || CASE WHEN {offset} < 0 THEN '-' ELSE '+' END"
        f" || lpad((abs({offset}) // 3600)::VARCHAR, 2, '0') || ':'"
        f" || lpad(((abs({offset}) % 3600) // 60)::VARCHAR, 2, '0')"
    )


def _member(lang: str, alias: str) -> str:
    return (
        f"{{'lang': {lang}, 'url': {alias}.url, 'language': {alias}.language,"
        f" 'article_id': {alias}.article_id, 'published_at': {alias}.published_at,"
        f" 'content_hash': {alias}.content_hash}}"
    )


def _json_list(column: str) -> str:
    """SQL giving a list of plain ASCII strings as Python's ``json.dumps`` writes it."""
    quoted = f"list_transform({column}, lambda x: '\"' || x || '\"')"
    return f"'[' || array_to_string({quoted}, ', ') || ']'"


_LANGUAGES = sorted(EDITIONS)
_TRIPLE_PAIRS = [(a, b) for i, a in enumerate(_LANGUAGES) for b in _LANGUAGES[i + 1 :]]
_EDGE_FOUND_BY = ", ".join(f"coalesce(e_{a}_{b}.found_by, []::VARCHAR[])" for a, b in _TRIPLE_PAIRS)
_EDGE_JOINS = " ".join(
    f"LEFT JOIN corpus_edges e_{a}_{b} ON e_{a}_{b}.id_a = t.{a} AND e_{a}_{b}.id_b = t.{b}"
    for a, b in _TRIPLE_PAIRS
)
_EDGE_LINK = " || ', ' || ".join(
    f"'\"{a}-{b}\": \"' || coalesce(e_{a}_{b}.link, 'inferred') || '\"'" for a, b in _TRIPLE_PAIRS
)
#: The linked articles of the scope (``{scope}``: a filter on ``url``) and their translation
#: pairs, then the connected groups' starting labels.
_EDGES = [
    """CREATE OR REPLACE TABLE corpus_docs AS
    SELECT row_number() OVER () AS id, url, language, article_id,
        {iso} AS published_at, coalesce(content_hash, '') AS content_hash
    FROM ds.articles WHERE {scope}""",
    """CREATE OR REPLACE TABLE corpus_edges AS
    SELECT t.pair, t.language_a, a.id AS id_a, t.language_b, b.id AS id_b, t.link, list_concat(
        CASE WHEN t.a_links_b THEN [t.language_a || '->' || t.language_b]
             ELSE []::VARCHAR[] END,
        CASE WHEN t.b_links_a THEN [t.language_b || '->' || t.language_a]
             ELSE []::VARCHAR[] END
    ) AS found_by
    FROM ds.translations t JOIN corpus_docs a ON a.url = t.url_a
        JOIN corpus_docs b ON b.url = t.url_b
    WHERE t.both_crawled""",
    """CREATE OR REPLACE TABLE corpus_links AS
    SELECT id_a AS u, id_b AS v FROM corpus_edges UNION SELECT id_b, id_a FROM corpus_edges""",
    "CREATE OR REPLACE TABLE corpus_labels AS"
    " SELECT DISTINCT u AS id, u AS label FROM corpus_links",
]
_PROPAGATE = """CREATE OR REPLACE TABLE corpus_next AS
    SELECT l.id, least(l.label, min(n.label)) AS label
    FROM corpus_labels l JOIN corpus_links x ON x.u = l.id JOIN corpus_labels n ON n.id = x.v
    GROUP BY l.id, l.label"""
#: The groups of the labelled scope: pairs, then triples, then their keys (as ``group_key``,
#: ``sort_key`` and ``decision_key`` compute them in Python, for the rows new in this export).
_GROUPS = [
    """CREATE OR REPLACE TABLE corpus_names AS
    SELECT l.id, n.url AS label FROM corpus_labels l JOIN corpus_docs n ON n.id = l.label""",
    f"""INSERT INTO corpus_groups (kind, links, found_by, members)
    SELECT e.pair, '{{"' || e.pair || '": "' || e.link || '"}}', {_json_list("e.found_by")},
        [{_member("e.language_a", "a")}, {_member("e.language_b", "b")}]
    FROM corpus_edges e JOIN corpus_docs a ON a.id = e.id_a JOIN corpus_docs b ON b.id = e.id_b
    """,
    f"""CREATE OR REPLACE TABLE corpus_components AS
    SELECT l.label, arg_min(d.url, d.id) AS name, count(*) AS n,
        count(DISTINCT d.language) AS languages,
        {", ".join(f"min(d.id) FILTER (WHERE d.language = '{c}') AS {c}" for c in _LANGUAGES)}
    FROM corpus_labels l JOIN corpus_docs d USING (id) GROUP BY l.label""",
    f"""INSERT INTO corpus_groups (kind, links, found_by, members)
    SELECT '{"-".join(_LANGUAGES)}', '{{' || {_EDGE_LINK} || '}}',
        {_json_list(f"list_concat({_EDGE_FOUND_BY})")},
        [{", ".join(_member(f"'{c}'", f"d_{c}") for c in _LANGUAGES)}]
    FROM corpus_components t
    {" ".join(f"JOIN corpus_docs d_{c} ON d_{c}.id = t.{c}" for c in _LANGUAGES)}
    {_EDGE_JOINS}
    WHERE t.n = {len(_LANGUAGES)} AND t.languages = {len(_LANGUAGES)}
    """,
    """UPDATE corpus_groups SET
        group_key = sha256(kind || chr(31) || array_to_string(list_transform(members,
            lambda m: m.lang || chr(31) || m.url || chr(31) || m.content_hash), chr(31))),
        sort_key = array_to_string(list_transform(members,
            lambda m: coalesce(m.published_at, '') || chr(30) || m.url), chr(31))
    WHERE group_key IS NULL""",
    """UPDATE corpus_groups SET key = sha256(
        group_key || chr(31) || '[' || links || ', ' || found_by || ']' || chr(31)
        || array_to_string(list_transform(members, lambda m: coalesce(m.article_id::VARCHAR,
            'None') || chr(30) || coalesce(m.published_at, 'None')), chr(31)))
    WHERE key IS NULL""",
    "INSERT INTO linked_labels SELECT d.url, n.label FROM corpus_names n JOIN corpus_docs d"
    " USING (id)",
    "INSERT INTO linked_components SELECT name, n, languages FROM corpus_components",
]
#: The working tables of one export (in the corpus store, so DuckDB can evict them).
_SCRATCH = (
    "corpus_docs",
    "corpus_edges",
    "corpus_links",
    "corpus_labels",
    "corpus_next",
    "corpus_names",
    "corpus_components",
    "corpus_scope",
    "corpus_prints_new",
    "corpus_prints_gone",
    "corpus_articles_changed",
)


@dataclass(frozen=True)
class Grouped:
    """What one grouping found and did."""

    missing_side: dict[str, int]  # pair -> linked pairs whose other side was not crawled
    ambiguous_groups: int  # connected groups with two articles of one edition
    regrouped: int  # articles grouped again (all the linked ones when ``whole``)
    whole: bool  # no usable stored groups: everything grouped


def label_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Label every linked article with the smallest id of its connected group: each pass
    gives an article the smallest label of its neighbours, until a pass changes nothing (as
    many passes as the longest path in a group: two or three for stories of three articles)."""
    while True:
        con.execute(_PROPAGATE)
        found = con.execute(
            "SELECT count(*) FROM corpus_next n JOIN corpus_labels l USING (id)"
            " WHERE n.label <> l.label"
        ).fetchone()
        con.execute("DROP TABLE corpus_labels; ALTER TABLE corpus_next RENAME TO corpus_labels")
        if not found or not found[0]:
            return


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the stored groups and what they were made from: the next grouping is whole."""
    con.execute("DROP TABLE IF EXISTS linked_state")
    for table in ("corpus_groups", *_STORED):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _scope(con: duckdb.DuckDBPyConnection) -> int:
    """Fill ``corpus_scope`` with the URLs to group again: those of the articles and
    translation rows whose fingerprints differ from the stored ones, widened to the whole
    groups they are linked in now (any translation row) and were linked in before. Returns
    their number."""
    con.execute(
        "CREATE OR REPLACE TABLE corpus_articles_changed AS"
        f" SELECT url FROM ({_ARTICLE_PRINTS}) ANTI JOIN linked_articles USING (url, h)"
        f" UNION SELECT url FROM linked_articles ANTI JOIN ({_ARTICLE_PRINTS}) USING (url, h)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE corpus_prints_new AS"
        f" SELECT * FROM ({_TRANSLATION_PRINTS}) ANTI JOIN linked_translations USING (h)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE corpus_prints_gone AS"
        f" SELECT * FROM linked_translations ANTI JOIN ({_TRANSLATION_PRINTS}) USING (h)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE corpus_scope AS SELECT url FROM corpus_articles_changed"
        " UNION SELECT url_a FROM corpus_prints_new UNION SELECT url_b FROM corpus_prints_new"
        " UNION SELECT url_a FROM corpus_prints_gone UNION SELECT url_b FROM corpus_prints_gone"
    )
    size = scalar(con, "SELECT count(*) FROM corpus_scope")
    while size:  # widen to whole groups, now and before, until nothing is added
        con.execute(
            "INSERT INTO corpus_scope"
            " SELECT url_b FROM ds.translations WHERE url_a IN (SELECT url FROM corpus_scope)"
            " UNION SELECT url_a FROM ds.translations"
            " WHERE url_b IN (SELECT url FROM corpus_scope)"
            " UNION SELECT url FROM linked_labels WHERE label IN"
            " (SELECT label FROM linked_labels WHERE url IN (SELECT url FROM corpus_scope))"
            " EXCEPT SELECT url FROM corpus_scope"
        )
        grown = scalar(con, "SELECT count(*) FROM corpus_scope")
        if grown == size:
            break
        size = grown
    return size


def group_dataset(con: duckdb.DuckDBPyConnection) -> Grouped:
    """Bring ``corpus_groups`` up to date with the dataset attached as ``ds``, in SQL: no text
    read, no Python object per group; only the groups of what changed are made again (the
    module's docstring)."""
    con.execute("SET TimeZone = 'Asia/Baku'")
    whole = not scalar(
        con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'linked_state'"
    )
    # until the end, the stored groups are not vouched for: a stop half-way groups all again
    if whole:
        forget(con)
        con.execute(GROUPS_TABLE)
        con.execute(_LINKED_TABLES)
        scope = "url IN (SELECT url_a FROM ds.translations UNION SELECT url_b FROM ds.translations)"
    else:
        con.execute("DROP TABLE linked_state")
        _scope(con)
        scope = "url IN (SELECT url FROM corpus_scope)"
        # a group lies in one connected group, and the scope holds whole ones: the groups
        # of the scope are those whose first member is in it
        con.execute(
            "DELETE FROM corpus_groups WHERE members[1].url IN (SELECT url FROM corpus_scope)"
        )
        labels = "SELECT label FROM linked_labels WHERE url IN (SELECT url FROM corpus_scope)"
        con.execute(f"DELETE FROM linked_components WHERE label IN ({labels})")
        con.execute(f"DELETE FROM linked_labels WHERE label IN ({labels})")
    for statement in _EDGES:
        con.execute(statement.format(iso=_iso("published_at"), scope=scope))
    regrouped = scalar(con, "SELECT count(*) FROM corpus_labels")
    label_groups(con)
    for statement in _GROUPS:
        con.execute(statement)
    if whole:
        con.execute(f"INSERT INTO linked_articles {_ARTICLE_PRINTS}")
        con.execute(f"INSERT INTO linked_translations {_TRANSLATION_PRINTS}")
    else:
        con.execute(
            "DELETE FROM linked_articles WHERE url IN (SELECT url FROM corpus_articles_changed)"
        )
        con.execute(
            f"INSERT INTO linked_articles SELECT * FROM ({_ARTICLE_PRINTS})"
            " WHERE url IN (SELECT url FROM corpus_articles_changed)"
        )
        con.execute("DELETE FROM linked_translations WHERE h IN (SELECT h FROM corpus_prints_gone)")
        con.execute("INSERT INTO linked_translations SELECT * FROM corpus_prints_new")
    for table in _SCRATCH:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute("CREATE TABLE linked_state AS SELECT current_timestamp AS grouped_at")
    missing = con.execute(
        "SELECT pair, count(*) FROM ds.translations WHERE NOT both_crawled"
        " GROUP BY pair ORDER BY pair"
    ).fetchall()
    return Grouped(
        missing_side={str(pair): int(n) for pair, n in missing},
        ambiguous_groups=scalar(con, "SELECT count(*) FROM linked_components WHERE n > languages"),
        regrouped=regrouped,
        whole=whole,
    )
