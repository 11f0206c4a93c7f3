"""Pictures as the buyer sees them, for a front end: the upright size of an evidence file,
and its exhibit rendered by the same image code as the build (redaction boxes included)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from orderpack import evidence, images


@dataclass(frozen=True)
class Picture:
    """An exhibit rendered for a preview."""

    data: bytes
    media_type: str
    width: int
    height: int
    """Of the rendered preview."""
    shown_width: int
    shown_height: int
    """Of the picture as shown (after EXIF orientation), in the pixels redaction boxes use."""
    warnings: tuple[str, ...]


def shown_size(path: Path, name: str) -> tuple[int, int]:
    """Width and height of the image at ``path`` as shown, upright (EXIF orientation applied),
    as `validate` reads them. Raise :class:`~orderpack.errors.OrderFileError` if it is not an
    image orderpack accepts."""
    info = evidence.inspect_file(path, name)
    return info.width, info.height


def render(path: Path, name: str, redact: Sequence[tuple[int, int, int, int]] = (),
           max_side: int = 1200) -> Picture:
    """The exhibit of the image at ``path`` with ``redact`` blacked out, fitted into
    ``max_side`` pixels: what the build makes of it, smaller."""
    width, height = shown_size(path, name)
    settings = images.Settings(max_size=(max_side, max_side))
    result = images.process(path, name, list(redact), settings)
    return Picture(data=result.data, media_type=result.media_type, width=result.width,
                   height=result.height, shown_width=width, shown_height=height,
                   warnings=result.warnings)
