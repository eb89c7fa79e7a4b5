"""An operator's first week (issue 14) and output safe to consume (issue 12, item 5), on the
replica: ``-o`` with the state on, a stats file with the same keys in a healthy, a locked and a
killed-then-recovered run (checked against docs/schemas/), temporary ``.part`` names until the
run closes, unique run ids for jobs started together, retention, and a scheduled run that is
silent at WARNING."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.crawl import ROOT, CrawlResult, crawl_command, read_jsonl, run_crawl, start_crawl
from tests.e2e.test_crash import SLOW, _kill, _run_until
from tests.site.harness import ReplicaServer

SCHEMAS = ROOT / "docs" / "schemas"


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    return loaded


def assert_valid(instance: Any, name: str) -> None:
    jsonschema.validate(instance, schema(name), cls=jsonschema.Draft202012Validator)


def stats_files(output: Path) -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text("utf-8")) for path in sorted((output / "stats").glob("*.json"))
    ]


# -- the stats file, the article and reject lines against their schemas ---------------------
def test_schemas_are_valid_json_schemas() -> None:
    for name in ("article", "reject", "stats"):
        jsonschema.Draft202012Validator.check_schema(schema(name))


def test_healthy_run_matches_the_schemas(full_crawl: CrawlResult) -> None:
    assert full_crawl.returncode == 0, full_crawl.log[-3000:]
    assert_valid(full_crawl.stats, "stats")
    for article in full_crawl.all_articles():
        assert_valid(article, "article")
    for reject in full_crawl.rejects:  # the failed runs of test_faults.py have some
        assert_valid(reject, "reject")
    stats = full_crawl.stats
    assert stats["health"]["checked"] is True and stats["health"]["ok"] is True
    assert stats["previous_run"] == {"finished": True, "recovered_articles": 0}
    assert stats["exit_code"] == 0 and stats["version"]["package"]
    assert stats["arguments"]["max_pages"] == 100


def test_files_in_the_stats_are_complete_with_lines_and_checksums(
    full_crawl: CrawlResult,
) -> None:
    listed = {entry["path"]: entry for entry in full_crawl.stats["files"]}
    on_disk = {
        str(path.relative_to(full_crawl.output_dir))
        for paths in full_crawl.files.values()
        for path in paths
    }
    assert set(listed) == on_disk
    for relative, entry in listed.items():
        data = (full_crawl.output_dir / relative).read_bytes()
        assert entry["lines"] == data.count(b"\n") and entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert not list(full_crawl.output_dir.rglob("*.part")), "every temporary name renamed"


def test_stats_and_lines_are_world_readable(full_crawl: CrawlResult) -> None:
    for path in [*full_crawl.output_dir.rglob("*.json"), *full_crawl.output_dir.rglob("*.jsonl")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_locked_run_has_the_same_keys(replica: ReplicaServer, tmp_path: Path) -> None:
    import fcntl

    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    with (tmp_path / "state.sqlite.lock").open("a+") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run_crawl(replica.base_url, output, state=state)
    assert result.returncode == 75
    assert_valid(result.stats, "stats")
    assert result.stats["health"] == {"checked": False, "ok": None, "failures": [], "warnings": []}
    assert result.stats["state"]["locked"] is True and result.stats["exit_code"] == 75


def test_killed_run_is_recovered_and_reported(tmp_path: Path) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    with ReplicaServer(articles=60, seed=3) as replica:
        process = start_crawl(
            replica.base_url, output, state=state, arguments={"max_pages": "100"}, settings=SLOW
        )
        try:
            # until the en file has lines (the editions' articles come in no fixed order)
            _run_until(process, f"Scraped from <200 {replica.base_url}/en/", 3)
            # while the run writes, consumers' globs see nothing of it
            assert list(output.glob("*/.report-*.jsonl.part"))
            assert not list(output.glob("*/*.jsonl"))
        finally:
            _kill(process)
        assert not (output / "stats").exists()  # a killed run leaves no stats file
        rerun = run_crawl(replica.base_url, output, state=state, arguments={"max_pages": "100"})
    assert rerun.returncode == 0, rerun.log[-3000:]
    assert_valid(rerun.stats, "stats")
    previous = rerun.stats["previous_run"]
    assert previous["finished"] is False and previous["recovered_articles"] >= 0
    assert not list(output.rglob("*.part")), "recovery renamed the killed run's files"
    assert len(list(output.glob("en/report-*.jsonl"))) == 2


# -- Scrapy habits ----------------------------------------------------------------------------
def test_o_adds_a_feed_and_the_state_counts_only_output_language_files(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    state, output, extra = tmp_path / "state.sqlite", tmp_path / "output", tmp_path / "test.json"
    command, env = crawl_command(
        replica.base_url, output, state=state, arguments={"editions": "en", "max_pages": "2"}
    )
    completed = subprocess.run(
        [*command, "-o", str(extra)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    (en_file,) = (output / "en").glob("report-*.jsonl")
    per_language = {a["url"] for a in read_jsonl(en_file)}
    assert per_language and {a["url"] for a in json.loads(extra.read_text("utf-8"))} == (
        per_language
    )
    # the next run finds them known: nothing is lost to test.json
    again = run_crawl(
        replica.base_url, output, state=state, arguments={"editions": "en", "max_pages": "2"}
    )
    assert again.returncode == 0
    # (what it writes is the first run's history hole, below its two pages)
    assert not {a["url"] for a in again.articles["en"]} & per_language


def test_two_jobs_started_together_never_share_a_file(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    processes = [
        start_crawl(replica.base_url, output, arguments={"editions": "en", "max_pages": "1"})
        for _ in range(2)
    ]
    processes.append(
        start_crawl(
            replica.base_url,
            output,
            arguments={"editions": "en", "max_pages": "1", "_job": "job-from-scrapyd"},
        )
    )
    for process in processes:
        process.communicate(timeout=120)
        assert process.returncode == 0
    runs = stats_files(output)
    assert len({run["run_id"] for run in runs}) == 3
    assert any(run["run_id"].endswith("-job-from-scrapyd") for run in runs)
    assert {run["job_id"] for run in runs} >= {"job-from-scrapyd", None}
    files = sorted((output / "en").glob("report-*.jsonl"))
    assert len(files) == 3
    assert all(len(read_jsonl(path)) == len(read_jsonl(files[0])) > 0 for path in files)


def test_retention_removes_old_stats_and_rejects_only(
    replica: ReplicaServer, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    old = time.time() - 10 * 86400
    for kind, name in (("stats", "report-old.json"), ("rejects", "report-old.jsonl")):
        (output / kind).mkdir(parents=True)
        (output / kind / name).write_text("{}\n")
        os.utime(output / kind / name, (old, old))
    (output / "en").mkdir()
    (output / "en" / "report-old.jsonl").write_text("{}\n")
    os.utime(output / "en" / "report-old.jsonl", (old, old))
    result = run_crawl(
        replica.base_url,
        output,
        arguments={"editions": "en", "max_pages": "1"},
        settings={"NEWSCRAWL_RETENTION_DAYS": "7"},
    )
    assert result.returncode == 0
    assert result.stats["retention"] == {
        "days": 7.0,
        "removed": 2,
        "stats_days": 7.0,
        "rejects_days": 7.0,
        "archive_days": None,
        "archive_removed": 0,
    }
    assert not (output / "stats" / "report-old.json").exists()
    assert (output / "en" / "report-old.jsonl").exists()


# -- quiet by default where it runs unattended -----------------------------------------------
@pytest.mark.parametrize("runs", [2])
def test_a_healthy_scheduled_run_prints_nothing_at_warning(
    replica: ReplicaServer, tmp_path: Path, runs: int
) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    for _ in range(runs):  # the first run, then an incremental one
        result = run_crawl(
            replica.base_url,
            output,
            state=state,
            arguments={"max_pages": "100"},
            settings={"LOG_LEVEL": "WARNING"},
        )
        assert result.returncode == 0, result.log
        assert result.log == ""
