"""The evidence pictures the page has rendered (thumbnails, the redaction editor's preview),
kept by what they were made of: a case page shows a thumbnail of every picture on each
view, and rendering one (decoding, blacking out, scaling, encoding) costs some 100 ms.

A rendition is kept under the SHA-256 of the file's bytes, its boxes and its size, and
given again only for those very bytes: the file is read and hashed on every request, and
a rendition is kept only if the file was the same after it was made as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cachetools import FIFOCache

if TYPE_CHECKING:
    from orderpack.pictures import Picture

Box = tuple[int, int, int, int]
#: A rendition larger than this is made again each time rather than kept.
LARGEST_KEPT = 4 * 1024 * 1024


class Previews:
    """The renditions made so far, at most ``limit`` of them (the oldest go first)."""

    def __init__(self, limit: int = 64) -> None:
        self._kept: FIFOCache[tuple[bytes, tuple[Box, ...], int], Picture] = FIFOCache(
            maxsize=limit)

    def get(self, path: Path, boxes: Sequence[Box], side: int,
            render: Callable[[], Picture]) -> Picture:
        """The rendition of the file at ``path`` with ``boxes`` in ``side`` pixels: kept, or
        made by ``render`` (which reads the file itself)."""
        key = (_digest(path), tuple(boxes), side)
        picture = self._kept.get(key)
        if picture is not None:
            return picture
        picture = render()
        if len(picture.data) <= LARGEST_KEPT and _digest(path) == key[0]:
            self._kept[key] = picture
        return picture


def _digest(path: Path) -> bytes:
    with path.open("rb") as handle:  # read in pieces: the API refuses a file too large
        return hashlib.file_digest(handle, "sha256").digest()
