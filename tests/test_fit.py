"""Fitting the packet to a budget, end to end: real builds, real PDFs, the command line.

Every build writes into tmp_path. The processed exhibits are cached in one folder for the
module (the cache is keyed by content and settings, so sharing it changes no result), and
each HTML is laid out once (layout_memo.py): fitting changes what is written, not the
layout of a given HTML.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path

import pdf_text
import pikepdf
import pytest
from click.testing import CliRunner, Result
from conftest import copy_sample
from layout_memo import reuse_layouts
from PIL import Image, ImageChops, ImageDraw, ImageOps, ImageStat
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject, StreamObject

from orderpack.cli import main
from orderpack.errors import BudgetError
from orderpack.packet import BuildResult, Options, build, preflight

TODAY = date(2026, 11, 26)
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
#: What the PDF shows of an exhibit at most: its 170 mm × 230 mm box at 155 pixels per inch.
PDF_SIZE = (1040, 1400)
FLOOR = ("lowered the pictures' resolution to the least that stays legible (phone screenshots "
         "640 px wide, photos 150 dpi)")

# One pytest-xdist worker runs the module: its fixtures (the cache that holds each rung's
# pictures, the case with more exhibits, the split packet) are made once, not on each worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fit")]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory, built_aliexpress: BuildResult) -> Path:
    """The module's cache, starting as a copy of the session's sample build's: the sample's
    pictures as they are, and the pages its index gives; each rung's are made here."""
    folder = tmp_path_factory.mktemp("fit") / "cache"
    shutil.copytree(built_aliexpress.out.parent.parent / "cache", folder)
    return folder


