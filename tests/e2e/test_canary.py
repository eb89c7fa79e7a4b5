"""``scrapy canary`` against the replica: healthy it exits 0 with every edition OK; with an
edition behind a firewall, a feed link removed and an article layout mutated it exits 3 and
names each failing edition and check. It writes nothing but the fixtures it is asked for."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.crawl import FAST_SETTINGS, run_scrapy
from tests.site.harness import ReplicaServer

CHECKS = ("home", "feed_link", "feed", "article")


def _canary(base_url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_scrapy(
        ["canary", "--base-url", base_url, *extra],
        tmp_path / "output",
        state=tmp_path / "state.sqlite",
        settings=FAST_SETTINGS,
        timeout=120,
    )


def _results(stdout: str) -> dict[tuple[str, str], str]:
    rows = re.findall(r"^(az|en|ru|site)\s+(\w+)\s+(OK|FAIL)\s", stdout, flags=re.MULTILINE)
    return {(edition, check): result for edition, check, result in rows}


def test_healthy_replica_passes_and_nothing_is_written(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    with ReplicaServer(articles=40, seed=2) as replica:
        run = _canary(replica.base_url, tmp_path, "--save-fixtures", str(fixtures))
    assert run.returncode == 0, run.stdout[-3000:]
    expected = {(e, c): "OK" for e in ("az", "en", "ru") for c in CHECKS}
    assert _results(run.stdout) == {**expected, ("site", "robots"): "OK"}
    assert run.stdout.strip().splitlines()[-1] == "RESULT: OK (az, en, ru passed every check)"
    assert "feed from home_link" in run.stdout
    # no state, no output, no archive: only the fixtures asked for
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fixtures"]
    names = sorted(p.name for p in fixtures.iterdir())
    assert all(
        re.fullmatch(r"(az|en|ru|site)-\d{3}-(home|feed|article|robots)\.\w+", n) for n in names
    )
    assert {"en-001-home.html", "en-002-feed.html"} <= set(names)
    article = json.loads((fixtures / "en-003-article.json").read_text(encoding="utf-8"))
    assert article["language"] == "en" and article["layout"] in ("current", "2019", "oldest")
    assert (fixtures / "en-003-article.html").read_bytes().startswith(b"<!DOCTYPE html>")


def test_faults_fail_and_are_named(tmp_path: Path) -> None:
    faults = ["403,edition=ru", "no_feed_link,edition=en", "markup_change,edition=az"]
    with ReplicaServer(articles=40, seed=2, faults=faults) as replica:
        run = _canary(replica.base_url, tmp_path, "--editions", "az,en,ru")
    assert run.returncode == 3, run.stdout[-3000:]
    results = _results(run.stdout)
    failing = {key for key, result in results.items() if result == "FAIL"}
    assert {("ru", check) for check in CHECKS} <= failing
    assert {key for key in failing if key[0] == "en"} == {("en", "feed_link")}
    assert {key for key in failing if key[0] == "az"} == {("az", "article")}
    verdict = run.stdout.strip().splitlines()[-1]
    assert (
        verdict == "RESULT: FAIL (az: article; en: feed_link; ru: home, feed_link, feed, article)"
    )
    assert "the article markup is not recognised" in run.stdout
