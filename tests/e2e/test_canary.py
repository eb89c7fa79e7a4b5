"""``scrapy canary`` against the replica: healthy it exits 0 with every edition OK; with an
edition behind a firewall, a feed link removed and an article layout mutated it exits 3 and
names each failing edition and check. It writes nothing but the fixtures it is asked for."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.crawl import FAST_SETTINGS, run_scrapy
from tests.site.harness import ReplicaServer


def _canary(base_url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_scrapy(
        ["canary", "--base-url", base_url, *extra],
        tmp_path / "output",
        state=tmp_path / "state.sqlite",
        settings=FAST_SETTINGS,
        timeout=120,
    )


def _results(stdout: str) -> dict[tuple[str, str], str]:
    rows = re.findall(r"^(az|en|ru)\s+(\w+)\s+(OK|FAIL)\s", stdout, flags=re.MULTILINE)
    return {(edition, check): result for edition, check, result in rows}


def test_healthy_replica_passes_and_nothing_is_written(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    with ReplicaServer(articles=40, seed=2) as replica:
        run = _canary(replica.base_url, tmp_path, "--save-fixtures", str(fixtures))
    assert run.returncode == 0, run.stdout[-3000:]
    results = _results(run.stdout)
    checks = ("home", "feed_link", "feed", "scroll", "rss", "robots", "article")
    assert results == {(e, c): "OK" for e in ("az", "en", "ru") for c in checks}
    assert "RESULT: OK" in run.stdout
    assert "home link -> " in run.stdout
    assert not (tmp_path / "output").exists() and not (tmp_path / "state.sqlite").exists()
    names = sorted(p.name for p in fixtures.iterdir())
    assert all(
        re.fullmatch(r"(az|en|ru)-\d{3}-(home|feed|scroll|rss|article)\.\w+", n) for n in names
    )
    assert {"en-001-home.html", "en-001-rss.xml"} & set(names)
    assert any(n.endswith("-article.json") for n in names)


def test_faults_fail_and_are_named(tmp_path: Path) -> None:
    faults = ["403,edition=ru", "no_feed_link,edition=en", "markup_change,edition=az"]
    with ReplicaServer(articles=40, seed=2, faults=faults) as replica:
        run = _canary(replica.base_url, tmp_path, "--editions", "az,en,ru")
    assert run.returncode == 3, run.stdout[-3000:]
    results = _results(run.stdout)
    failing = {key for key, result in results.items() if result == "FAIL"}
    assert {("ru", "home"), ("ru", "feed"), ("ru", "rss"), ("ru", "article")} <= failing
    assert ("en", "feed_link") in failing  # the fallback path is not the feed's real path
    assert ("az", "article") in failing and ("az", "feed_link") not in failing
    assert {key for key in failing if key[0] == "az"} == {("az", "article")}
    verdict = run.stdout.strip().splitlines()[-1]
    assert verdict.startswith("RESULT: FAIL")
    for edition in ("az", "en", "ru"):
        assert f"{edition}: " in verdict
    assert "not recognised" in run.stdout
