"""Evidence file names are paths, read the same way by `validate` and `build`.

The refusals (a line break, a bidi override, a space at the start or end, letter case,
a colon, a misspelling) are in the bad-input corpus (tests/fixtures/bad/evidence-name-*);
here, the names that must be accepted, and found as written.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import pytest
from PIL import Image
from test_bad_inputs import ORDER, png  # the corpus's order and image, shared

import orderpack
from orderpack import evidence
from orderpack.packet import BuildResult

TODAY = date(2026, 11, 26)

# One pytest-xdist worker runs the module: its two cases are built once each.
pytestmark = pytest.mark.xdist_group("file-names")

#: Names that must be found as written, each an evidence item of one case.
AS_WRITTEN = [" tracking.png", "tracking .png", "chat 10:12.png"]
#: The one name, written in one Unicode form and on disk in the other: in a folder of its
#: own for each way round (in one folder, both forms would be on disk, two files to Linux,
#: and each name would find the file written as it is).
UNICODE_NAME = "reçu-été.png"
FORMS: list[tuple[Literal["NFC", "NFD"], Literal["NFC", "NFD"]]] = [("NFC", "NFD"),
                                                                    ("NFD", "NFC")]


@dataclass(frozen=True)
class _Built:
    order: Path
    written: list[str]
    """The evidence files as order.yaml names them, in order."""
    result: BuildResult


def _build(folder: Path, written: list[str], on_disk: list[str]) -> _Built:
    """A case whose evidence items name ``written`` and whose files are ``on_disk``, built
    (each picture a different PNG, so that the exhibits cannot be mistaken for each other)."""
    folder.mkdir()
    items = "".join(f"  - file: {json.dumps(name)}\n    caption: Tracking page\n"
                    for name in written)
    (folder / "order.yaml").write_text(ORDER + f"evidence:\n{items}", encoding="utf-8")
    for number, name in enumerate(on_disk):
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(png(8, 8 + number))
    order = folder / "order.yaml"
    return _Built(order, written, orderpack.build(order, TODAY, cache_dir=folder / "cache"))


@pytest.fixture(scope="module")
def as_written(tmp_path_factory: pytest.TempPathFactory) -> _Built:
    """A case whose evidence items are AS_WRITTEN, built once for the module: one case
    with every name proves for each what a case of its own would."""
    names = AS_WRITTEN
    return _build(tmp_path_factory.mktemp("as-written") / "case", names, names)


@pytest.fixture(scope="module")
def unicode_forms(tmp_path_factory: pytest.TempPathFactory) -> _Built:
    """A case with UNICODE_NAME in each of FORMS (written, on disk), in folders nfc-nfd/
    and nfd-nfc/, built once for the module."""
    folders = [f"{written.lower()}-{on_disk.lower()}" for written, on_disk in FORMS]
    return _build(tmp_path_factory.mktemp("unicode") / "case",
                  [f"{folder}/{unicodedata.normalize(written, UNICODE_NAME)}"
                   for folder, (written, _) in zip(folders, FORMS, strict=True)],
                  [f"{folder}/{unicodedata.normalize(on_disk, UNICODE_NAME)}"
                   for folder, (_, on_disk) in zip(folders, FORMS, strict=True)])


def _exhibit_of(case: _Built, index: int) -> Path:
    """The exhibit the build made of evidence item ``index``: the one whose picture is that
    item's file's (each file is a different PNG)."""
    with Image.open(case.result.exhibits[index]) as picture:
        assert picture.size == (8, 8 + index)
    return case.result.exhibits[index]


@pytest.mark.parametrize("name", AS_WRITTEN)
def test_a_name_as_written_is_the_file_validate_and_build_use(as_written: _Built,
                                                              name: str) -> None:
    case = as_written
    index = case.written.index(name)
    assert orderpack.validate(case.order).order.evidence[index].file == name
    manifest = json.loads(case.result.manifest.read_text(encoding="utf-8"))
    assert manifest["inputs"][1 + index]["path"] == name
    assert len(case.result.exhibits) == len(AS_WRITTEN)
    assert _exhibit_of(case, index).is_file()


@pytest.mark.parametrize(("written", "on_disk"), FORMS)
def test_a_name_in_the_other_unicode_form_finds_the_file(
        unicode_forms: _Built, written: Literal["NFC", "NFD"],
        on_disk: Literal["NFC", "NFD"]) -> None:
    case = unicode_forms
    index = FORMS.index((written, on_disk))
    folder = f"{written.lower()}-{on_disk.lower()}"
    assert case.written[index] == f"{folder}/{unicodedata.normalize(written, UNICODE_NAME)}"
    assert orderpack.validate(case.order)
    assert len(case.result.exhibits) == len(FORMS)
    assert _exhibit_of(case, index).is_file()
    found = evidence.resolve_inside(case.order.parent, case.written[index])
    assert found.name == unicodedata.normalize(on_disk, UNICODE_NAME)
    assert found.parent.name == folder


def test_a_drive_letter_is_still_an_absolute_path(tmp_path: Path) -> None:
    with pytest.raises(orderpack.OrderFileError, match="an absolute path is not allowed"):
        evidence.resolve_inside(tmp_path, "C:\\Users\\jane\\tracking.png")
