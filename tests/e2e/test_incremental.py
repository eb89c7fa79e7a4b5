"""Two runs with one state file while the replica's clock moves on: the second run writes
exactly the new articles and the edited ones (revision 2), nothing unchanged, and refuses the
article republished under a new slug as a duplicate of the original."""

from __future__ import annotations

from pathlib import Path

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer

#: Every known article due on every run (what ``-a recheck_hours=10000`` did before).
REVISIT_ALL = {"NEWSCRAWL_REVISIT_SHARE": "0", "NEWSCRAWL_EDIT_HORIZON_HOURS": "1000000"}


def _key(article: dict[str, object]) -> tuple[object, object]:
    return article["title"], article["body"]


def test_second_run_writes_only_new_and_edited_articles(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    output = tmp_path / "output"
    with ReplicaServer(articles=60, seed=11) as replica:
        before = {a["url"]: a for a in replica.truth()}
        first = run_crawl(replica.base_url, output, state=state, arguments={"max_pages": "100"})
        assert first.returncode == 0, first.log[-3000:]
        exported_first = {a["url"] for a in first.all_articles()}
        assert exported_first == {u for u, a in before.items() if not a.get("republished_from")}

        replica.advance(120)
        after = {a["url"]: a for a in replica.truth()}
        # revisit share 0 over a horizon that holds the whole replica: every known article is
        # due, so edits of the body alone are seen too
        second = run_crawl(
            replica.base_url,
            output,
            state=state,
            arguments={"max_pages": "100"},
            settings=REVISIT_ALL,
        )
    assert second.returncode == 0, second.log[-3000:]

    new = {u for u, a in after.items() if u not in before and not a.get("republished_from")}
    edited = {u for u, a in after.items() if u in before and _key(a) != _key(before[u])}
    republished = {u: a["republished_from"] for u, a in after.items() if a.get("republished_from")}
    assert new, "the replica should publish new articles within two hours"
    assert edited, "the replica should edit some articles within two hours"
    assert republished, "the replica should republish one article within two hours"

    items = {a["url"]: a for a in second.all_articles()}
    assert set(items) == new | edited
    assert all(items[u]["revision"] == 1 for u in new)
    assert all(items[u]["revision"] == 2 for u in edited)
    for url in edited:
        assert items[url]["title"] == after[url]["title"]
        assert items[url]["body"] == after[url]["body"]

    duplicates = {r["url"]: r["detail"] for r in second.rejects if r["reason"] == "duplicate_of"}
    for url, original in republished.items():
        assert duplicates.get(url, "").startswith(f"same title and body as {original} ")

    for language, figures in second.stats["editions"].items():
        language_urls = {u for u in after if after[u]["language"] == language}
        assert figures["new"] == len(new & language_urls)
        assert figures["updated"] == len(edited & language_urls)
        unchanged = language_urls - new - edited - set(republished)
        assert figures["unchanged"] == len(unchanged)
        assert figures["duplicates"].get("content", 0) == len(set(republished) & language_urls)


def test_a_state_used_against_another_site_keeps_its_marks_apart(tmp_path: Path) -> None:
    """The state remembers each edition's feed URL and how far the last run walked; a run
    against another ``base_url`` (a mirror, the replica on another port) with that state
    neither contacts the first site nor stops its walk at the first site's mark."""
    state = tmp_path / "state.sqlite"
    with ReplicaServer(articles=40, seed=5) as first_site:
        first_site.advance(600)  # its newest cards are ten hours newer than the other site's
        first = run_crawl(first_site.base_url, tmp_path / "first", state=state)
        assert first.returncode == 0, first.log[-3000:]
        first_netloc = first_site.base_url.split("//", 1)[1]
    with ReplicaServer(articles=40, seed=5) as other_site:
        second = run_crawl(other_site.base_url, tmp_path / "other", state=state)
        expected = {a["url"] for a in other_site.truth() if not a.get("republished_from")}
    assert second.returncode == 0, second.log[-3000:]
    assert first_netloc not in second.log
    assert {a["url"] for a in second.all_articles()} == expected
