"""orderpack.evidence: checking files, and turning a case's evidence into exhibits.

Every test gives process() its own cache folder in tmp_path.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import copy_sample
from orders import MINIMAL_ORDER
from PIL import Image, ImageFile
from pypdf import PdfReader, PdfWriter
from test_images import RED, gps_exif, photo, screenshot  # drawn fixtures, shared

from orderpack import cache, evidence, images
from orderpack.errors import BuildError, EvidenceError, OrderFileError, OrderpackError
from orderpack.model import Case
from orderpack.validation import validate, validate_for_build

if TYPE_CHECKING:
    from orderpack.packet import BuildResult

ORDER = MINIMAL_ORDER + "evidence:\n"

MakeCase = Callable[..., Case]


@pytest.fixture
def make_case(write_order: Callable[[str], Path]) -> MakeCase:
    """A validated case whose evidence is ``items``: (file, caption[, redact]) tuples, with
    ``files`` (name → Image or bytes) written into its folder first."""

    def make(items: list[tuple[str, str] | tuple[str, str, str]],
             files: dict[str, Image.Image | bytes]) -> Case:
        text = ORDER
        for item in items:
            text += f"  - file: {item[0]}\n    caption: {item[1]}\n"
            if len(item) == 3:
                text += f"    redact: {item[2]}\n"
        path = write_order(text)
        for name, content in files.items():
            target = path.parent / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            elif name.endswith(".jpg"):
                content.save(target, quality=95)
            else:
                content.save(target)
        return validate(path)

    return make


def pdf_bytes(pages: int = 2, password: str | None = None, owner: str | None = None,
              algorithm: str = "RC4-128") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None or owner is not None:
        writer.encrypt(password or "", owner, algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- labels and names ---------------------------------------------------------------------


@pytest.mark.parametrize(("index", "label"), [
    (0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"),
    (701, "ZZ"), (702, "AAA"),
])
def test_exhibit_labels(index: int, label: str) -> None:
    assert evidence.exhibit_label(index) == label


@pytest.mark.parametrize(("caption", "slug"), [
    ("Tracking page, no update since 14 September",
     "tracking-page-no-update-since-14-september"),
    ("Café Straße — Übersicht", "cafe-strae-ubersicht"),
    ("亲，请耐心等待", "exhibit"),
    ("  ...  ", "exhibit"),
    ("Order #8190123456789012 (paid €35.46)", "order-8190123456789012-paid-35-46"),
])
def test_slug(caption: str, slug: str) -> None:
    assert evidence.slug(caption) == slug


def test_slug_is_bounded_and_cut_between_words() -> None:
    text = "Photo of the empty parcel locker at the Paketstation on the evening of 20 November"
    result = evidence.slug(text)
    assert len(result) <= evidence.SLUG_LENGTH
    assert result == "photo-of-the-empty-parcel-locker-at-the-paketstation-on-the"
    assert evidence.slug("x" * 100) == "x" * evidence.SLUG_LENGTH


# --- checking files without decoding them -----------------------------------------------


def refused(path: Path, name: str = "file") -> str:
    with pytest.raises(OrderFileError) as caught:
        evidence.inspect_file(path, name)
    return str(caught.value)


def test_zero_byte_file(tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    assert refused(tmp_path / "empty.png", "empty.png") == (
        "empty.png: the file is empty (0 bytes) — copy the file again from its source")


def test_text_named_png(tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_text("not a picture")
    assert refused(tmp_path / "notes.png", "notes.png") == (
        "notes.png: the file is not a PNG, JPEG, WebP, GIF, TIFF or HEIC image, nor a PDF, "
        "whatever its name says — open it in an image viewer and save it as PNG or JPEG")


def test_unsupported_suffix(tmp_path: Path) -> None:
    (tmp_path / "scan.bmp").write_bytes(b"BM" + bytes(100))
    assert "scan.bmp: .bmp files are not supported as evidence" in refused(
        tmp_path / "scan.bmp", "scan.bmp")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_that_needs_a_password_has_its_own_message(tmp_path: Path, algorithm: str) -> None:
    (tmp_path / "invoice.pdf").write_bytes(pdf_bytes(password="secret", algorithm=algorithm))
    assert refused(tmp_path / "invoice.pdf", "invoice.pdf") == (
        "invoice.pdf: the PDF needs a password to open — open it with its password, then "
        "print or save it as a new PDF without a password")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_with_an_owner_password_only_is_used_unlocked(
        make_case: MakeCase, tmp_path: Path, algorithm: str) -> None:
    """An owner password (against printing or copying) does not stop a PDF opening; the
    exhibit copy is written without the encryption."""
    data = pdf_bytes(3, owner="owner-only", algorithm=algorithm)
    assert PdfReader(io.BytesIO(data)).is_encrypted
    info = evidence.inspect_file(_write(tmp_path / "invoice.pdf", data), "invoice.pdf")
    assert (info.kind, info.pages) == ("pdf", 3)
    exhibit, = evidence.process(make_case([("invoice.pdf", "Invoice")], {"invoice.pdf": data}),
                                cache_dir=tmp_path / "cache")
    copy = PdfReader(exhibit.file)
    assert not copy.is_encrypted
    assert len(copy.pages) == 3


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_damaged_pdf(tmp_path: Path) -> None:
    data = pdf_bytes()
    (tmp_path / "invoice.pdf").write_bytes(data[: len(data) // 2])
    assert refused(tmp_path / "invoice.pdf", "invoice.pdf") == (
        "invoice.pdf: the PDF is damaged and cannot be read — open it in a PDF viewer and "
        "save or print it as a new PDF")


def test_not_a_pdf_named_pdf(tmp_path: Path) -> None:
    (tmp_path / "invoice.pdf").write_text("<html>an invoice</html>")
    assert refused(tmp_path / "invoice.pdf", "invoice.pdf") == (
        "invoice.pdf: the file is named .pdf but is not a PDF — open it and save it again "
        "as PDF")


def test_pdf_pages_are_counted(tmp_path: Path) -> None:
    (tmp_path / "invoice.pdf").write_bytes(pdf_bytes(3))
    info = evidence.inspect_file(tmp_path / "invoice.pdf", "invoice.pdf")
    assert (info.kind, info.pages) == ("pdf", 3)


def test_too_many_pixels_is_refused_before_decoding(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    screenshot((400, 300)).save(tmp_path / "big.png")
    monkeypatch.setattr(evidence, "MAX_PIXELS", 100_000)
    assert "big.png: the image is 400×300 pixels" in refused(tmp_path / "big.png", "big.png")


def test_too_many_bytes_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "big.jpg").write_bytes(b"\xff\xd8" + bytes(5000))
    monkeypatch.setattr(evidence, "MAX_BYTES", 1000)
    assert refused(tmp_path / "big.jpg", "big.jpg").startswith("big.jpg: the file is ")


@pytest.mark.parametrize(("name", "message"), [
    ("/etc/passwd", "an absolute path is not allowed"),
    ("../outside.png", "the path leads outside the case folder"),
    ("missing.png", "the file does not exist"),
])
def test_paths_stay_inside_the_case(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(OrderFileError, match=message):
        evidence.resolve_inside(tmp_path, name)


# --- the sample case --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_order(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the AliExpress sample for the tests that only read it and its exhibits."""
    return copy_sample(tmp_path_factory.mktemp("sample"), "aliexpress-missing")


