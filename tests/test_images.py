"""orderpack.images: every format and mode in, one clean, upright, private exhibit out.

Fixtures are drawn here with Pillow into tmp_path: a "screenshot" is a few flat colours,
a "photo" a gradient with seeded sensor-like noise.
"""

from __future__ import annotations

import io
import random
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import (
    Image,
    ImageChops,
    ImageCms,
    ImageDraw,
    ImageFile,
    ImageFont,
    ImageStat,
    PngImagePlugin,
)

from orderpack import images
from orderpack.errors import EvidenceError

RED = (230, 20, 20)
SECRET = (0, 255, 0)  # drawn only inside redaction boxes
SECRET_2 = (255, 0, 255)


def screenshot(size: tuple[int, int] = (390, 844)) -> Image.Image:
    """A phone-screenshot-like picture: flat colours, bars of "text", a red marker top left."""
    image = Image.new("RGB", size, (245, 245, 245))
    draw = ImageDraw.Draw(image)
    for y in range(60, size[1] - 40, 40):
        draw.rectangle((20, y, size[0] - 60, y + 12), fill=(40, 40, 40))
    draw.rectangle((0, 0, size[0] // 8, size[1] // 16), fill=RED)
    return image


def photo(size: tuple[int, int] = (640, 480), seed: int = 1) -> Image.Image:
    """A photo-like picture: a gradient with grain, a red marker top left."""
    width, height = size
    noise = Image.frombytes("L", size, random.Random(seed).randbytes(width * height))
    base = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", [base, Image.blend(base, noise, 0.3), noise.point(
        lambda v: v // 2 + 60)])
    ImageDraw.Draw(image).rectangle((0, 0, width // 8, height // 8), fill=RED)
    return image


def save(image: Image.Image, path: Path, **options: Any) -> Path:
    image.save(path, **options)
    return path


def opened(result: images.Processed) -> Image.Image:
    image = Image.open(io.BytesIO(result.data))
    image.load()
    return image


def near(pixel: tuple[int, ...] | float | None, colour: tuple[int, int, int],
         tolerance: int = 40) -> bool:
    assert isinstance(pixel, tuple)  # Pillow's type also allows a one-band value, or None
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def rgb_at(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The pixel of an RGB image at ``xy``."""
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)
    return pixel


def assert_no_metadata(result: images.Processed) -> None:
    for marker in (b"Exif", b"GPS", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"iCCP",
                   b"tEXt", b"iTXt", b"zTXt", b"eXIf"):
        assert marker not in result.data, marker
    image = opened(result)
    assert not image.getexif()
    assert "icc_profile" not in image.info
    assert "xmp" not in image.info
    assert "comment" not in image.info
    assert "exif" not in image.info


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


#: zlib's level for the large PNG fixtures: the same pixels as the default's, written and read
#: in less time (the exhibits are what the tests check, and they are made from the pixels).
QUICK_PNG = 1


# --- pictures several tests read ------------------------------------------------------------
# Each is drawn, encoded and (where tests only read the exhibit) processed once per module:
# the tests that count what processing does, or process with other settings, still do it.


@pytest.fixture(scope="module")
def camera_picture() -> Image.Image:
    """A 12-megapixel camera photo, landscape (not to be drawn on)."""
    return photo((4032, 3024))


@pytest.fixture(scope="module")
def camera_jpg(camera_picture: Image.Image) -> bytes:
    return encoded(camera_picture, "JPEG", quality=92)


@pytest.fixture(scope="module")
def camera_exhibit(camera_jpg: bytes) -> images.Processed:
    return images.process(camera_jpg, "p.jpg")


@pytest.fixture(scope="module")
def sideways_camera_jpg(camera_picture: Image.Image) -> bytes:
    """A portrait camera photo stored turned, as a phone held upright writes it: 4032 ×
    3024 pixels with EXIF orientation 6 (and GPS), red marker top left as shown."""
    upright = camera_picture.transpose(Image.Transpose.TRANSPOSE)  # the marker stays put
    return encoded(upright.transpose(Image.Transpose.ROTATE_90), "JPEG", quality=90,
                   exif=gps_exif(6))


@pytest.fixture(scope="module")
def text_picture() -> Image.Image:
    """A text-heavy phone screenshot (not to be drawn on)."""
    return text_screenshot()


@pytest.fixture(scope="module")
def text_png(text_picture: Image.Image) -> bytes:
    return encoded(text_picture, "PNG", compress_level=QUICK_PNG)


@pytest.fixture(scope="module")
def text_exhibit(text_png: bytes) -> images.Processed:
    return images.process(text_png, "s.png")


@pytest.fixture(scope="module")
def app_png() -> bytes:
    """An app-like phone screenshot at a phone's full resolution: a few flat colours."""
    return encoded(screenshot((1170, 2532)), "PNG", compress_level=QUICK_PNG)


@pytest.fixture(scope="module")
def app_exhibit(app_png: bytes) -> images.Processed:
    return images.process(app_png, "s.png")


#: The tests that read these pictures run on one pytest-xdist worker, which makes them once.
SHARES_PICTURES = pytest.mark.xdist_group("image-fixtures")


# --- formats ---------------------------------------------------------------------------


def test_png_screenshot_becomes_a_palette_png(tmp_path: Path) -> None:
    result = images.process(save(screenshot(), tmp_path / "s.png"), "s.png")
    assert result.media_type == "image/png"
    image = opened(result)
    assert image.format == "PNG"
    assert image.mode == "P"
    assert (result.width, result.height) == image.size == (390, 844)  # small: not scaled
    assert near(image.convert("RGB").getpixel((5, 5)), RED, 0)
    assert result.warnings == ()


def test_jpeg_photo_stays_a_jpeg(tmp_path: Path) -> None:
    result = images.process(save(photo(), tmp_path / "p.jpg", quality=95), "p.jpg")
    assert result.media_type == "image/jpeg"
    image = opened(result)
    assert image.format == "JPEG"
    assert image.size == (640, 480)
    assert near(image.getpixel((10, 10)), RED)


def test_webp(tmp_path: Path) -> None:
    result = images.process(save(screenshot(), tmp_path / "s.webp", lossless=True), "s.webp")
    assert near(opened(result).convert("RGB").getpixel((5, 5)), RED, 0)


def test_gif_first_frame_only(tmp_path: Path) -> None:
    first = screenshot().quantize(16)
    second = Image.new("RGB", first.size, "blue").quantize(16)
    path = tmp_path / "anim.gif"
    first.save(path, save_all=True, append_images=[second], duration=100, loop=0)
    result = images.process(path, "anim.gif")
    assert near(opened(result).convert("RGB").getpixel((5, 5)), RED, 0)
    assert near(opened(result).convert("RGB").getpixel(
        (200, 30)), (245, 245, 245), 0)  # not the blue second frame
    assert any("only the first is shown" in warning for warning in result.warnings)


def test_mpo_phone_photo_is_a_jpeg_without_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "phone.jpg"  # JPEG with a depth map after it, as phones write
    photo((2000, 1500)).save(path, "MPO", save_all=True, append_images=[photo((200, 150))])
    with Image.open(path) as stored:
        assert (stored.format, getattr(stored, "n_frames", 1)) == ("MPO", 2)
    image, _, notes = images.decode(path.read_bytes(), "phone.jpg", (675, 900))
    assert image.size == (1000, 750)  # decoded at half size, as a JPEG is
    assert notes == []
    result = images.process(path, "phone.jpg")
    assert result.media_type == "image/jpeg"
    assert result.warnings == ()


def test_tiff(tmp_path: Path) -> None:
    result = images.process(save(photo(), tmp_path / "p.tif", compression="tiff_lzw"), "p.tif")
    assert result.media_type == "image/jpeg"
    assert near(opened(result).getpixel((10, 10)), RED)


def test_heic_phone_photo(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("encoders"):
        pytest.skip("this libheif build cannot write HEIC")
    pillow_heif.register_heif_opener()
    exif = gps_exif()
    # x265's quickest preset: a phone's HEIC all the same, written in a seventh of the time.
    path = save(photo(), tmp_path / "IMG_0001.HEIC", quality=90, exif=exif,
                enc_params={"preset": "ultrafast"})
    with Image.open(path) as stored:
        assert stored.getexif().get_ifd(0x8825)  # the fixture carries the GPS position
    result = images.process(path, "IMG_0001.HEIC")
    assert result.media_type == "image/jpeg"
    assert (result.width, result.height) == (640, 480)
    assert near(opened(result).getpixel((10, 10)), RED, 50)
    assert_no_metadata(result)


# --- modes ------------------------------------------------------------------------------


def test_cmyk_jpeg(tmp_path: Path) -> None:
    path = save(photo().convert("CMYK"), tmp_path / "cmyk.jpg", quality=95)
    result = images.process(path, "cmyk.jpg")
    image = opened(result)
    assert image.mode == "RGB"
    assert near(image.getpixel((10, 10)), RED, 50)


def test_cmyk_tiff(tmp_path: Path) -> None:
    path = save(screenshot().convert("CMYK"), tmp_path / "cmyk.tif")
    image = opened(images.process(path, "cmyk.tif")).convert("RGB")
    assert near(image.getpixel((5, 5)), RED, 0)


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16_bit_greyscale_is_scaled_not_clipped(tmp_path: Path, suffix: str) -> None:
    image = Image.new("I;16", (200, 100), 65535)  # white left half
    image.paste(Image.new("I;16", (100, 100), 32768), (100, 0))  # mid-grey right half
    path = tmp_path / f"grey16{suffix}"
    image.save(path)
    with Image.open(path) as stored:
        assert stored.mode.startswith("I;16")
    out = opened(images.process(path, path.name)).convert("L")
    assert out.getpixel((50, 50)) == 255
    assert out.getpixel((150, 50)) == pytest.approx(128, abs=2)


def test_palette_with_transparency_is_flattened_onto_white(tmp_path: Path) -> None:
    image = screenshot().quantize(16)
    image.info["transparency"] = image.getpixel((200, 30))  # the background colour
    path = save(image, tmp_path / "p.png", transparency=image.getpixel((200, 30)))
    out = opened(images.process(path, "p.png")).convert("RGB")
    assert out.getpixel((200, 30)) == (255, 255, 255)
    assert near(out.getpixel((5, 5)), RED, 0)


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_alpha_is_flattened_onto_white(tmp_path: Path, mode: str) -> None:
    image = Image.new(mode, (100, 100), (0, 0, 0, 0) if mode == "RGBA" else (0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 49, 99), fill=(200, 0, 0, 255) if mode == "RGBA"
                                    else (60, 255))
    out = opened(images.process(save(image, tmp_path / "a.png"), "a.png")).convert("RGB")
    assert out.getpixel((80, 50)) == (255, 255, 255)  # transparent black became white
    assert out.getpixel((20, 50)) == ((200, 0, 0) if mode == "RGBA" else (60, 60, 60))


def test_an_opaque_alpha_channel_is_dropped_without_flattening(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    image = screenshot()
    expected = images.process(save(image, tmp_path / "rgb.png"), "rgb.png")
    pasted: list[str] = []
    paste = Image.Image.paste

    def counted_paste(self: Image.Image, *args: Any, **kwargs: Any) -> None:
        pasted.append(self.mode)
        paste(self, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "paste", counted_paste)
    result = images.process(save(image.convert("RGBA"), tmp_path / "rgba.png"), "rgba.png")
    assert pasted == []  # nothing shows through: no white background to paste it onto
    assert (result.data, result.pdf_data) == (expected.data, expected.pdf_data)


@pytest.mark.parametrize("mode", ["L", "1"])
def test_greyscale_stays_greyscale(tmp_path: Path, mode: str) -> None:
    image = screenshot().convert(mode)
    out = opened(images.process(save(image, tmp_path / "g.png"), "g.png"))
    assert out.mode in ("L", "P")
    rgb = out.convert("RGB")
    assert all(len(set(rgb_at(rgb, (x, 70)))) == 1 for x in range(0, 390, 7))  # r == g == b


def test_icc_profile_is_applied_then_dropped(tmp_path: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = save(screenshot(), tmp_path / "icc.png", icc_profile=srgb)
    result = images.process(path, "icc.png")
    assert near(opened(result).convert("RGB").getpixel((5, 5)), RED, 3)
    assert_no_metadata(result)


def test_damaged_icc_profile_gives_a_warning(tmp_path: Path) -> None:
    path = save(photo(), tmp_path / "bad-icc.jpg", icc_profile=b"not a profile" * 10)
    result = images.process(path, "bad-icc.jpg")
    assert any("colour profile" in warning for warning in result.warnings)
    assert_no_metadata(result)


# --- metadata and orientation --------------------------------------------------------------


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Google"  # Make
    exif[0x0110] = "Pixel 7a"  # Model
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)
    gps[3], gps[4] = "E", (13.0, 24.0, 18.0)
    return exif


XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
       b'xmp:CreatorTool="Phone"/></rdf:RDF></x:xmpmeta>')


def test_jpeg_metadata_is_all_gone(tmp_path: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = save(photo(), tmp_path / "gps.jpg", exif=gps_exif(), xmp=XMP, icc_profile=srgb,
                comment=b"Jane Doe, Musterstrasse 1")
    original = path.read_bytes()
    assert b"Exif" in original  # the fixture carries them
    assert b"Musterstrasse" in original
    with Image.open(path) as stored:
        assert stored.getexif().get_ifd(0x8825)
    result = images.process(path, "gps.jpg")
    assert b"Musterstrasse" not in result.data
    assert_no_metadata(result)


def test_png_metadata_is_all_gone(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    path = save(screenshot(), tmp_path / "meta.png", pnginfo=info, exif=gps_exif())
    with Image.open(path) as stored:
        assert stored.getexif()
    result = images.process(path, "meta.png")
    assert b"Jane Doe" not in result.data
    assert_no_metadata(result)


# Each orientation, and how a camera would have stored an upright picture for it.
STORED_AS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@pytest.mark.parametrize("orientation", sorted(STORED_AS))
def test_exif_orientation_is_applied(tmp_path: Path, orientation: int) -> None:
    upright = photo((300, 400))  # portrait, red marker top left
    stored = upright.transpose(STORED_AS[orientation])
    path = save(stored, tmp_path / "o.jpg", quality=95, exif=gps_exif(orientation))
    result = images.process(path, "o.jpg")
    image = opened(result)
    assert image.size == (300, 400)
    assert near(image.getpixel((10, 10)), RED)
    assert not near(image.getpixel((290, 390)), RED)
    assert_no_metadata(result)


@SHARES_PICTURES
def test_sideways_camera_photo_comes_out_upright_and_scaled(sideways_camera_jpg: bytes) -> None:
    result = images.process(sideways_camera_jpg, "cam.jpg")
    image = opened(result)
    assert image.size == (1350, 1800)
    assert near(image.getpixel((20, 20)), RED)
    assert not near(image.getpixel((1330, 20)), RED)
    assert_no_metadata(result)


# --- redaction ----------------------------------------------------------------------------


def secret_in(image: Image.Image, box: images.Box) -> Image.Image:
    """``image`` with stripes of two colours found nowhere else, only inside ``box``."""
    x, y, width, height = box
    draw = ImageDraw.Draw(image)
    for row in range(y, y + height, 6):
        colour = SECRET if (row - y) // 6 % 2 == 0 else SECRET_2
        draw.rectangle((x, row, x + width - 1, min(row + 5, y + height - 1)), fill=colour)
    return image


def secret_left(image: Image.Image) -> bool:
    """Whether any pixel is anywhere near the secret colours, or a blend of them: green
    above 150 with red and blue below 110, or red and blue above 150 with green below 110.
    Tested on every pixel with masks (255 where a band passes, 0 where not): the darker of
    two masks is where both pass, the lighter where either does."""
    red, green, blue = image.convert("RGB").split()

    def above(band: Image.Image) -> Image.Image:
        return band.point(lambda v: 255 if v > 150 else 0)

    def below(band: Image.Image) -> Image.Image:
        return band.point(lambda v: 255 if v < 110 else 0)

    greenish = ImageChops.darker(ImageChops.darker(above(green), below(red)), below(blue))
    magenta = ImageChops.darker(ImageChops.darker(above(red), above(blue)), below(green))
    return ImageChops.lighter(greenish, magenta).getbbox() is not None


@pytest.mark.parametrize("kind", ["screenshot", "photo"])
def test_redacted_area_is_black_and_gone(tmp_path: Path, kind: str) -> None:
    box = (40, 100, 200, 120)
    if kind == "screenshot":
        path = save(secret_in(screenshot(), box), tmp_path / "s.png")
    else:
        path = save(secret_in(photo((390, 844)), box), tmp_path / "s.jpg", quality=95)
    with Image.open(path) as stored:
        assert secret_left(stored)
    result = images.process(path, path.name, redact=[box])
    assert result.media_type == ("image/png" if kind == "screenshot" else "image/jpeg")
    image = opened(result).convert("RGB")
    assert not secret_left(image)
    tolerance = 0 if kind == "screenshot" else 12  # JPEG rounds black to a level or two
    for x in range(44, 236, 8):
        for y in range(104, 216, 8):
            assert near(image.getpixel((x, y)), (0, 0, 0), tolerance), (x, y)


@pytest.mark.parametrize("orientation", [6, 8, 3, 5])
def test_redaction_box_is_measured_on_the_picture_as_shown(
        tmp_path: Path, orientation: int) -> None:
    """A box is in the pixels of the upright picture, as every viewer shows a phone photo
    (and as HEIC photos always were); the picture is then scaled."""
    upright = photo((600, 800))  # as shown: portrait
    box = (250, 125, 200, 150)  # measured on the upright picture
    secret_in(upright, box)
    # Stored turned the other way, with the tag that makes viewers show it upright.
    undo = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270,
            3: Image.Transpose.ROTATE_180, 5: Image.Transpose.TRANSPOSE}[orientation]
    path = save(upright.transpose(undo), tmp_path / "cam.jpg", quality=92,
                exif=gps_exif(orientation))
    with Image.open(path) as stored:
        assert secret_left(stored)
    result = images.process(path, "cam.jpg", redact=[box])
    image = opened(result).convert("RGB")
    assert image.size == (600, 800)
    assert not secret_left(image)
    for x in range(255, 445, 5):  # JPEG rounds black to a level or two, more at edges
        for y in range(130, 270, 5):
            assert near(image.getpixel((x, y)), (0, 0, 0), 20), (x, y)
    assert near(image.getpixel((5, 5)), RED)  # and it is upright: the marker is top left


def test_redaction_in_a_palette_png_is_pure_black_even_merged_with_dark_text(
        tmp_path: Path) -> None:
    image = screenshot()
    ImageDraw.Draw(image).rectangle((0, 300, 389, 400), fill=(8, 8, 8))  # near-black "text"
    box = (10, 500, 100, 50)
    path = save(secret_in(image, box), tmp_path / "s.png")
    out = opened(images.process(path, "s.png", redact=[box],
                                settings=images.Settings(colors=4))).convert("RGB")
    assert out.getpixel((50, 520)) == (0, 0, 0)


# --- what the PDF shows --------------------------------------------------------------------


def rendition(result: images.Processed) -> Image.Image:
    assert result.pdf_data is not None
    image = Image.open(io.BytesIO(result.pdf_data))
    image.load()
    return image


def text_screenshot(size: tuple[int, int] = (1170, 2532), seed: int = 1) -> Image.Image:
    """A text-heavy phone screenshot: a grey page, a blue header bar, lines of dark text
    (anti-aliased, so its file is large enough to be scaled for the PDF)."""
    rnd = random.Random(seed)
    image = Image.new("RGB", size, (244, 244, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], 200), fill=(31, 95, 191))
    draw.rectangle((0, 0, size[0] // 8, size[1] // 16), fill=RED)
    font = ImageFont.load_default(34)
    words = ["parcel", "tracking", "seller", "refund", "12 Sep", "10:33", "order", "EUR",
             "dispute", "locker", "customs", "8190123456789012", "waiting", "delivered"]
    for y in range(230, size[1] - 60, 50):
        line = " ".join(rnd.choice(words) for _ in range(6))
        draw.text((40, y), line, font=font, fill=(25, 25, 25) if y % 200 else (117, 117, 117))
    return image


def grey_rms(shown: Image.Image, original: Image.Image) -> float:
    """The RMS grey-level difference of ``shown`` from ``original`` scaled to its size."""
    reference = original.convert("L").resize(shown.size, Image.Resampling.LANCZOS)
    return float(ImageStat.Stat(ImageChops.difference(reference, shown.convert("L"))).rms[0])


@SHARES_PICTURES
def test_a_text_heavy_screenshot_is_shown_as_a_palette_png_smaller_than_a_jpeg(
        text_picture: Image.Image, text_exhibit: images.Processed) -> None:
    original, result = text_picture, text_exhibit
    assert (result.media_type, result.width, result.height) == ("image/png", 832, 1800)
    assert len(result.data) > images.PDF_SMALL  # so the PDF shows a smaller rendition
    shown = rendition(result)
    assert (shown.format, shown.mode, result.pdf_media_type) == ("PNG", "P", "image/png")
    assert shown.size == (647, 1400)  # 1170 × 2532 fitted to 1040 × 1400
    assert near(rgb_at(shown.convert("RGB"), (5, 5)), RED)
    # Smaller than the JPEG of the same pixels, and as legible.
    pixels = opened(result).convert("RGB").resize(shown.size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    pixels.save(buffer, "JPEG", quality=images.Settings().jpeg_quality)
    assert result.pdf_data is not None
    assert len(result.pdf_data) < 0.8 * len(buffer.getvalue())
    as_jpeg = Image.open(buffer)
    error = grey_rms(shown, original)
    assert error <= grey_rms(as_jpeg, original) + 0.5
    assert error < 5


@SHARES_PICTURES
def test_the_palette_keeps_a_screenshot_s_common_colours_exactly(
        text_exhibit: images.Processed) -> None:
    for image in (opened(text_exhibit), rendition(text_exhibit)):
        colours = {colour for _, colour in image.convert("RGB").getcolors(256) or []}
        assert {(244, 244, 244), (31, 95, 191), RED} <= colours


@SHARES_PICTURES
def test_a_photo_is_shown_as_a_jpeg_at_its_exhibit_s_size(
        camera_exhibit: images.Processed) -> None:
    result = camera_exhibit
    assert (result.media_type, result.width, result.height) == ("image/jpeg", 1350, 1012)
    shown = rendition(result)
    assert (shown.format, shown.size, result.pdf_media_type) == ("JPEG", (1350, 1012),
                                                                 "image/jpeg")
    assert result.pdf_data is not None
    assert len(result.pdf_data) <= 0.9 * len(result.data)
    assert grey_rms(shown, opened(result)) < 6  # the same noisy picture


def test_a_small_jpeg_exhibit_is_shown_as_it_is(tmp_path: Path) -> None:
    result = images.process(save(photo((800, 600)), tmp_path / "p.jpg", quality=92), "p.jpg")
    assert result.media_type == "image/jpeg"
    assert result.pdf_data is None  # the PDF embeds the exhibit itself


@SHARES_PICTURES
def test_a_small_png_exhibit_is_shown_as_it_is(app_exhibit: images.Processed) -> None:
    result = app_exhibit
    assert len(result.data) <= images.PDF_SMALL
    assert (result.pdf_data, result.pdf_media_type) == (None, "image/png")
    assert opened(result).mode == "P"


@SHARES_PICTURES
def test_each_picture_is_decoded_once_and_scaled_once_from_its_original(
        monkeypatch: pytest.MonkeyPatch, text_png: bytes, sideways_camera_jpg: bytes) -> None:
    decoders: list[str] = []
    scaled: list[tuple[int, int]] = []
    filters: list[Any] = []
    getdecoder, resize = Image._getdecoder, Image.Image.resize

    def counted_decoder(mode: str, name: str, *args: Any, **kwargs: Any) -> Any:
        decoders.append(name)
        return getdecoder(mode, name, *args, **kwargs)

    def counted_resize(self: Image.Image, size: tuple[int, int], resample: Any = None,
                       *args: Any, **kwargs: Any) -> Image.Image:
        if resample != Image.Resampling.NEAREST:  # the screenshot test's quick sample
            scaled.append(self.size)
            filters.append(resample)
        return resize(self, size, resample, *args, **kwargs)

    text, camera = text_png, sideways_camera_jpg
    monkeypatch.setattr(Image, "_getdecoder", counted_decoder)
    monkeypatch.setattr(Image.Image, "resize", counted_resize)
    result = images.process(text, "s.png")
    assert result.pdf_data is not None  # an exhibit and a smaller rendition of it
    assert decoders == ["zip"]
    assert scaled == [(1170, 2532), (832, 1800)]  # the original once, then the exhibit
    # Text is scaled with bicubic to the exhibit, then with Lanczos (errors add up) for the PDF.
    assert filters == [Image.Resampling.BICUBIC, Image.Resampling.LANCZOS]
    decoders.clear()
    scaled.clear()
    filters.clear()
    # A size budget's smaller exhibit: scaled to its size at once, not fitted first.
    result = images.process(text, "s.png", settings=images.Settings(scale=0.0))
    assert (result.width, result.height) == (640, 1385)
    assert scaled == [(1170, 2532)]
    decoders.clear()
    scaled.clear()
    filters.clear()
    result = images.process(camera, "p.jpg")
    assert result.pdf_data is not None
    assert decoders == ["jpeg"]
    assert scaled == [(2016, 1512)]  # decoded at half size, scaled once, then turned
    assert filters == [Image.Resampling.HAMMING]  # scaled by less than 2: no need of more
    assert (result.width, result.height) == (1350, 1800)


def zlib_level(png: bytes) -> int:
    """The FLEVEL field of the zlib stream in ``png``'s first IDAT chunk: 0 for zlib levels 0
    and 1, 1 for levels 2 to 5, 2 for the default 6, 3 for levels 7 to 9 (RFC 1950)."""
    start = png.index(b"IDAT") + 4
    return png[start + 1] >> 6


@SHARES_PICTURES
def test_pngs_are_compressed_at_zlib_level_4(text_exhibit: images.Processed) -> None:
    # Level 4 takes about 60 % of the default's time for files a few per cent larger.
    result = text_exhibit
    assert result.pdf_data is not None
    assert (result.pdf_media_type, images.PNG_LEVEL) == ("image/png", 4)
    assert zlib_level(result.data) == zlib_level(result.pdf_data) == 1


@SHARES_PICTURES
def test_screenshot_and_photo_exhibits_stay_close_to_their_originals(
        text_picture: Image.Image, text_exhibit: images.Processed,
        camera_picture: Image.Image, camera_exhibit: images.Processed) -> None:
    # What the cheaper filters cost, seen at the exhibit's own size (RMS of 255).
    exhibit = opened(text_exhibit)
    assert grey_rms(exhibit, text_picture) < 4.5  # Lanczos 2.8, bicubic 3.4, Hamming 5.7
    camera = camera_picture
    exhibit = opened(camera_exhibit)
    assert exhibit.size == (1350, 1012)
    assert grey_rms(exhibit, camera) < 5  # Hamming 4.2 (Lanczos 4.0), box 5.4: grain


@SHARES_PICTURES
def test_a_screenshot_s_gps_and_text_are_in_neither_rendition(
        tmp_path: Path, text_picture: Image.Image) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe, Musterstrasse 1")
    path = save(text_picture, tmp_path / "s.png", exif=gps_exif(), pnginfo=info,
                compress_level=QUICK_PNG)
    assert b"Musterstrasse" in path.read_bytes()  # the fixture carries them
    result = images.process(path, "s.png")
    assert result.pdf_data is not None
    assert_no_metadata(result)
    for marker in (b"Exif", b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"Musterstrasse"):
        assert marker not in result.pdf_data, marker
    assert not rendition(result).getexif()


@SHARES_PICTURES
def test_the_pdf_rendition_follows_the_settings(
        text_png: bytes, camera_jpg: bytes, camera_exhibit: images.Processed) -> None:
    grey = rendition(images.process(text_png, "s.png",
                                    settings=images.Settings(grayscale=True)))
    colours = [colour for _, colour in grey.convert("RGB").getcolors(256) or []]
    assert colours
    assert all(isinstance(c, tuple) and c[0] == c[1] == c[2] for c in colours)
    best = camera_exhibit
    low = images.process(camera_jpg, "p.jpg", settings=images.Settings(jpeg_quality=30))
    assert best.pdf_data is not None
    assert low.pdf_data is None  # the exhibit is at quality 30 already: shown as it is
    assert len(low.data) < 0.8 * len(best.pdf_data)


def test_the_pdf_rendition_carries_no_metadata_and_no_redacted_pixels(tmp_path: Path) -> None:
    box = (40, 100, 200, 120)
    path = save(secret_in(photo((2000, 1500)), box), tmp_path / "gps.jpg", quality=95,
                exif=gps_exif(), xmp=XMP, comment=b"Jane Doe, Musterstrasse 1")
    result = images.process(path, "gps.jpg", redact=[box])
    assert result.pdf_data is not None
    for marker in (b"Exif", b"GPS", b"http://ns.adobe.com/xap", b"Musterstrasse"):
        assert marker not in result.pdf_data, marker
    shown = rendition(result).convert("RGB")
    assert not shown.getexif()
    assert not secret_left(shown)
    scale = shown.width / 2000
    assert near(shown.getpixel((round(140 * scale), round(160 * scale))), (0, 0, 0), 12)


# --- sizes --------------------------------------------------------------------------------


def test_large_screenshot_fits_the_page(tmp_path: Path) -> None:
    # More than twice the page's height (scaled in two steps), as a tablet's screenshot.
    result = images.process(save(screenshot((1755, 3798)), tmp_path / "big.png",
                                 compress_level=QUICK_PNG), "big.png")
    assert (result.width, result.height) == (832, 1800)


def test_never_scaled_up(tmp_path: Path) -> None:
    result = images.process(save(screenshot((120, 80)), tmp_path / "tiny.png"), "tiny.png")
    assert (result.width, result.height) == (120, 80)


@SHARES_PICTURES
def test_jpeg_is_decoded_at_reduced_size(camera_jpg: bytes) -> None:
    image, _, _ = images.decode(camera_jpg, "big.jpg", (1350, 1800))
    assert image.size == (2016, 1512)  # 1/2 is the smallest that still fills 1800 px
    exact, _, _ = images.decode(camera_jpg, "big.jpg", (1350, 1800), exact=True)
    assert exact.size == (4032, 3024)


@SHARES_PICTURES
@pytest.mark.parametrize("kind", ["screenshot", "photo"])
def test_size_budget_is_met(request: pytest.FixtureRequest, kind: str) -> None:
    data: bytes = request.getfixturevalue("app_png" if kind == "screenshot" else "camera_jpg")
    unlimited: images.Processed = request.getfixturevalue(
        "app_exhibit" if kind == "screenshot" else "camera_exhibit")
    name = "x.png" if kind == "screenshot" else "x.jpg"
    assert len(unlimited.data) <= images.MAX_BYTES
    budget = len(unlimited.data) // 3
    result = images.process(data, name, settings=images.Settings(max_bytes=budget))
    assert len(result.data) <= budget
    assert result.media_type == unlimited.media_type


def test_an_impossible_budget_is_an_error(tmp_path: Path) -> None:
    path = save(photo(), tmp_path / "p.jpg")
    with pytest.raises(EvidenceError, match=r"^p\.jpg: the image cannot be made smaller"):
        images.process(path, "p.jpg", settings=images.Settings(max_bytes=500))


def test_grayscale_setting(tmp_path: Path) -> None:
    path = save(photo(), tmp_path / "p.jpg")
    result = images.process(path, "p.jpg", settings=images.Settings(grayscale=True))
    assert opened(result).mode == "L"


# --- damaged files ------------------------------------------------------------------------


def cut(path: Path, fraction: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


DAMAGED = ("the image is damaged or cut short, so it cannot be shown whole — copy the file "
           "again from its source (phone, cloud, e-mail)")


@pytest.mark.parametrize(("name", "make", "fraction"), [
    ("half.png", lambda p: save(screenshot(), p), 0.6),
    ("half.jpg", lambda p: save(photo(), p, quality=95), 0.6),
    ("cut.png", lambda p: save(screenshot(), p), 0.02),
    ("c.webp", lambda p: save(screenshot(), p), 0.5),
    ("half.gif", lambda p: save(screenshot(), p), 0.6),
    ("half.tif", lambda p: save(photo(), p, compression="tiff_lzw"), 0.6),
])
@pytest.mark.parametrize("weasyprint_imported", [False, True])
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")  # the cut TIFF's tags
def test_damaged_image_is_refused_never_shown_in_part(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
        make: Callable[[Path], Path], fraction: float, weasyprint_imported: bool) -> None:
    # WeasyPrint's import turns this on for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", weasyprint_imported)
    path = cut(make(tmp_path / name), fraction)
    with pytest.raises(EvidenceError) as caught:
        images.process(path, f"shots/{name}")
    assert str(caught.value) == f"shots/{name}: {DAMAGED}"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is weasyprint_imported  # left as it was


def test_damage_is_found_on_every_thread_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The switch WeasyPrint turns on stays off while any thread decodes, however the
    threads overlap."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    # The exhibit's and the PDF's size already: the threads' time goes to decoding, where
    # the switch must stay off (a picture of 1040 × 780 let a broken switch pass at times).
    whole = save(photo((1040, 1400)), tmp_path / "whole.jpg", quality=95).read_bytes()
    half = whole[: len(whole) // 2]

    def run(data: bytes) -> bool:
        try:
            images.process(data, "x.jpg")
        except EvidenceError:
            return False
        return True

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, [whole, half] * 8))
    assert results == [True, False] * 8
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


NOT_AN_IMAGE = ("the file is not a PNG, JPEG, WebP, GIF, TIFF or HEIC image, nor a PDF, "
                "whatever its name says — open it in an image viewer and save it as PNG or JPEG")


def test_text_file_named_png_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("this is not a picture\n")
    with pytest.raises(EvidenceError) as caught:
        images.process(path, "notes.png")
    assert str(caught.value) == f"notes.png: {NOT_AN_IMAGE}"


def undocumented_formats() -> list[tuple[str, bytes]]:
    """Pictures in formats Pillow reads but orderpack does not take, and an EPS file (which
    Pillow would hand to Ghostscript to draw)."""
    made = []
    for fmt, mode in [("BMP", "RGB"), ("TGA", "RGB"), ("PCX", "RGB"), ("SGI", "RGB"),
                      ("DDS", "RGBA"), ("QOI", "RGB"), ("SPIDER", "F"),
                      ("XBM", "1"), ("PPM", "RGB"), ("ICO", "RGB")]:
        buffer = io.BytesIO()
        Image.new(mode, (16, 16)).save(buffer, fmt)
        made.append((fmt, buffer.getvalue()))
    # Pillow 13 deprecates writing IM files; this is the header it writes.
    made.append(("IM", b"Image type: RGB image\r\nName: x\r\nImage size (x*y): 16*16\r\n"
                       .ljust(512, b"\0")[:511] + b"\x1a" + bytes(16 * 16 * 3)))
    made.append(("EPS", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n"
                        b"newpath 0 0 moveto 16 16 lineto stroke\nshowpage\n%%EOF\n"))
    return made


@pytest.mark.parametrize(("fmt", "data"), undocumented_formats(),
                         ids=[fmt for fmt, _ in undocumented_formats()])
@pytest.mark.parametrize("name", ["scan.png", "scan.jpg", "scan.tiff", "scan.heic"])
def test_undocumented_formats_are_refused_whatever_the_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, data: bytes,
        name: str) -> None:
    from PIL import EpsImagePlugin

    def no_ghostscript(*args: object, **kwargs: object) -> None:
        raise AssertionError("Ghostscript was called")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", no_ghostscript)
    with warnings.catch_warnings():  # Pillow 13 deprecates IM
        warnings.simplefilter("ignore", DeprecationWarning)
        with Image.open(io.BytesIO(data)) as unrestricted:  # the fixture is what it says
            assert unrestricted.format == fmt
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(EvidenceError) as caught:
        images.process(path, name)
    assert str(caught.value) == f"{name}: {NOT_AN_IMAGE}"


# --- deep and many-framed images -------------------------------------------------------


@pytest.mark.parametrize(("mode", "values", "expected"), [
    ("F", (1.0, 0.5, 0.0), (255, 128, 0)),  # floating point, 0 to 1
    ("F", (255.0, 128.0, 0.0), (255, 128, 0)),  # floating point, 0 to 255
    ("F", (4000.0, 2000.0, 0.0), (255, 128, 0)),  # floating point, a sensor's own range
    ("I", (255, 128, 0), (255, 128, 0)),  # 32-bit integers holding 8-bit values
    ("I", (65535, 32768, 0), (255, 128, 0)),  # ... holding 16-bit values
    ("I", (2_000_000_000, 1_000_000_000, 0), (255, 128, 0)),  # ... the full range
    ("I", (1000, 0, -1000), (255, 128, 0)),  # signed
    ("I;16", (65535, 32768, 0), (255, 128, 0)),
])
def test_deep_greyscale_tiff_keeps_its_greys(
        tmp_path: Path, mode: str, values: tuple[float, float, float],
        expected: tuple[int, int, int]) -> None:
    image = Image.new(mode, (300, 100))
    for index, value in enumerate(values):
        image.paste(Image.new(mode, (100, 100), value), (100 * index, 0))
    path = tmp_path / "deep.tif"
    image.save(path)
    with Image.open(path) as stored:
        assert stored.mode == mode
    out = opened(images.process(path, "deep.tif")).convert("L")
    for index, grey in enumerate(expected):
        assert out.getpixel((100 * index + 50, 50)) == pytest.approx(grey, abs=2)


def gif_of(frames: int) -> bytes:
    """A GIF of ``frames`` one-pixel frames (each a few bytes), written directly."""
    header = b"GIF89a" + (1).to_bytes(2, "little") * 2 + b"\x80\x00\x00" + bytes(6)
    frame = (b"\x21\xf9\x04\x00\x01\x00\x00\x00"  # graphic control: a delay
             b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00")
    return header + frame * frames + b"\x3b"


def test_gif_with_a_few_frames_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "few.gif"
    path.write_bytes(gif_of(3))
    result = images.process(path, "few.gif")
    assert result.warnings == ("the file holds 3 pictures (pages or animation frames); only "
                               "the first is shown",)


def test_gif_with_a_million_frames_is_refused_quickly(tmp_path: Path) -> None:
    import time

    path = tmp_path / "many.gif"
    path.write_bytes(gif_of(1_000_000))
    with Image.open(path) as check:  # the fixture is what it says
        check.seek(2)
    start = time.perf_counter()
    with pytest.raises(EvidenceError) as caught:
        images.process(path, "many.gif")
    assert time.perf_counter() - start < 1.0  # Pillow's own count takes seconds
    assert str(caught.value) == (
        f"many.gif: the file holds more than {images.MAX_FRAMES:,} pictures (pages or "
        "animation frames) — take a screenshot of the picture that matters, or save it as a PNG")


def test_classifier() -> None:
    assert images.looks_like_screenshot(screenshot())
    assert not images.looks_like_screenshot(photo())
