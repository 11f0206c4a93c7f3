"""Evidence file names are paths, read the same way by `validate` and `build`.

The refusals (a line break, a bidi override, a space at the start or end, letter case,
a colon, a misspelling) are in the bad-input corpus (tests/fixtures/bad/evidence-name-*);
here, the names that must be accepted, and found as written.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from test_bad_inputs import ORDER, png  # the corpus's order and image, shared

import orderpack
from orderpack import evidence

TODAY = date(2026, 11, 26)


def _case(tmp_path: Path, written: str, on_disk: str) -> Path:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "order.yaml").write_text(
        ORDER + f"evidence:\n  - file: {json.dumps(written)}\n    caption: Tracking page\n",
        encoding="utf-8")
    (folder / on_disk).write_bytes(png(8, 8))
    return folder / "order.yaml"


@pytest.mark.parametrize("name", [" tracking.png", "tracking .png", "chat 10:12.png"])
def test_a_name_as_written_is_the_file_validate_and_build_use(tmp_path: Path,
                                                              name: str) -> None:
    order = _case(tmp_path, name, name)
    assert orderpack.validate(order).order.evidence[0].file == name
    result = orderpack.build(order, TODAY, cache_dir=tmp_path / "cache")
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["inputs"][1]["path"] == name
    assert len(result.exhibits) == 1


@pytest.mark.parametrize(("written", "on_disk"), [("NFC", "NFD"), ("NFD", "NFC")])
def test_a_name_in_the_other_unicode_form_finds_the_file(tmp_path: Path, written: str,
                                                         on_disk: str) -> None:
    name = "reçu-été.png"
    order = _case(tmp_path, unicodedata.normalize(written, name),  # type: ignore[arg-type]
                  unicodedata.normalize(on_disk, name))  # type: ignore[arg-type]
    assert orderpack.validate(order)
    result = orderpack.build(order, TODAY, cache_dir=tmp_path / "cache")
    assert len(result.exhibits) == 1
    found = evidence.resolve_inside(order.parent, unicodedata.normalize(written, name))  # type: ignore[arg-type]
    assert found.name == unicodedata.normalize(on_disk, name)  # type: ignore[arg-type]


def test_a_drive_letter_is_still_an_absolute_path(tmp_path: Path) -> None:
    with pytest.raises(orderpack.OrderFileError, match="an absolute path is not allowed"):
        evidence.resolve_inside(tmp_path, "C:\\Users\\jane\\tracking.png")
