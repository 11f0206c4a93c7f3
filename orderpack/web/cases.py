"""The case folders under CASES_DIR, and every path a request names, kept inside it.

A case is named by its folder's path relative to CASES_DIR (``.`` for CASES_DIR itself).
Anything absolute, with ``..``, a backslash, a hidden part, an encoded slash, or that
resolves (through a link) outside CASES_DIR, is refused as not found.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ORDER_FILE = "order.yaml"
#: How deep below CASES_DIR case folders are looked for.
MAX_DEPTH = 3
SKIPPED = {"out", "node_modules", "__pycache__"}
#: Where uploaded evidence goes in a case folder, by kind.
UPLOAD_FOLDERS = {"image": "screenshots", "pdf": "documents"}
SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "MPO": ".jpg", "WEBP": ".webp", "GIF": ".gif",
            "TIFF": ".tif", "HEIF": ".heic", "PDF": ".pdf"}
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".webp": "image/webp", ".gif": "image/gif", ".pdf": "application/pdf"}


class NotFound(Exception):
    """The request names nothing the page may show."""


@dataclass(frozen=True)
class Root:
    folder: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "folder", self.folder.resolve())

    def cases(self) -> list[str]:
        """Every case under the root, by name, sorted."""
        found = []
        if (self.folder / ORDER_FILE).is_file():
            found.append(".")
        self._walk(self.folder, 1, found)
        return sorted(found)

    def _walk(self, folder: Path, depth: int, found: list[str]) -> None:
        if depth > MAX_DEPTH:
            return
        try:
            children = sorted(folder.iterdir())
        except OSError:
            return
        for child in children:
            if child.name.startswith(".") or child.name in SKIPPED or child.is_symlink():
                continue
            if not child.is_dir():
                continue
            if (child / ORDER_FILE).is_file():
                found.append(child.relative_to(self.folder).as_posix())
            self._walk(child, depth + 1, found)

    def case_folder(self, name: str) -> Path:
        """The folder of case ``name``; :class:`NotFound` unless it is a case inside."""
        folder = self.inside(self.folder, name) if name != "." else self.folder
        if not (folder / ORDER_FILE).is_file():
            raise NotFound(name)
        return folder

    @staticmethod
    def inside(base: Path, name: str) -> Path:
        """``base``/``name``, refusing any name that could lead outside ``base``."""
        parts = name.split("/")
        if (not name or name.startswith("/") or "\\" in name or "\x00" in name
                or "%" in name or ":" in parts[0]
                or any(part in {"", ".", ".."} or part.startswith(".") for part in parts)):
            raise NotFound(name)
        path = base.joinpath(*parts)
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise NotFound(name) from None
        if not resolved.is_relative_to(base.resolve()):
            raise NotFound(name)
        return resolved

    def new_case_folder(self, name: str) -> Path:
        """Where a new case called ``name`` goes: a fresh folder directly in the root."""
        slug = safe_name(name) or "case"
        folder = self.folder / slug
        number = 2
        while folder.exists():
            folder = self.folder / f"{slug}-{number}"
            number += 1
        return folder


def safe_name(text: str, length: int = 60) -> str:
    """``text`` as a file or folder name anyone's system takes: ASCII letters, digits and
    dashes."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text[:length].strip("-")


def unused(folder: Path, stem: str, suffix: str) -> Path:
    """A path in ``folder`` for ``stem``+``suffix`` that names no existing file (never
    overwrite the buyer's originals)."""
    stem = safe_name(stem) or "evidence"
    path = folder / f"{stem}{suffix}"
    number = 2
    while path.exists() or path.is_symlink():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path
