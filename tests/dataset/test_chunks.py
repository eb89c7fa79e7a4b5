"""``merge_into``: a corpus file rewritten from the first row that changed, its prefix left
in place, gives the file a whole rewrite gives; a wrong offset or order leaves it untouched."""

from __future__ import annotations

import json
from pathlib import Path

from newscrawl_data.chunks import line_id, merge_into


def _line(id_: str) -> str:
    return json.dumps({"id": id_, "text": f"row {id_} ə"}, ensure_ascii=False) + "\n"


def _file(path: Path, ids: list[str]) -> int:
    """Writes the rows ``ids``; returns the byte offset of the third row."""
    path.write_text("".join(_line(i) for i in ids), encoding="utf-8")
    return sum(len(_line(i).encode("utf-8")) for i in ids[:2])


def test_a_merge_from_an_offset_rewrites_the_tail_only(tmp_path: Path) -> None:
    whole, tail = tmp_path / "whole.jsonl", tmp_path / "tail.jsonl"
    ids = ["a", "b", "c", "d", "e"]
    _file(whole, ids)
    start = _file(tail, ids)
    inode = tail.stat().st_ino
    # c goes, x arrives between d and e
    order = [("a", False, 1), ("b", False, 1), ("d", False, 1), ("x", True, 1), ("e", False, 1)]
    assert merge_into(whole, iter(order), iter([_line("x")]), {"c"})
    assert merge_into(tail, iter(order[2:]), iter([_line("x")]), {"c"}, line_id, start)
    assert tail.read_bytes() == whole.read_bytes()
    assert [line_id(line) for line in tail.read_bytes().splitlines()] == ["a", "b", "d", "x", "e"]
    assert tail.stat().st_ino == inode  # changed in place, not replaced
    assert not (tmp_path / "tail.jsonl.tmp").exists()


def test_an_offset_off_a_line_end_or_a_wrong_order_leaves_the_file_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rows.jsonl"
    start = _file(path, ["a", "b", "c"])
    before = path.read_bytes()
    order = [("c", False, 1), ("x", True, 1)]
    assert not merge_into(path, iter(order), iter([_line("x")]), set(), line_id, start - 1)
    assert not merge_into(path, iter([("b", False, 1)]), iter([]), set(), line_id, start)
    assert not merge_into(path, iter(order), iter([_line("x")]), set(), line_id, len(before) + 5)
    assert path.read_bytes() == before
    assert not (tmp_path / "rows.jsonl.tmp").exists()
