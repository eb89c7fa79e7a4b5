"""Work units across processes over one PostgreSQL state (issue 20, the store's half): a node
killed with SIGKILL mid-unit loses its lease and another resumes the unit from its checkpoint,
nothing lost nor written twice; a node stopped (SIGSTOP) past its lease and continued has its
late writes refused. The nodes are ``tests/state/unit_worker.py`` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newscrawl.store import StateStore
from tests.pg_server import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
STEPS = 8


class Node:
    """One worker process and the lines it printed."""

    def __init__(self, state: str, name: str, lease: float) -> None:
        self.name = name
        self.lines: list[str] = []
        command = [sys.executable, "-m", "tests.state.unit_worker", state, name, str(lease)]
        self.process = subprocess.Popen(
            [*command, str(STEPS)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.strip())

    def wait_for(self, test: Callable[[str], bool], timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if test(line):
                    return line
            time.sleep(0.02)
        raise AssertionError(f"{self.name}: nothing matched in {self.lines}")

    def finish(self) -> None:
        self.process.wait(60)
        self._reader.join(5)


@pytest.fixture
def state(pg_server: PostgresServer) -> Iterator[str]:
    url = pg_server.create_database()
    store = StateStore(url)
    store.add_units([(f"hole:en:{n}", "hole", {"n": n}) for n in range(6)])
    store.close()
    yield url


def _rows(url: str) -> dict[str, str]:
    store = StateStore(url)
    rows = store.connection.execute("SELECT url, title FROM articles").fetchall()
    units = store.units()
    store.close()
    assert all(unit.done for unit in units)
    return {str(u): str(t) for u, t in rows}


def test_a_killed_nodes_unit_is_resumed_from_its_checkpoint(state: str) -> None:
    nodes = [Node(state, f"node-{n}", lease=1.0) for n in range(3)]
    victim = nodes[0]
    line = victim.wait_for(lambda line: line.startswith("wrote ") and line.endswith(" 4"))
    unit = line.split()[1]
    victim.process.send_signal(signal.SIGKILL)
    for node in nodes:
        node.finish()
    written = [int(n.split()[2]) for n in victim.lines if n.startswith(f"wrote {unit} ")]
    resumed = [n for node in nodes[1:] for n in node.lines if n.startswith(f"claimed {unit} ")]
    assert resumed == [f"claimed {unit} token 2 from {max(written) + 1}"]
    rows = _rows(state)
    assert len(rows) == 6 * STEPS  # every step of every unit: none lost
    for step in range(STEPS):  # the unit's steps: the dead node's, then its successor's
        writer = rows[f"https://report.az/en/{unit}/{step}"]
        assert (writer == victim.name) is (step <= max(written))


def test_a_node_stopped_past_its_lease_has_its_late_writes_refused(state: str) -> None:
    sleeper, other = Node(state, "node-a", lease=0.8), Node(state, "node-b", lease=0.8)
    line = sleeper.wait_for(lambda line: line.startswith("wrote ") and line.endswith(" 2"))
    unit = line.split()[1]
    sleeper.process.send_signal(signal.SIGSTOP)
    taken = other.wait_for(lambda line: line.startswith(f"claimed {unit} token 2 "))
    sleeper.process.send_signal(signal.SIGCONT)
    sleeper.wait_for(lambda line: line == f"lost {unit}")
    sleeper.finish()
    other.finish()
    start = int(taken.rsplit(" ", 1)[1])
    late = [
        n for n in sleeper.lines if n.startswith(f"wrote {unit} ") and int(n.split()[2]) >= start
    ]
    assert late == []  # nothing it wrote after its successor took over
    rows = _rows(state)
    assert len(rows) == 6 * STEPS
    assert all(rows[f"https://report.az/en/{unit}/{s}"] == "node-b" for s in range(start, STEPS))