@pytest.fixture(autouse=True)
def _layouts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rungs of a ladder, and the tests of one case, lay out the same HTML: once is
    enough (see layout_memo.py; a layout with other type or parts is another HTML). What
    a budget changes — the pictures, their quality, the parts — is written for real."""
    reuse_layouts(monkeypatch)


def _build(order: Path, cache: Path, **options: object) -> BuildResult:
    return build(order, TODAY, Options(cache_dir=cache, **options))  # type: ignore[arg-type]


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _images(path: Path) -> list[tuple[int, int, object]]:
    """Width, height and colour space of each image stored in the PDF, once each."""
    found, seen = [], set()
    for page in PdfReader(path).pages:
        resources = page["/Resources"]
        assert isinstance(resources, DictionaryObject)
        for reference in (resources.get("/XObject") or {}).values():
            if reference.idnum not in seen:
                seen.add(reference.idnum)
                image = reference.get_object()
                found.append((int(image["/Width"]), int(image["/Height"]),
                              image["/ColorSpace"]))
    return found


@dataclass(frozen=True)
class _Drawn:
    filter: str
    size: tuple[int, int]
    data: bytes
    """As stored: for a DCT image, the JPEG file."""
    indexed: bool
    """Its colour space is a palette (/Indexed)."""
    pixels: Callable[[], Image.Image] = field(compare=False, repr=False)
    """Its pixels, decoded by pypdf."""


def _drawn(path: Path) -> list[_Drawn]:
    """The images the PDF's pages draw, in the order they are drawn (an exhibit's page each)."""
    with pikepdf.open(path) as pdf:
        # The XObjects each page draws: its content stream's Do operators, found by qpdf
        # (pypdf's ContentStream parses every operator of the text pages too: 0.15 s a PDF).
        names = [[str(instruction.operands[0])
                  for instruction in pikepdf.parse_content_stream(page, "Do")]
                 for page in pdf.pages]
    reader = PdfReader(path)
    found = []
    for page, drawn in zip(reader.pages, names, strict=True):
        resources = page["/Resources"]
        assert isinstance(resources, DictionaryObject)
        for name in drawn:
            xobjects = resources["/XObject"]
            assert isinstance(xobjects, DictionaryObject)
            image = xobjects[name].get_object()
            assert isinstance(image, StreamObject)
            assert str(image["/Subtype"]) == "/Image"
            width, height = image["/Width"], image["/Height"]
            assert isinstance(width, int)
            assert isinstance(height, int)
            space = image.get("/ColorSpace")
            indexed = isinstance(space, list) and str(space[0]) == "/Indexed"
            found.append(_Drawn(str(image["/Filter"]), (width, height), image._data,
                                indexed, partial(_page_image, page, name)))
    return found


def _page_image(page: PageObject, name: str) -> Image.Image:
    """The pixels of the image ``name`` of ``page``, decoded by pypdf."""
    image = page.images[name].image
    assert image is not None
    return image


def _rms(one: Image.Image, other: Image.Image) -> float:
    """The root-mean-square difference of two images of one size and mode, of 255."""
    squares = ImageStat.Stat(ImageChops.difference(one, other)).sum2
    return math.sqrt(sum(squares) / (len(squares) * one.width * one.height))


def _pixels(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def _invoke(*args: str, cache: Path) -> Result:
    return CliRunner().invoke(main, list(args), env={"ORDERPACK_CACHE_DIR": str(cache)},
                              prog_name="orderpack")


@pytest.fixture(scope="module")
def more_exhibits(tmp_path_factory: pytest.TempPathFactory,
                  cache: Path) -> tuple[Path, BuildResult]:
    """The AliExpress sample with 10 exhibits (more screenshots and photos) and 36 messages,
    and its packet as built without a budget (in plain/ beside it).

    The six added pictures are crops of the sample's at half its pixel size (a quarter of
    the pixels): what they are about is the number of exhibits and pages, and pictures that
    large would only make the module's setup process and write more (0.4 s of CPU to make
    and 0.5 s to process at full size)."""
    source = SAMPLES / "aliexpress-missing"
    case = tmp_path_factory.mktemp("more") / "case"
    shutil.copytree(source, case, ignore=shutil.ignore_patterns("out"))
    shots = ["tracking", "chat", "order-page"]
    evidence, messages = [], []
    with Image.open(source / "photos" / "mailbox.jpg") as photo:
        upright = ImageOps.exif_transpose(photo)
    for number in range(6):
        if number % 3 == 2:
            picture = upright.crop((20 * number, 30 * number, upright.width - 10 * number,
                                    upright.height - 15 * number))
            name = f"photos/more-{number}.jpg"
            picture.reduce(2).save(case / name, quality=90)
        else:
            with Image.open(source / "screenshots" / f"{shots[number % 3]}.png") as shot:
                picture = shot.convert("RGB").crop((0, 100 + 40 * number, shot.width,
                                                    shot.height - 40 * number))
            name = f"screenshots/more-{number}.png"
            picture.reduce(2).save(case / name, compress_level=1)
        evidence.append(f"  - file: {name}\n    caption: More evidence {number + 1}, the order "
                        f"and its tracking\n    date: 2026-11-2{number}\n")
    for number in range(30):
        day = 8 + number // 3
        if number % 2:
            messages.append(f'  - at: 2026-11-{day:02d} 1{number % 10}:30\n    from: seller\n'
                            '    text: "亲，请再等几天，包裹正在运输中，我们已经联系了物流公司。"\n'
                            '    translation: "Dear, please wait a few more days, the parcel is'
                            ' in transit and we have contacted the logistics company."\n')
        else:
            messages.append(f'  - at: 2026-11-{day:02d} 1{number % 10}:00\n    from: buyer\n'
                            f'    text: "Message {number}: the parcel has still not arrived and'
                            ' the tracking shows nothing new. Please refund me in full."\n')
    text = (case / "order.yaml").read_text(encoding="utf-8")
    text = text.replace("\nevidence:", "".join(messages) + "\nevidence:", 1)
    text = text.replace("\ndispute:", "".join(evidence) + "\ndispute:", 1)
    (case / "order.yaml").write_text(text, encoding="utf-8")
    return case / "order.yaml", _build(case / "order.yaml", cache, out=case.parent / "plain")


@dataclass(frozen=True)
class _Walked:
    """A build and the progress it reported."""

    order: Path
    result: BuildResult
    taken: list[str]


def _walk(order: Path, options: Options) -> _Walked:
    taken: list[str] = []
    return _Walked(order, build(order, TODAY, options, taken.append), taken)


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Callable[..., _Walked]:
    """The sample built on a budget (``max_bytes=…``, ``split=…``) once for the module, with
    the progress it reported, for the tests that only read such a build: a test that
    checks what the build wrote and one that checks the dry run against it share it. Called
    in a test, so that its layouts are reused as the test's are."""
    builds: dict[str, _Walked] = {}

    def walk(**budget: object) -> _Walked:
        key = repr(sorted(budget.items()))
        if key not in builds:
            order = copy_sample(tmp_path_factory.mktemp("walked"), "aliexpress-missing")
            options = Options(cache_dir=cache, **budget)  # type: ignore[arg-type]
            builds[key] = _walk(order, options)
        return builds[key]

    return walk


