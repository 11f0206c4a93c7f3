"""manifest.json: what went into a packet and what came out, with SHA-256 — read back to
know whether a folder is orderpack's, and which of its files were changed since.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from orderpack import cache, evidence
from orderpack.api_types import PdfFile
from orderpack.budget import Budget
from orderpack.contents import MANIFEST
from orderpack.evidence import Exhibit
from orderpack.model import Case
from orderpack.version import __version__


def read(out: Path) -> dict[str, Any] | None:
    """``out``'s manifest if orderpack wrote it (it names orderpack's version), else None."""
    path = out / MANIFEST
    manifest: Any = None
    if path.is_file() and not path.is_symlink() and path.stat().st_size < 1 << 24:
        with contextlib.suppress(ValueError):
            manifest = json.loads(path.read_text(encoding="utf-8"))
    return manifest if isinstance(manifest, dict) and "orderpack_version" in manifest else None


def order_file(case: Case, out: Path) -> str:
    """The case's order file as the manifest records it: its path from ``out``'s parent
    ("order.yaml" for the default out/), never an absolute path (it would show the buyer's
    account name)."""
    try:
        return Path(os.path.relpath(case.path.absolute(), out.parent)).as_posix()
    except ValueError:  # Windows: on another drive
        return case.path.name


def inputs(case: Case, exhibits: list[Exhibit]) -> list[dict[str, Any]]:
    entries = [{"path": case.path.name, "sha256": cache.file_sha256(case.path),
                "bytes": case.path.stat().st_size}]
    for item, exhibit in zip(case.order.evidence, exhibits, strict=True):
        path = evidence.resolve_inside(case.folder, item.file)  # the file validate found
        entries.append({"path": item.file, "sha256": exhibit.original_sha256,
                        "bytes": path.stat().st_size, "exhibit": exhibit.label})
    chat_import = case.order.messages
    names = [] if isinstance(chat_import, list) or chat_import is None else [
        name for name in (chat_import.file, chat_import.translation) if name]
    for name in names:
        path = evidence.resolve_inside(case.folder, name)
        entries.append({"path": Path(name).as_posix(),
                        "sha256": cache.file_sha256(path), "bytes": path.stat().st_size})
    return entries


def write(case: Case, today: date, inputs: list[dict[str, Any]], stage: Path, *,
          limit: int | None, characters: int, order_file: str) -> dict[str, Any]:
    outputs = [
        {"path": path.relative_to(stage).as_posix(), "sha256": cache.file_sha256(path),
         "bytes": path.stat().st_size}
        for path in sorted(stage.rglob("*")) if path.is_file()
    ]
    return {
        "orderpack_version": __version__,
        "today": today.isoformat(),
        "platform": case.order.platform,
        "order_number": case.order.order.number,
        "order_file": order_file,
        "dispute_text": {"characters": characters, "limit": limit},
        "inputs": inputs,
        "outputs": outputs,
    }


def fit_record(limits: Budget | None, steps: Sequence[str],
                files: Sequence[PdfFile]) -> dict[str, Any]:
    """The manifest's record of the budget and what was done to meet it."""
    return {
        "budget": None if limits is None else {
            "destination": limits.destination.id if limits.destination else None,
            "file_bytes": limits.file_bytes, "total_bytes": limits.total_bytes,
            "file_pages": limits.file_pages, "total_pages": limits.total_pages},
        "steps": list(steps),
        "evidence": [{"path": file.path.name, "pages": file.pages, "bytes": file.bytes,
                      "exhibits": list(file.exhibits), "transcript": file.transcript}
                     for file in files],
    }