@pytest.fixture(scope="module")
def sample_exhibits(sample_order: Path, built_aliexpress: BuildResult) -> list[evidence.Exhibit]:
    """The sample's evidence processed once, into a cache of its own beside it: a copy of
    the cache of the session's build of the sample, which made them (the tests that process
    pictures make their own)."""
    folder = sample_order.parent.parent / "cache"
    shutil.copytree(built_aliexpress.out.parent.parent / "cache", folder)
    return evidence.process(validate(sample_order), cache_dir=folder)


#: The tests that read the sample's exhibits run on one pytest-xdist worker, which makes them
#: once.
READS_THE_SAMPLE = pytest.mark.xdist_group("evidence-sample")


@READS_THE_SAMPLE
def test_sample_exhibits(sample_exhibits: list[evidence.Exhibit]) -> None:
    assert [(e.label, e.upload_name, e.media_type, e.kind, e.pages)
            for e in sample_exhibits] == [
        ("A", "A-tracking-page-no-update-since-14-september.png", "image/png", "image", 1),
        ("B", "B-chat-with-the-seller.png", "image/png", "image", 1),
        ("C", "C-order-details-page.png", "image/png", "image", 1),
        ("D", "D-photo-of-the-empty-parcel-locker-on-20-november.jpg", "image/jpeg",
         "image", 1),
    ]
    for exhibit in sample_exhibits:
        assert exhibit.width <= 1350
        assert exhibit.height <= 1800
        assert exhibit.file_size < 2_000_000
        assert cache.file_sha256(exhibit.file) == exhibit.sha256
        assert exhibit.warnings == ()
        with Image.open(exhibit.file) as image:
            assert image.size == (exhibit.width, exhibit.height)