@pytest.fixture
def more_exhibits_case(more_exhibits: tuple[Path, BuildResult]) -> Path:
    return more_exhibits[0]


# --- budgets met --------------------------------------------------------------------------


# The sample at each rung of the ladder, measured (evidence.pdf, pictures placed as they
# are): 680 KB as it is, 559 KB at 85 % resolution, 452 KB with JPEG quality 60 / 64
# colours, 396 KB with 40 / 32, 357 KB with 30 / 8 grey levels.
@pytest.mark.parametrize(("size", "quality"), [
    pytest.param(500_000, "JPEG quality 60 in the PDF and for photos, screenshots in "
                 "exhibits/ in 64 colours", id="500000"),
    pytest.param(440_000, "JPEG quality 40 in the PDF and for photos, screenshots in "
                 "exhibits/ in 32 colours", id="440000"),
])
def test_the_sample_is_fitted_into_the_budget(walked: Callable[..., _Walked], size: int,
                                              quality: str) -> None:
    result = walked(max_bytes=size).result
    assert result.pdf_bytes <= size
    assert result.evidence_pdf.stat().st_size == result.pdf_bytes
    # Resolution first, down to the floor; only then quality, as little as fits.
    assert result.fit_steps == (FLOOR, f"lowered the picture quality ({quality})")
    text = "\n".join(pdf_text.pages(result.evidence_pdf))
    for label in "ABCD":  # every exhibit, every message
        assert f"Exhibit {label} — " in text
    for message in ["亲，请耐心等待。包裹还在路上。", "No, thank you, I do not want a resend",
                    "Dear, we have contacted the logistics company."]:
        assert message in text.replace("\n", " "), message
    assert len(result.exhibits) == 4
    _assert_pictures_shown_as_jpegs_of_the_exhibits(result)


def test_380kb_keeps_every_exhibit_at_or_above_the_legibility_floor(
    aliexpress_case: Path, cache: Path
) -> None:
    estimate = preflight(aliexpress_case, TODAY, Options(cache_dir=cache, max_bytes=380_000))
    result = _build(aliexpress_case, cache, max_bytes=380_000)
    assert result.pdf_bytes <= 380_000
    assert result.pages == 7
    # The floor: phone screenshots 640 px wide, the photo 150 ppi in its box.
    sizes = {path.name[0]: _pixels(path) for path in result.exhibits}
    assert sizes == {"A": (640, 1385), "B": (640, 1385), "C": (640, 1385), "D": (1012, 1349)}
    stored = sorted((width, height) for width, height, _ in _images(result.evidence_pdf))
    assert stored == [(640, 1385)] * 3 + [(1012, 1349)]
    assert result.fit_steps[-1] == ("lowered the picture quality (JPEG quality 30 in the PDF "
                                    "and for photos, screenshots in exhibits/ in 8 grey "
                                    "levels)")
    # The dry run foresaw it.
    planned = estimate.parts[0].estimate
    assert estimate.steps == result.fit_steps
    assert abs(planned.bytes - result.pdf_bytes) <= 0.25 * result.pdf_bytes
    assert planned.pages == result.pages


