"""The web page's memories (images found whole, order files parsed, previews rendered) keep
at most their limit, and forget the oldest first."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from orderpack.evidence import WholeImages
from orderpack.pictures import Picture
from orderpack.web import orderfile
from orderpack.web.previews import Previews


def test_the_images_found_whole_are_remembered_up_to_the_limit() -> None:
    memory = WholeImages(limit=2)
    for digest in (b"a", b"b", b"c"):
        memory.add(digest)
    assert [digest in memory for digest in (b"a", b"b", b"c")] == [False, True, True]


def test_the_order_files_parsed_are_kept_up_to_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[bytes] = []
    real = orderfile._parsed

    def counted(raw: bytes) -> object:
        parsed.append(raw)
        return real(raw)

    monkeypatch.setattr(orderfile, "_parsed", counted)
    reader = orderfile.Reader(limit=2)
    files = []
    for name in ("a", "b", "c"):
        (tmp_path / name).write_text(f"name: {name}\n", encoding="utf-8")
        files.append(tmp_path / name)
        reader.read(files[-1])
    reader.read(files[2])  # kept
    assert len(parsed) == 3
    reader.read(files[0])  # the oldest, forgotten: parsed again
    assert len(parsed) == 4


def test_the_previews_are_kept_up_to_the_limit(tmp_path: Path) -> None:
    previews = Previews(limit=2)
    made: list[int] = []
    picture = tmp_path / "screen.png"
    picture.write_bytes(b"the same bytes each time")

    def render(side: int) -> Picture:
        made.append(side)
        return Picture(b"png", "image/png", side, side, side, side, ())

    for side in (100, 200, 300, 300):
        previews.get(picture, [], side, functools.partial(render, side))
    assert made == [100, 200, 300]  # the fourth was kept
    previews.get(picture, [], 100, lambda: render(100))  # the oldest, forgotten
    assert made == [100, 200, 300, 100]