@READS_THE_SAMPLE
def test_sample_photo_is_upright_without_metadata(
        sample_exhibits: list[evidence.Exhibit], sample_order: Path) -> None:
    original = sample_order.parent / "photos/mailbox.jpg"
    with Image.open(original) as stored:  # the fixture is what the test is about
        assert stored.size == (2016, 1512)
        assert stored.getexif()[0x0112] == 6
        assert stored.getexif().get_ifd(0x8825)
    photo_exhibit = sample_exhibits[3]
    assert photo_exhibit.original_sha256 == cache.file_sha256(original)
    data = photo_exhibit.file.read_bytes()
    for marker in (b"Exif", b"GPS", b"http://ns.adobe.com/xap", b"Pixel 7a", b"Google"):
        assert marker not in data
    with Image.open(photo_exhibit.file) as image:
        assert image.size == (1350, 1800)  # portrait: turned upright
        assert not image.getexif()
        assert "icc_profile" not in image.info
        # The yellow "PAKETSTATION" sign is at the top of the upright photo.
        r, g, b = image.getpixel((675, 145))  # type: ignore[misc]
        assert r > 180
        assert g > 140
        assert b < 80


@READS_THE_SAMPLE
def test_sample_redaction_is_black(sample_exhibits: list[evidence.Exhibit]) -> None:
    chat = sample_exhibits[1]
    with Image.open(chat.file) as image:
        rgb = image.convert("RGB")
    # [0, 0, 1170, 140] of a 1170×2532 screenshot, scaled to 832×1800: 0..99 px high.
    band = rgb.crop((0, 0, 832, 95))
    assert band.getextrema() == ((0, 0), (0, 0), (0, 0))


# --- processing ---------------------------------------------------------------------------


def test_pdf_exhibit_keeps_its_pages_and_loses_its_properties(
    make_case: MakeCase, tmp_path: Path
) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(2))))
    writer.add_metadata({"/Author": "jane.doe@home-pc", "/Title": "Invoice for Jane"})
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    case = make_case([("docs/invoice.pdf", "The invoice")], {"docs/invoice.pdf": data})
    (exhibit,) = evidence.process(case, cache_dir=tmp_path / "cache")
    assert (exhibit.kind, exhibit.media_type, exhibit.pages) == ("pdf", "application/pdf", 2)
    assert (exhibit.width, exhibit.height) == (0, 0)
    assert exhibit.upload_name == "A-the-invoice.pdf"
    assert exhibit.original_sha256 == cache.file_sha256(case.folder / "docs/invoice.pdf")
    assert exhibit.sha256 == cache.file_sha256(exhibit.file) != exhibit.original_sha256
    cleaned = PdfReader(exhibit.file)
    assert len(cleaned.pages) == 2
    assert not cleaned.metadata
    assert "/Metadata" not in cleaned.root_object
    assert b"jane.doe" not in exhibit.file.read_bytes()