def _assert_pictures_shown_as_jpegs_of_the_exhibits(result: BuildResult) -> None:
    """Each exhibit's page draws one image of at most PDF_SIZE, a JPEG (DCT) or a palette
    PNG's data (Flate on an indexed colour space), whose pixels are the exhibit's, scaled
    to it, within an RMS of 12 of 255 (measured on the sample: 3 to 5 as built without a
    budget, up to 9 at JPEG quality 40; 80 and more between two of its exhibits); an
    exhibit that is shown as it is is embedded with its very bytes; and the sample's
    redaction boxes are black in the PDF too."""
    drawn = _drawn(result.evidence_pdf)
    assert len(drawn) == len(result.exhibits)
    for stored, path in zip(drawn, result.exhibits, strict=True):
        assert stored.filter in ("/DCTDecode", "/FlateDecode"), path.name
        assert _fits(stored.size, PDF_SIZE), path.name
        jpeg = stored.filter == "/DCTDecode"
        shown = Image.open(io.BytesIO(stored.data)) if jpeg else stored.pixels()
        with Image.open(path) as exhibit:
            assert shown.size == stored.size
            if jpeg:
                assert shown.format == "JPEG"
                if exhibit.format == "JPEG" and _fits(exhibit.size, PDF_SIZE):
                    assert stored.data == path.read_bytes(), path.name
            else:
                assert stored.indexed, path.name  # a palette, not RGB
            expected = exhibit.convert("RGB")
            if expected.size != shown.size:
                expected = expected.resize(shown.size, Image.Resampling.LANCZOS)
            assert _rms(shown.convert("RGB"), expected) <= 12, path.name
            rgb = shown.convert("RGB")
        scale = rgb.width / 1170  # of the sample's screenshots, 1170 pixels wide
        for x, y, width, height in _REDACTED.get(path.name[0], []):
            box = rgb.crop((int(x * scale) + 4, int(y * scale) + 4,
                            int((x + width) * scale) - 4, int((y + height) * scale) - 4))
            # JPEG rings a little near the box's edges; what was under it is mostly white.
            stat = ImageStat.Stat(box)
            assert max(high for _, high in stat.extrema) <= 32, path.name
            assert max(stat.mean) <= 4, path.name


#: The sample's redaction boxes (order.yaml), by exhibit.
_REDACTED = {"B": [(0, 0, 1170, 140)], "C": [(400, 785, 350, 60), (180, 850, 600, 120)]}


def _fits(size: tuple[int, int], box: tuple[int, int]) -> bool:
    return size[0] <= box[0] and size[1] <= box[1]


def test_attachments_are_left_out_before_any_picture_loses_anything(
    aliexpress_case: Path, cache: Path, tmp_path: Path
) -> None:
    # Measured: 1.53 MB with the attachments, 795 KB without.
    plain = _build(aliexpress_case, cache, attach=True, out=tmp_path / "plain")
    assert plain.pdf_bytes > 1_000_000
    assert PdfReader(plain.evidence_pdf).attachments != {}
    result = _build(aliexpress_case, cache, attach=True, max_bytes=1_000_000,
                    out=tmp_path / "fitted")
    assert result.pdf_bytes <= 1_000_000
    assert result.fit_steps == (
        "left out the --attach attachments (copies of the exhibits; every exhibit is still "
        "shown)",)
    assert PdfReader(result.evidence_pdf).attachments == {}
    # No picture lost anything: the same exhibits, and the same images in the PDF.
    assert _tree(tmp_path / "plain" / "exhibits") == _tree(tmp_path / "fitted" / "exhibits")
    assert _drawn(result.evidence_pdf) == _drawn(plain.evidence_pdf)


def test_a_budget_already_met_changes_nothing(aliexpress_case: Path, cache: Path,
                                              tmp_path: Path,
                                              built_aliexpress: BuildResult) -> None:
    plain = built_aliexpress  # the sample built without a budget, on the same day
    fitted = _build(aliexpress_case, cache, out=tmp_path / "fitted", fit="card-visa")
    assert fitted.fit_steps == ()
    assert fitted.budget is not None
    assert fitted.budget.pdf_bytes == 2_000_000
    assert _tree(plain.out / "exhibits") == _tree(tmp_path / "fitted" / "exhibits")
    assert fitted.pdf_bytes == plain.pdf_bytes


