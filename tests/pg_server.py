"""A throw-away PostgreSQL server for the tests and benchmarks: ``initdb`` into a temporary
directory, ``pg_ctl start`` on a free loopback port, trust authentication for ``postgres``,
``pg_ctl stop`` and the directory removed after. PostgreSQL refuses to run as root: as root
(CI) the server runs as Debian's ``postgres`` user (``runuser``), its directory owned by it.

The binaries are found with ``pg_config --bindir``, else in ``/usr/lib/postgresql/<n>/bin``,
else on the PATH; :func:`find_bindir` is None when there are none (the tests then skip; the
README's set-up and ``.ci/run`` install Debian's ``postgresql``).

``python -m tests.pg_server`` starts one and prints its URL until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

#: The unprivileged account a server started by root runs as.
SERVER_USER = "postgres"


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    candidates: list[Path] = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip():
            candidates.append(Path(done.stdout.strip()))
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += debian
    if (found := shutil.which("initdb")) is not None:
        candidates.append(Path(found).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster in a temporary directory, on 127.0.0.1:``port``. ``durable``:
    fsync and synchronous commit on (the benchmark's figures); off by default (tests)."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="newscrawl-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._databases = itertools.count(1)
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", SERVER_USER, "--"]

    def _run(self, *command: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self._as_user, *command], capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()}\n{log}")

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )

    def start(self) -> None:
        """Start the server (again) on its port (a free one the first time)."""
        options = [
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=''",
            "-c max_connections=60",
            "-c shared_buffers=32MB",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        for attempt in range(5):
            self.port = self.port or free_port()
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "start",
                    "-w",
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    " ".join([f"-p {self.port}", *options]),
                )
                return
            except RuntimeError:
                if attempt == 4:
                    raise
                self.port = 0  # taken meanwhile: another one

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: connections cut, as when an operator stops it)."""
        self._run(str(self.bindir / "pg_ctl"), "stop", "-w", "-D", str(self.data), "-m", mode)

    @property
    def url(self) -> str:
        """The maintenance database's URL."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = name or f"state_{os.getpid()}_{next(self._databases)}"
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        """Stop the server if it runs and remove its directory."""
        with contextlib.suppress(RuntimeError, subprocess.SubprocessError):
            if (self.data / "postmaster.pid").exists():
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def start_server(*, durable: bool = False) -> PostgresServer:
    """A running server; RuntimeError when PostgreSQL is not installed or does not start."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("no PostgreSQL binaries (initdb, pg_ctl): install Debian's postgresql")
    server = PostgresServer(bindir, durable=durable)
    try:
        server.init()
        server.start()
    except BaseException:
        server.remove()
        raise
    return server


def main() -> None:
    server = start_server()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.remove()


if __name__ == "__main__":
    main()


def server_or_skip() -> PostgresServer:
    """:func:`start_server` for a test fixture: the test is skipped, with the reason, only when
    PostgreSQL is not installed (the README's set-up and .ci/run install it)."""
    import pytest

    try:
        return start_server()
    except RuntimeError as exc:
        if "no PostgreSQL binaries" in str(exc):
            pytest.skip(f"{exc} (the README's set-up and .ci/run install it)")
        raise