def test_labels_follow_the_order_file(make_case: MakeCase, tmp_path: Path) -> None:
    items = [(f"s{i}.png", f"Screen {i}") for i in range(28)]
    case = make_case(items, {f"s{i}.png": screenshot((60, 40)) for i in range(28)})
    exhibits = evidence.process(case, cache_dir=tmp_path / "cache", workers=2)
    assert [e.label for e in exhibits][-3:] == ["Z", "AA", "AB"]
    assert exhibits[27].upload_name == "AB-screen-27.png"
    assert [e.source for e in exhibits] == [f"s{i}.png" for i in range(28)]


def test_same_file_twice_with_and_without_redaction(make_case: MakeCase, tmp_path: Path) -> None:
    case = make_case([("s.png", "Whole"), ("s.png", "Redacted", "[[0, 0, 60, 40]]")],
                     {"s.png": screenshot((60, 40))})
    whole, redacted = evidence.process(case, cache_dir=tmp_path / "cache")
    assert whole.original_sha256 == redacted.original_sha256
    assert whole.sha256 != redacted.sha256
    with Image.open(redacted.file) as image:
        assert image.convert("RGB").getextrema() == ((0, 0), (0, 0), (0, 0))


def test_every_damaged_file_is_reported_at_once(make_case: MakeCase, tmp_path: Path) -> None:
    good = io.BytesIO()
    screenshot().save(good, "PNG")
    case = make_case(
        [("ok.png", "Fine"), ("empty.png", "Empty"), ("notes.png", "Text"),
         ("stub.png", "Cut"), ("invoice.pdf", "Locked")],
        {"ok.png": good.getvalue(), "empty.png": good.getvalue(),
         "notes.png": good.getvalue(), "stub.png": good.getvalue(),
         "invoice.pdf": pdf_bytes()})
    # Damaged after validation, as if changed before the build.
    folder = case.folder
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.png").write_text("not a picture")
    (folder / "stub.png").write_bytes(good.getvalue()[:60])
    (folder / "invoice.pdf").write_bytes(pdf_bytes(password="x"))
    with pytest.raises(EvidenceError) as caught:
        evidence.process(case, cache_dir=tmp_path / "cache")
    shown = str(folder)
    assert str(caught.value).splitlines() == [
        "4 evidence files cannot be used:",
        f"{shown}/empty.png: the file is empty (0 bytes) — copy the file again from its source",
        f"{shown}/notes.png: the file is not a PNG, JPEG, WebP, GIF, TIFF or HEIC image, nor "
        "a PDF, whatever its name says — open it in an image viewer and save it as PNG or JPEG",
        f"{shown}/stub.png: the image is damaged or cut short, so it cannot be shown whole — "
        "copy the file again from its source (phone, cloud, e-mail)",
        f"{shown}/invoice.pdf: the PDF needs a password to open — open it with its password, "
        "then print or save it as a new PDF without a password",
    ]