def test_a_page_budget_sets_the_transcript_compactly(
    more_exhibits: tuple[Path, BuildResult], cache: Path, tmp_path: Path
) -> None:
    order, plain = more_exhibits
    result = _build(order, cache, out=tmp_path / "fitted", max_pages=plain.pages - 1)
    assert result.pages <= plain.pages - 1
    assert result.fit_steps == ("set the tracking history and the conversation in smaller "
                                "type",)
    assert _tree(plain.out / "exhibits") == _tree(tmp_path / "fitted" / "exhibits")
    text = "\n".join(pdf_text.pages(result.evidence_pdf)).replace("\n", " ")
    assert text.count("the parcel has still not arrived and the tracking shows") == 15


# --- when it cannot fit ----------------------------------------------------------------------


def test_an_impossible_budget_says_why_and_writes_nothing(
    aliexpress_case: Path, cache: Path, built_aliexpress: BuildResult
) -> None:
    out = aliexpress_case.parent / "out"
    shutil.copytree(built_aliexpress.out, out)  # a previous packet: the one a build writes
    before = _tree(out)
    with pytest.raises(BudgetError) as caught:
        _build(aliexpress_case, cache, max_bytes=100_000)
    lines = str(caught.value).splitlines()
    assert lines[0] == ("the evidence cannot be fitted into 100 KB per file (--max-size), even "
                        "with every exhibit at the least resolution and quality that stays "
                        "legible:")
    assert re.fullmatch(r"  evidence\.pdf: 3\d\d KB, 7 pages — 2\d\d KB over", lines[1])
    assert lines[2] == "The heaviest exhibits:"
    assert {line.split()[0] for line in lines[3:6]} < set("ABCD")
    assert re.fullmatch(r"  \(the text pages with their fonts weigh 1\d\d KB\)", lines[6])
    assert "What you can do:" in lines
    assert any(line.startswith("  - leave out an exhibit you can do without") for line in lines)
    assert any(re.fullmatch(r"  - if the place you upload to takes more, raise the budget: "
                            r"--max-size 3\d0KB", line) for line in lines)
    assert not any("--split" in line for line in lines)  # a part alone would not fit either
    assert lines[-1] == "Nothing was written; the previous packet, if any, is unchanged."
    assert _tree(out) == before
    assert not [p for p in aliexpress_case.parent.iterdir() if p.name.startswith(".orderpack-")]


# --- split ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def split_600(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> _Walked:
    """The sample built into parts of at most 600 KB, once for the tests that read it (its
    parts' layouts kept for the command line's split test)."""
    order = copy_sample(tmp_path_factory.mktemp("split"), "aliexpress-missing")
    with pytest.MonkeyPatch.context() as monkeypatch:
        reuse_layouts(monkeypatch)
        return _walk(order, Options(cache_dir=cache, max_bytes=600_000, split=True))


def test_split_parts_are_each_within_the_budget_and_hold_every_exhibit_once(
    split_600: _Walked
) -> None:
    # Measured: 795 KB in one file; in two, 534 KB (A to C and the transcript) and 434 KB.
    result = split_600.result
    out = split_600.order.parent / "out"
    assert sorted(p.name for p in out.glob("*.pdf")) == ["evidence-1.pdf", "evidence-2.pdf"]
    assert result.fit_steps == ("split the evidence into 2 PDF files",)
    assert [file.path.name for file in result.pdf_files] == ["evidence-1.pdf", "evidence-2.pdf"]
    parts = {file.path.name: pdf_text.pages(file.path) for file in result.pdf_files}
    for file in result.pdf_files:
        assert file.path.stat().st_size == file.bytes <= 600_000
        assert len(parts[file.path.name]) == file.pages
    for label in "ABCD":
        holding = [(name, number) for name, pages in parts.items()
                   for number, text in enumerate(pages, start=1) if f"Exhibit {label} — " in text]
        assert len(holding) == 1, label
    for name, pages in parts.items():
        number, count = int(name[9]), len(parts)
        assert f"Part {number} of {count} · Page 1 of {len(pages)}" in pages[0]
        index = next(text for text in pages if "Exhibit index" in text)
        where = re.findall(r"part\s(\d),\s*page\s(\d+)", index)
        assert len(where) == 4  # the whole index, in every part
        for label, (part, page) in zip("ABCD", where, strict=True):
            assert f"Exhibit {label} — " in parts[f"evidence-{part}.pdf"][int(page) - 1]
    assert "Conversation with the seller" in "".join(parts["evidence-1.pdf"])
    assert "Conversation with the seller" not in "".join(parts["evidence-2.pdf"])


