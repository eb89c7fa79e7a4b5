"""The data package beside the crawler: ``scrapy crawl report`` loads only its thin command
module (Scrapy loads every command at each start), the crawler never imports it, and without
the ``data`` extra its commands end with one line saying how to install it."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.crawl import ROOT, crawl_command
from tests.site.harness import ReplicaServer

HEAVY = {"duckdb", "matplotlib", "numpy", "pandas", "pyarrow"}


#: ``python -m scrapy ...`` that writes the names of every module imported when it exits.
RUN_AND_LIST_MODULES = (
    "import atexit, runpy, sys\n"
    "listing = sys.argv.pop(1)\n"
    "atexit.register(lambda: open(listing, 'w').write('\\n'.join(sorted(sys.modules))))\n"
    "runpy.run_module('scrapy', run_name='__main__', alter_sys=True)\n"
)


def test_a_crawl_imports_no_heavy_module(tmp_path: Path) -> None:
    listing = tmp_path / "modules.txt"
    with ReplicaServer(articles=8, seed=3) as replica:
        command, env = crawl_command(
            replica.base_url, tmp_path / "output", arguments={"editions": "en", "max_pages": "1"}
        )
        done = subprocess.run(
            [command[0], "-c", RUN_AND_LIST_MODULES, str(listing), *command[3:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    imported = set(listing.read_text().split())
    assert "newscrawl.spiders.report" in imported and "newscrawl_data.commands" in imported
    assert {name.split(".")[0] for name in imported} & HEAVY == set()
    assert {n for n in imported if n.startswith("newscrawl_data")} == {
        "newscrawl_data",
        "newscrawl_data.commands",
    }


def test_the_crawler_never_imports_the_data_package() -> None:
    for path in (ROOT / "newscrawl").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not [n for n in names if n.split(".")[0] == "newscrawl_data"], path


def test_without_the_extra_each_command_says_how_to_install_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    missing.mkdir()
    for name in ("duckdb", "matplotlib"):  # as if the data extra were not installed
        (missing / f"{name}.py").write_text(
            f"raise ModuleNotFoundError({f'No module named {name!r}'!r}, name={name!r})\n"
        )
    env = {
        **os.environ,
        "NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "output"),
        "PYTHONPATH": os.pathsep.join([str(missing), str(ROOT)]),
    }
    for command in ("export", "htmlreport"):
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert done.stdout == ""
        assert done.stderr.splitlines() == [
            f"scrapy {command} needs the data extra (duckdb is missing): pip install -e '.[data]'"
        ]
