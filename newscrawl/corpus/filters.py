"""The quality filters of the corpus, tried in order; the first one a group fails drops it."""

from __future__ import annotations

from collections.abc import Callable

from newscrawl.corpus.align import Group
from newscrawl.corpus.script import matches_script

#: Longest side's body / shortest side's body, in characters, at most this.
MAX_LENGTH_RATIO = 2.5

FILTERS = ("empty_side", "wrong_script", "length_ratio", "exact_duplicate", "near_duplicate")


def empty_side(group: Group) -> bool:
    return any(not d.title.strip() or not d.body.strip() for d in group.documents.values())


def wrong_script(group: Group) -> bool:
    return not all(
        matches_script(f"{d.title}\n{d.body}", lang) for lang, d in group.documents.items()
    )


def length_ratio(group: Group) -> float:
    lengths = [len(d.body) for d in group.documents.values()]
    return max(lengths) / max(1, min(lengths))


def bad_length_ratio(group: Group) -> bool:
    return length_ratio(group) > MAX_LENGTH_RATIO


#: The filters that look at one group alone (duplicates need the groups kept before).
SINGLE_FILTERS: tuple[tuple[str, Callable[[Group], bool]], ...] = (
    ("empty_side", empty_side),
    ("wrong_script", wrong_script),
    ("length_ratio", bad_length_ratio),
)