@pytest.mark.parametrize("weasyprint_imported", [False, True])
def test_truncated_image_is_refused_by_validate(
        make_case: MakeCase, monkeypatch: pytest.MonkeyPatch,
        weasyprint_imported: bool) -> None:
    # WeasyPrint's import turns this on for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", weasyprint_imported)
    whole = io.BytesIO()
    photo().save(whole, "JPEG", quality=95)
    data = whole.getvalue()
    with pytest.raises(OrderFileError) as caught:
        make_case([("a.jpg", "A"), ("b.jpg", "B")],
                  {"a.jpg": data, "b.jpg": data[: len(data) * 2 // 3]})
    assert str(caught.value).endswith(
        "evidence[1].file: the image is damaged or cut short, so it cannot be shown whole — "
        "copy the file again from its source (phone, cloud, e-mail)")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is weasyprint_imported


@pytest.mark.parametrize("cut", ["half", "last bytes", "first scan"])
def test_a_builds_validation_refuses_a_cut_short_jpeg_with_its_line(
        make_case: MakeCase, write_order: Callable[[str], Path], cut: str) -> None:
    # A build's validation checks a JPEG by its structure (its workers decode it): a
    # cut-short JPEG gets the same refusal (order file, line, field) as from `orderpack
    # validate`, not a later one from the workers.
    whole = io.BytesIO()
    photo().save(whole, "JPEG", quality=95, progressive=cut == "first scan")
    data = whole.getvalue()
    size = {"half": len(data) // 2, "last bytes": len(data) - 2,
            "first scan": data.index(b"\xff\xda") + 400}[cut]
    with pytest.raises(OrderFileError) as plain:
        make_case([("a.jpg", "A"), ("b.jpg", "B")], {"a.jpg": data, "b.jpg": data[:size]})
    path = write_order(ORDER + "  - file: a.jpg\n    caption: A\n"
                       "  - file: b.jpg\n    caption: B\n")
    with pytest.raises(OrderFileError) as built:
        validate_for_build(path)
    assert str(built.value) == str(plain.value)
    assert [(p.line, p.field, p.message) for p in built.value.problems] == [
        (p.line, p.field, p.message) for p in plain.value.problems]
    assert built.value.problems[0].field == "evidence[1].file"


def test_a_builds_validation_does_not_decode_a_whole_jpeg(
        make_case: MakeCase, write_order: Callable[[str], Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The image workers decode it anyway; `orderpack validate` alone still reads it through.
    read_through: list[str | None] = []
    check_whole = images.check_whole

    def counted(image: Image.Image) -> None:
        read_through.append(image.format)
        check_whole(image)

    monkeypatch.setattr(images, "check_whole", counted)
    png = io.BytesIO()
    screenshot().save(png, "PNG")
    case = make_case([("a.jpg", "A"), ("b.png", "B")], {"a.jpg": photo(), "b.png": png.getvalue()})
    assert sorted(map(str, read_through)) == ["JPEG", "PNG"]
    read_through.clear()
    assert validate_for_build(case.path)[0].order == case.order
    assert read_through == ["PNG"]  # a PNG's chunks are checked: quick, and kept


def test_truncated_images_are_refused_while_others_run_in_parallel(
        make_case: MakeCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it
    whole = io.BytesIO()
    photo().save(whole, "JPEG", quality=95)
    data = whole.getvalue()
    case = make_case([("a.jpg", "A"), ("b.jpg", "B"), ("c.jpg", "C")],
                     {"a.jpg": data, "b.jpg": data, "c.jpg": photo()})
    (case.folder / "b.jpg").write_bytes(data[: len(data) * 2 // 3])  # cut after validation
    with pytest.raises(EvidenceError) as caught:
        evidence.process(case, cache_dir=tmp_path / "cache", workers=3)
    assert [p.file for p in caught.value.problems] == [str(case.folder / "b.jpg")]


# --- the cache ----------------------------------------------------------------------------


@READS_THE_SAMPLE
def test_rebuild_decodes_and_encodes_nothing(sample_order: Path,
                                             sample_exhibits: list[evidence.Exhibit],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    case = validate(sample_order)
    first = sample_exhibits  # from sample_order's cache, which holds them

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded or encoded again")

    monkeypatch.setattr(images, "decode", fail)
    monkeypatch.setattr(images, "_encode", fail)
    assert evidence.process(case, cache_dir=sample_order.parent.parent / "cache") == first


def test_cache_key_covers_the_processing_parameters(make_case: MakeCase, tmp_path: Path) -> None:
    case = make_case([("p.jpg", "Photo")], {"p.jpg": photo((900, 1200))})
    default, = evidence.process(case, cache_dir=tmp_path / "cache")
    small, = evidence.process(case, cache_dir=tmp_path / "cache",
                              settings=images.Settings(max_size=(300, 400)))
    grey, = evidence.process(case, cache_dir=tmp_path / "cache",
                             settings=images.Settings(grayscale=True))
    assert (default.width, small.width) == (900, 300)
    assert len({default.file, small.file, grey.file}) == 3


def test_corrupt_cache_entry_is_rebuilt(make_case: MakeCase, tmp_path: Path) -> None:
    case = make_case([("s.png", "Screen")], {"s.png": screenshot()})
    first, = evidence.process(case, cache_dir=tmp_path / "cache")
    good = first.file.read_bytes()
    first.file.write_bytes(good[:100])  # half-written by a crash, or a disk error
    again, = evidence.process(case, cache_dir=tmp_path / "cache")
    assert again.file.read_bytes() == good
    assert again == first
    record = first.file.with_suffix(".json")
    record.write_text("{not json")
    third, = evidence.process(case, cache_dir=tmp_path / "cache")
    assert third == first
    assert json.loads(record.read_text())["sha256"] == first.sha256


def test_cache_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(tmp_path / "env"))
    assert cache.location() == tmp_path / "env"
    assert cache.location(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("ORDERPACK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if cache.location().is_relative_to(tmp_path):  # Linux and other XDG platforms
        assert cache.location() == tmp_path / "xdg" / "orderpack"


def test_environment_variable_is_used(make_case: MakeCase, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(tmp_path / "env-cache"))
    case = make_case([("s.png", "Screen")], {"s.png": screenshot()})
    exhibit, = evidence.process(case)
    assert exhibit.file.is_relative_to(tmp_path / "env-cache")


def test_unwritable_cache_is_a_clear_error(make_case: MakeCase, tmp_path: Path) -> None:
    case = make_case([("s.png", "Screen")], {"s.png": screenshot()})
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(BuildError, match="cannot write to the cache folder") as caught:
        evidence.process(case, cache_dir=blocker)
    assert "ORDERPACK_CACHE_DIR" in str(caught.value)


def test_processed_orientation_and_marker_through_process(make_case: MakeCase,
                                                         tmp_path: Path) -> None:
    upright = photo((600, 800))
    path_image = upright.transpose(Image.Transpose.ROTATE_90)
    buffer = io.BytesIO()
    path_image.save(buffer, "JPEG", quality=95, exif=gps_exif(6))
    case = make_case([("cam.jpg", "Camera")], {"cam.jpg": buffer.getvalue()})
    exhibit, = evidence.process(case, cache_dir=tmp_path / "cache")
    with Image.open(exhibit.file) as image:
        assert image.size == (600, 800)
        r, g, b = image.getpixel((10, 10))  # type: ignore[misc]
        assert (r, g, b) == pytest.approx(RED, abs=40)


def test_damaged_exif_is_quietly_dropped(make_case: MakeCase, tmp_path: Path) -> None:
    broken = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x05\x00\x12\x01\x03\x00" + b"\xff" * 9
    buffer = io.BytesIO()
    photo().save(buffer, "JPEG", exif=broken)
    with (pytest.warns(UserWarning, match="Corrupt EXIF data"),  # what Pillow does alone
          pytest.warns(UserWarning, match="Skipping tag")):
        Image.open(io.BytesIO(buffer.getvalue())).close()
    case = make_case([("broken.jpg", "Broken EXIF")], {"broken.jpg": buffer.getvalue()})
    exhibit, = evidence.process(case, cache_dir=tmp_path / "cache")  # warnings are errors here
    assert exhibit.media_type == "image/jpeg"
    assert b"Exif" not in exhibit.file.read_bytes()


def test_a_windows_path_is_explained(tmp_path: Path) -> None:
    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / "tracking.png").write_bytes(b"x")
    with pytest.raises(OrderpackError) as caught:
        evidence.resolve_inside(tmp_path, "screenshots\\tracking.png")
    (problem,) = caught.value.problems
    assert problem.message == "the file does not exist"
    assert problem.fix == "separate folders with / rather than \\, e.g. screenshots/tracking.png"


# --- the picture shown is the file that was checked ---------------------------------------


def test_swapped_cache_entries_are_detected(make_case: MakeCase, tmp_path: Path) -> None:
    """Records name their key: two entries swapped whole (file and record) are redone, not
    shown under each other's hash."""
    case = make_case([("a.png", "A"), ("b.png", "B")],
                     {"a.png": screenshot(), "b.png": screenshot((200, 400))})
    a, b = evidence.process(case, cache_dir=tmp_path / "cache")
    swap = tmp_path / "swap"
    for suffix in (".png", ".json"):
        first, second = a.file.with_suffix(suffix), b.file.with_suffix(suffix)
        first.rename(swap)
        second.rename(first)
        swap.rename(second)
    again = evidence.process(case, cache_dir=tmp_path / "cache")
    assert [(e.width, e.height) for e in again] == [(390, 844), (200, 400)]
    assert again == [a, b]


def test_file_changed_between_hashing_and_decoding_is_refused(
        make_case: MakeCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor or a sync client saves the file while the build runs: what is decoded is
    what was hashed, or nothing."""
    case = make_case([("s.png", "Screen")], {"s.png": screenshot()})
    path = case.folder / "s.png"
    inspect = evidence.inspect_data

    def inspect_then_save(*args: object, **kwargs: object) -> evidence.FileInfo:
        info = inspect(*args, **kwargs)  # type: ignore[arg-type]
        screenshot((200, 400)).save(path)  # saved by someone else, just after the hash
        return info

    monkeypatch.setattr(evidence, "inspect_data", inspect_then_save)
    with pytest.raises(EvidenceError) as caught:
        evidence.process(case, cache_dir=tmp_path / "cache")
    assert str(caught.value) == (
        f"{path}: the file changed while the build was reading it — build again once it is "
        "saved")
    monkeypatch.setattr(evidence, "inspect_data", inspect)
    exhibit, = evidence.process(case, cache_dir=tmp_path / "cache")  # nothing wrong cached
    assert (exhibit.width, exhibit.height) == (200, 400)


def test_link_repointed_outside_after_the_check_is_not_read(
        make_case: MakeCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check and the use are the same file: a link re-pointed outside the case folder
    between the path check and the open is refused, not used as an exhibit."""
    case = make_case([("shots/s.png", "Screen")], {"shots/s.png": screenshot()})
    (case.folder / "shots" / "real.png").write_bytes((case.folder / "shots/s.png").read_bytes())
    (case.folder / "shots/s.png").unlink()
    (case.folder / "shots/s.png").symlink_to("real.png")
    outside = tmp_path / "secret.png"
    screenshot((200, 400)).save(outside)
    resolve = evidence.resolve_inside

    def resolve_then_repoint(folder: Path, name: str) -> Path:
        path = resolve(folder, name)  # checked: inside
        path.unlink()
        path.symlink_to(outside)  # re-pointed before it is opened
        return path

    monkeypatch.setattr(evidence, "resolve_inside", resolve_then_repoint)
    with pytest.raises(EvidenceError) as caught:
        evidence.process(case, cache_dir=tmp_path / "cache")
    assert caught.value.problems[0].message == (
        "the path is a link that points outside the case folder")


@pytest.mark.slow
def test_running_out_of_memory_on_a_big_image_is_a_message(tmp_path: Path) -> None:
    """Decoding a 49-megapixel image with too little memory: a message, never a traceback
    (run in a child process whose address space is limited)."""
    import struct
    import subprocess
    import sys
    import textwrap
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    # One grey, RGB: 7000 rows alike, compressed run by run (a third of the time of zlib's
    # level 9, for a file as small).
    row = b"\0" + b"\x80" * 7000 * 3
    packer = zlib.compressobj(strategy=zlib.Z_RLE)
    pixels = b"".join(packer.compress(row) for _ in range(7000)) + packer.flush()
    (tmp_path / "big.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 7000, 7000, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    with Image.open(tmp_path / "big.png") as big:  # the fixture is what it says
        assert (big.format, big.mode, big.size) == ("PNG", "RGB", (7000, 7000))
    (tmp_path / "order.yaml").write_text(
        ORDER + "  - file: big.png\n    caption: Big\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import resource
        from pathlib import Path
        from orderpack import evidence
        from orderpack.errors import EvidenceError
        from orderpack.validation import validate
        folder = Path({str(tmp_path)!r})
        case = validate(folder / "order.yaml")
        with open("/proc/self/status") as status:
            size = next(int(line.split()[1]) for line in status if line.startswith("VmSize"))
        limit = size * 1024 + 100_000_000  # 100 MB more: a 49 MP RGB picture needs 147 MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            evidence.process(case, cache_dir=folder / "cache", workers=1)
        except EvidenceError as exc:
            print(exc.problems[0].message, "|", exc.problems[0].fix)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=False)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == ("ran out of memory on big.png (49 MP) | close other programs and "
                          "try again, or resize the image\n")
