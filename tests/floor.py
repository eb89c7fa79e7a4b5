"""The declared floor of Scrapy and the key libraries, as pip constraints.

``python -m tests.floor`` prints ``name==lowest`` for each key library from the ``>=`` bounds of
``pyproject.toml``; the ``min`` job of ``.ci/run`` installs the project under those constraints
and runs the fast tests, so a floor the code does not work with fails CI.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
#: The libraries whose APIs the crawler leans on (the others follow from them or are leaves).
KEY_LIBRARIES = (
    "scrapy",
    "parsel",
    "lxml",
    "w3lib",
    "pydantic",
    "ftfy",
    "spidermon",
    "trafilatura",
    "lxml_html_clean",
    "warcio",
)


def floors() -> dict[str, str]:
    """Each key library's lowest declared version."""
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    found: dict[str, str] = {}
    for requirement in declared:
        match = re.match(r"^([A-Za-z0-9_.-]+).*?>=\s*([0-9][0-9A-Za-z.]*)", requirement)
        if match and match.group(1).lower() in KEY_LIBRARIES:
            found[match.group(1).lower()] = match.group(2)
    return found


if __name__ == "__main__":
    print("\n".join(f"{name}=={version}" for name, version in floors().items()))
