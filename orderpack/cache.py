"""Processed exhibits, kept by content hash so a rebuild redoes nothing that has not changed.

Where: the ``cache_dir`` argument, else ``$ORDERPACK_CACHE_DIR``, else the user's cache
folder (``$XDG_CACHE_HOME/orderpack`` on Linux, ``~/Library/Caches/orderpack`` on macOS,
``%LOCALAPPDATA%\\orderpack\\Cache`` on Windows). Deleting it is always safe.

Each entry is a file named by its key plus a small JSON record of what it is, which names
its key too. Both are written to a temporary file and renamed into place, so a crash never
leaves half an entry; an entry whose record names another key (records swapped or copied)
or whose file does not match the SHA-256 in its record is ignored and redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orderpack.errors import BuildError

ENV_VAR = "ORDERPACK_CACHE_DIR"


def location(cache_dir: Path | None = None) -> Path:
    """The cache folder to use (it may not exist yet)."""
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    import platformdirs  # only where the folder is found: not when validate loads this module

    return Path(platformdirs.user_cache_dir("orderpack", appauthor=False))


def unwritable(root: Path) -> str | None:
    """Why files cannot be stored in the cache folder ``root``, in words; None if they can
    (it is made if need be, and a file written into it and removed)."""
    folder = root / "exhibits"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        os.close(handle)
        Path(name).unlink()
    except (FileExistsError, NotADirectoryError):
        return "a file is in the place of a folder"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def key(*parts: object) -> str:
    """A cache key: the SHA-256 of ``parts`` written as canonical JSON."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class Entry:
    file: Path
    sha256: str
    """Of ``file``."""
    record: dict[str, Any]
    """What was stored with it by :meth:`Cache.put`."""


class Cache:
    """Files by key in ``root/exhibits/``."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "exhibits"

    def get(self, key: str) -> Entry | None:
        """The entry for ``key``, or None if there is none or it is damaged."""
        record_path = self.folder / key[:2] / f"{key}.json"
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
            if record["key"] != key or not re.fullmatch(r"\.[a-z]{1,5}", record["suffix"]):
                return None
            file = record_path.with_name(key + record["suffix"])
            if file_sha256(file) != record["sha256"]:
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return Entry(file=file, sha256=record["sha256"], record=record)

    def put(self, key: str, suffix: str, data: bytes, record: dict[str, Any]) -> Entry:
        """Store ``data`` under ``key`` (``suffix`` like ".png") with ``record``."""
        folder = self.folder / key[:2]
        file = folder / (key + suffix)
        sha256 = hashlib.sha256(data).hexdigest()
        record = {**record, "key": key, "suffix": suffix, "sha256": sha256}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(file, data)
            _write_atomic(folder / f"{key}.json", json.dumps(record, indent=1).encode())
        except OSError as exc:
            raise BuildError(
                f"cannot write to the cache folder {self.folder}: {exc.strerror or exc}; "
                f"free some disk space, or set {ENV_VAR} to a folder you can write to") from None
        return Entry(file=file, sha256=sha256, record=record)


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
