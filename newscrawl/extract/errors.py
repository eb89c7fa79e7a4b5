"""Errors of extraction, each with a short machine-readable reason for the rejects feed."""

from __future__ import annotations


class ExtractionError(Exception):
    """A page that cannot become an article; ``reason`` is a stable code, ``detail`` says more."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
