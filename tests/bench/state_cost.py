"""What the state costs per article in each store: SQLite (a file, WAL, ``synchronous=NORMAL``,
as a run opens it) and PostgreSQL (a local server of its own on loopback TCP, fsync and
synchronous commit on: durable as a production server).

``python -m tests.bench.state_cost --articles 2000`` times, per article, the calls a run makes:
``record`` (the article's row after its line, one commit each), ``get`` (the dedup pipeline's
look-up), ``touch`` (an unchanged revisit), ``fenced record`` (the row written in a transaction
that checks the unit's fencing token first), ``committed line`` (what a run over a shared state
does per article: token checked, the row written unless that revision is held, the file's
committed size advanced in the manifest, one transaction) and, per unit, ``claim + complete``. The figures in
``docs/benchmarks.md`` ("State stores (#20)") come from it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newscrawl.store import ManifestEntry, StateStore
from tests.pg_server import start_server

Timings = dict[str, float]


def _open_file(n: int) -> ManifestEntry:
    """The manifest row of a run's open file after its line ``n``."""
    return ManifestEntry(
        *("en/report-bench.jsonl", "bench", "bench", "en", n + 1, (n + 1) * 4096, ""),
        *(False, "/srv/output", "2025-10-23T16:02:00+00:00"),
    )


def _article(store: StateStore, n: int, revision: int = 1, strict: bool = False) -> bool:
    return store.record(
        url=f"https://report.az/en/energy/article-{n}",
        language="en",
        article_id=n,
        content_hash=f"{n:064x}",
        title=f"Article {n}",
        revision=revision,
        published_at="2025-10-23T20:02:00+04:00",
        seen_at="2025-10-23T16:02:00+00:00",
        archive={"file": "archive/report-1.warc.gz", "offset": n * 4096},
        record_hash=f"{n:064x}",
        validators=(f'"{n}"', None),
        strict=strict,
    )


def _timed(count: int, call: Callable[[int], object]) -> float:
    """Microseconds per call of ``call(n)`` for n in range(count)."""
    started = time.perf_counter()
    for n in range(count):
        call(n)
    return (time.perf_counter() - started) / count * 1e6


def measure(target: str, articles: int) -> Timings:
    store = StateStore(target)
    units = max(1, articles // 10)
    store.add_units([(f"hole:en:{n:06}", "hole", {"n": n}) for n in range(units)])
    lease = store.claim("bench", 3600)
    assert lease is not None
    result = {
        "record": _timed(articles, lambda n: _article(store, n)),
        "get": _timed(articles, lambda n: store.get(f"https://report.az/en/energy/article-{n}")),
        "touch": _timed(
            articles,
            lambda n: store.touch(
                f"https://report.az/en/energy/article-{n}", "2025-10-24T16:02:00+00:00"
            ),
        ),
        "fenced record": _timed(
            articles, lambda n: store.fenced(lease, lambda: _article(store, n, revision=2))
        ),
        "committed line": _timed(
            articles,
            lambda n: store.commit_line(
                lease, _open_file(n), lambda: _article(store, n, revision=3, strict=True)
            ),
        ),
    }
    store.complete(lease)

    def claim_complete(_: int) -> None:
        taken = store.claim("bench", 60)
        assert taken is not None
        store.complete(taken)

    result["claim + complete (per unit)"] = _timed(units - 1, claim_complete)
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="state-cost-"))
    results = {"SQLite": measure(str(root / "state.sqlite"), options.articles)}
    server = start_server(durable=True)
    try:
        results["PostgreSQL"] = measure(server.create_database(), options.articles)
    finally:
        server.remove()
    names = list(results["SQLite"])
    print(f"{'per article (µs)':<28}" + "".join(f"{store:>14}" for store in results))
    for name in names:
        print(f"{name:<28}" + "".join(f"{results[s][name]:>14.0f}" for s in results))


if __name__ == "__main__":
    main()