def test_split_writes_one_file_when_one_is_enough(aliexpress_case: Path, cache: Path) -> None:
    result = _build(aliexpress_case, cache, max_bytes=2_000_000, split=True)
    assert [file.path.name for file in result.pdf_files] == ["evidence.pdf"]
    assert result.fit_steps == ()


# --- the estimate ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["aliexpress_case", "ebay_case", "more_exhibits"])
def test_the_dry_run_estimate_is_within_25_percent(request: pytest.FixtureRequest,
                                                   cache: Path, case: str) -> None:
    if case == "more_exhibits":
        order, result = request.getfixturevalue(case)
        estimate = preflight(order, TODAY, Options(cache_dir=cache)).estimate
    else:
        order = request.getfixturevalue(case)
        estimate = preflight(order, TODAY, Options(cache_dir=cache)).estimate
        assert not (order.parent / "out").exists()  # a dry run writes nothing
        # The sample as built once for the session, without a budget on the same day.
        built = {"aliexpress_case": "built_aliexpress", "ebay_case": "built_ebay"}[case]
        result = request.getfixturevalue(built)
    assert abs(estimate.bytes - result.pdf_bytes) <= 0.25 * result.pdf_bytes
    assert abs(estimate.pages - result.pages) <= 0.25 * result.pages


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["--max-size", "2XB"],
     "Error: Invalid value for '--max-size': '2XB' is not a size; write it like 400KB, 2MB or "
     "14.5MB"),
    (["--max-size", "0KB"],
     "Error: Invalid value for '--max-size': '0KB' is no size at all; write it like 400KB, 2MB "
     "or 14.5MB"),
    (["--max-pages", "0"],
     "Error: Invalid value for '--max-pages': 0 is not in the range x>=1."),
    (["--fit", "nowhere"],
     "Error: Invalid value for '--fit': 'nowhere' is not a destination; use one of: aliexpress, "
     "amazon, card, card-mastercard, card-visa, ebay, etsy, paypal, stripe"),
    (["--split"],
     "Error: --split needs a limit to split by: add --max-size, --max-pages or --fit"),
])
def test_cli_usage_errors(aliexpress_case: Path, cache: Path, args: list[str],
                          message: str) -> None:
    result = _invoke("build", str(aliexpress_case), "--today", "2026-11-26", *args, cache=cache)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == message
    assert not (aliexpress_case.parent / "out").exists()


def test_cli_fitted_build_says_what_it_changed(aliexpress_case: Path, cache: Path) -> None:
    result = _invoke("build", str(aliexpress_case), "--today", "2026-11-26", "--max-size",
                     "380KB", cache=cache)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"  evidence\.pdf   7 pages, 3\d\d KB — attach it", lines[4])
    assert lines[-4:] == [
        "Fitted into 380 KB per file (--max-size):",
        "  - lowered the pictures' resolution to the least that stays legible (phone "
        "screenshots 640 px wide, photos 150 dpi)",
        "  - made the screenshots greyscale",
        "  - lowered the picture quality (JPEG quality 30 in the PDF and for photos, "
        "screenshots in exhibits/ in 8 grey levels)",
    ]
    assert result.stderr == ""


def test_cli_split_lists_the_parts(aliexpress_case: Path, cache: Path) -> None:
    result = _invoke("build", str(aliexpress_case), "--today", "2026-11-26", "--max-size",
                     "600KB", "--split", cache=cache)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"  evidence-1\.pdf 6 pages, \d\d\d KB — part 1 of 2: exhibits A, B, C "
                        r"and tracking and conversation", lines[4])
    assert re.fullmatch(r"  evidence-2\.pdf \d pages, \d\d\d KB — part 2 of 2: exhibit D",
                        lines[5])
    assert lines[6] == "                 attach every part"
    assert lines[-2:] == ["Fitted into 600 KB per file (--max-size):",
                          "  - split the evidence into 2 PDF files"]


