"""Test markers, set in one place: ``make test`` runs everything, ``make test-fast`` (pytest
``-m "not e2e and not slow"``) the unit tests, in under a minute.

- ``e2e``: crawls of the local replica and what reads their output (``tests/e2e/``,
  ``tests/dataset/``);
- ``slow``: a ``scrapy`` command in a subprocess, or a crawl, outside those folders.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile import table as hostile_table
from tests.pg_server import PostgresServer, server_or_skip

E2E_PATHS = ("tests/e2e/", "tests/dataset/", "tests/hostile/")
SLOW_PATHS = ("tests/test_commands.py", "tests/bench/test_startup.py", "tests/state/test_nodes.py")
SLOW_TESTS = (
    "tests/archive/test_archive.py::test_scrapy_check_writes_nothing_to_the_archive",
    "tests/bench/test_bench.py::test_polite_crawls_on_a_tiny_replica",
)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without workers)
        hostile_table.start()
    config.addinivalue_line("markers", "e2e: a crawl of the local replica (make test-fast skips)")
    config.addinivalue_line("markers", "slow: a scrapy command in a subprocess (test-fast skips)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path.startswith(E2E_PATHS):
            item.add_marker(pytest.mark.e2e)
        elif path in SLOW_PATHS or item.nodeid.split("[", 1)[0] in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The hostile suite's table of measured runs (``tests/hostile/table.py``)."""
    if hasattr(terminalreporter.config, "workerinput"):
        return
    if (summary := hostile_table.finish()) is not None:
        title, text = summary
        terminalreporter.write_sep("-", title)
        terminalreporter.write_line(text)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test process (each pytest-xdist worker starts its own),
    stopped at the end; skipped only when PostgreSQL is not installed (tests/pg_server.py)."""
    server = server_or_skip()
    yield server
    server.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def state_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a state lives, in each backend: a SQLite file, a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite")
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database()
