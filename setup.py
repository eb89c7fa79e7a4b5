"""Kept only because ``scrapyd-deploy`` builds its egg with ``setup.py``; the metadata is in
pyproject.toml."""

from setuptools import find_packages, setup

setup(
    name="newscrawl",
    version="0.1.0",
    packages=find_packages(include=["newscrawl", "newscrawl.*"]),
    entry_points={"scrapy": ["settings = newscrawl.settings"]},
    zip_safe=False,
)