def test_cli_impossible_budget_exits_1_and_writes_nothing(aliexpress_case: Path,
                                                          cache: Path) -> None:
    result = _invoke("build", str(aliexpress_case), "--today", "2026-11-26", "--max-size",
                     "100KB", cache=cache)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: the evidence cannot be fitted into 100 KB per file "
                                    "(--max-size), even with every exhibit at the least "
                                    "resolution and quality that stays legible:\n")
    assert not (aliexpress_case.parent / "out").exists()


def test_cli_dry_run_names_the_limits_and_writes_nothing(aliexpress_case: Path,
                                                         cache: Path) -> None:
    result = _invoke("build", str(aliexpress_case), "--today", "2026-11-26", "--dry-run",
                     "--fit", "card-visa", cache=cache)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"  evidence\.pdf   about 7 pages, about 6\d\d KB", lines.pop(1))
    assert lines == [
        f"Preflight of {aliexpress_case} (an estimate; nothing was built or written):",
        "  exhibits/      4 images, the largest 409 KB",
        "Upload limits of a Visa chargeback through your bank (--fit card-visa):",
        "  per file     2 MB (unconfirmed) — one acquirer lists Visa PDFs up to 2 MB;",
        "               your bank may differ",
        "Budget: 2 MB per file, as a Visa chargeback through your bank takes (unconfirmed) — it "
        "fits as it is.",
    ]
    assert not (aliexpress_case.parent / "out").exists()


def test_cli_dry_run_foresees_the_fitting_and_the_failure(aliexpress_case: Path,
                                                          cache: Path) -> None:
    fits = _invoke("build", str(aliexpress_case), "--today", "2026-11-26", "--dry-run",
                   "--max-size", "380KB", cache=cache)
    assert fits.exit_code == 0, fits.output
    lines = fits.stdout.splitlines()
    assert lines[3] == "Upload limits of AliExpress: none known."
    assert re.fullmatch(r"Budget: 380 KB per file \(--max-size\) — the build will fit it, to "
                        r"about 3\d\d KB and 7 pages, by these steps:", lines[4])
    assert lines[5:] == [
        "  - lowered the pictures' resolution to the least that stays legible (phone "
        "screenshots 640 px wide, photos 150 dpi)",
        "  - made the screenshots greyscale",
        "  - lowered the picture quality (JPEG quality 30 in the PDF and for photos, "
        "screenshots in exhibits/ in 8 grey levels)",
    ]
    fails = _invoke("build", str(aliexpress_case), "--today", "2026-11-26", "--dry-run",
                    "--max-size", "100KB", cache=cache)
    assert fails.exit_code == 1
    assert fails.stdout.splitlines()[-1] == ("Budget: 100 KB per file (--max-size) — it "
                                             "cannot be met.")
    errors = fails.stderr.splitlines()
    assert errors[0].startswith("Error: the evidence cannot be fitted into 100 KB per file")
    assert re.fullmatch(r"  evidence\.pdf: about 3\d\d KB, about 7 pages — 2\d\d KB over",
                        errors[1])
    assert re.fullmatch(r"  \(the text pages with their fonts weigh about 1\d\d KB\)", errors[6])
    assert not (aliexpress_case.parent / "out").exists()


def test_cli_status_lists_the_platforms_limits(ebay_case: Path, cache: Path) -> None:
    text = ebay_case.read_text(encoding="utf-8").replace("platform: ebay", "platform: paypal")
    ebay_case.write_text(text, encoding="utf-8")
    result = _invoke("status", str(ebay_case), "--today", "2026-11-26", cache=cache)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("Upload limits of PayPal:")
    assert lines[start:start + 5] == [
        "Upload limits of PayPal:",
        "  per file     10 MB (unconfirmed) — under 10 MB per file (merchant side)",
        "  in total     50 MB (unconfirmed) — 50 MB per upload (merchant side)",
        "  file types   jpg, jpeg, gif, png, pdf (unconfirmed) — the merchant side's",
        "               rule, assumed to hold for buyers' uploads",
    ]
    assert lines[start + 5] == (f"  Check the packet against them: orderpack build --fit paypal "
                                f"--dry-run {ebay_case}")
    data = json.loads(_invoke("status", str(ebay_case), "--today", "2026-11-26",
                                            "--json", cache=cache).stdout)
    assert data["limits"]["attachment_max_bytes"]["value"] == 10_000_000
    assert data["limits"]["attachment_max_bytes"]["unconfirmed"] is True
    assert data["limits"]["max_pages"]["value"] is None


def test_cli_build_over_the_platforms_known_limit_warns(ebay_case: Path, cache: Path) -> None:
    grains = ("grain-1.jpg", "grain-2.jpg", "grain-3.jpg")
    for seed, name in enumerate(grains):
        # Photos that stay large: 0.96 MB each in the PDF, 2.9 MB in all. Random pixels (made
        # in 0.03 s, where Pillow's Gaussian noise takes 0.25 s), already of the size the PDF
        # shows, so that they are only encoded again, not scaled.
        pixels = random.Random(seed).randbytes(PDF_SIZE[0] * PDF_SIZE[1] * 3)
        noise = Image.frombytes("RGB", PDF_SIZE, pixels)
        noise.save(ebay_case.parent / name, quality=95)
    screen = Image.new("RGB", (750, 1334), "white")
    ImageDraw.Draw(screen).rectangle((40, 40, 700, 200), fill=(230, 60, 30))
    screen.save(ebay_case.parent / "screen.png")
    evidence = "".join(f"  - file: {name}\n    caption: Picture {name}\n"
                       for name in (*grains, "screen.png"))
    text = ebay_case.read_text(encoding="utf-8").replace("platform: ebay", "platform: card")
    ebay_case.write_text(text.replace("\ndispute:", f"\nevidence:\n{evidence}\ndispute:", 1),
                         encoding="utf-8")
    result = _invoke("build", str(ebay_case), "--today", "2026-11-26", cache=cache)
    assert result.exit_code == 0, result.output
    warnings = result.stderr.splitlines()
    assert any(line.startswith("Warning: the evidence (") and line.endswith(
        "build again with --fit card") for line in warnings), warnings
    assert ("Warning: Card chargeback takes jpeg, jpg, tiff, pdf files (unconfirmed): upload "
            "the evidence PDF rather than the PNG images in exhibits/") in warnings


# --- the dry run and the build: one fitting loop ------------------------------------------


@pytest.mark.parametrize("budget", [{"max_bytes": 440_000},
                                    {"max_bytes": 600_000, "split": True}],
                         ids=["440KB", "600KB-split"])
def test_the_dry_run_walks_the_steps_the_build_takes(
        request: pytest.FixtureRequest, walked: Callable[..., _Walked], cache: Path,
        budget: dict[str, object]) -> None:
    """The dry run is the build's own fitting loop with estimates in place of renders: on
    the same budget it tries the same rungs, in the same order, and ends on the same one.
    The builds are the module's (test_the_sample_is_fitted_into_the_budget reads the one
    of 440 KB, which ends on a rung short of the last, as 400 KB would)."""
    options = Options(cache_dir=cache, **budget)  # type: ignore[arg-type]
    if options.split:  # the sample on this budget is built once for the module
        built: _Walked = request.getfixturevalue("split_600")
        assert replace(options, cache_dir=None) == Options(max_bytes=600_000, split=True)
    else:
        built = walked(**budget)
    foreseen: list[str] = []
    estimate = preflight(built.order, TODAY, options, foreseen.append)
    result = built.result
    fitting_steps = [step for step in built.taken if step.startswith("fitting the PDF")]
    assert foreseen == fitting_steps
    assert len(foreseen) >= 1
    assert foreseen[0].startswith("fitting the PDF to the budget: ")
    assert estimate.steps == result.fit_steps != ()
    assert [part.labels for part in estimate.parts] == [
        file.exhibits for file in result.pdf_files]
