"""`orderpack serve` in a real browser: Playwright drives the system's Chromium (never a
browser Playwright downloads) through a buyer's whole journey, from an empty folder to a
built packet, and the packet is checked: the order number in the PDF's text, and black
pixels under every box drawn with the mouse, in exhibits/ and in the PDF's pictures.

Set ORDERPACK_SCREENSHOTS=DIR to have every page shot at both widths into DIR (docs/ holds
some); without it the pages are checked but not shot.
"""

from __future__ import annotations

import io
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser import MARKS
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from web_helpers import TODAY

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = MARKS  # slow, one worker (the journey and what reads it), Chromium needed
pytest_plugins = ["browser"]  # the session's one Chromium (the chromium fixture)
NUMBER = "8190555512345678"


@dataclass
class Journey:
    case: Path
    boxes: dict[str, list[int]]
    """The box drawn on each picture, by evidence file, in the picture's shown pixels."""
    shown: dict[str, tuple[int, int]]
    pdf: bytes
    cases_page: dict[str, Any]
    """Computed styles of the cases page: the legend's colours, the stage name's border."""


def _screenshot_png(path: Path) -> None:
    """A phone screenshot: a red "address" band to hide."""
    image = Image.new("RGB", (1170, 2000), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1169, 150), fill=(230, 60, 60))
    draw.rectangle((100, 800, 900, 950), fill=(40, 120, 220))
    image.save(path)


def _rotated_photo(path: Path) -> None:
    """A phone photo stored sideways (1500 × 1000) with EXIF orientation 6: shown upright
    it is 1000 × 1500, with a green label in its lower half."""
    image = Image.new("RGB", (1500, 1000), (200, 190, 170))
    draw = ImageDraw.Draw(image)
    draw.rectangle((900, 300, 1300, 700), fill=(20, 160, 60))
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(path, "JPEG", quality=92, exif=exif.tobytes())


#: The widths every page is checked at (and shot at, with ORDERPACK_SCREENSHOTS).
WIDTHS = {"desktop": (1280, 900), "phone": (360, 780)}


#: The lines the case page's heading breaks the case's name into (each character's box
#: says which line it is on).
_LINES_OF_THE_NAME = """() => {
  const text = document.querySelector("h1 .mono").firstChild, range = document.createRange();
  const lines = [];
  let top = null;
  for (let i = 0; i < text.length; i++) {
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const y = range.getBoundingClientRect().top;
    if (top === null || Math.abs(y - top) > 2) lines.push("");
    top = y;
    lines[lines.length - 1] += text.data[i];
  }
  return lines;
}"""


def _every_page_fits(page: Page, base: str, case: Path, shots: Path | None) -> None:
    """Each page at a desktop's and a phone's width, in the journey's own page; none may be
    wider than the window, the evidence thumbnails load and the status page counts the
    dispute text's characters. With ``shots``, a screenshot of each page and of two of
    their parts (the evidence list, the dispute text).

    Each page is loaded once and the window then narrowed: the pages' layout is CSS alone
    (no script reads the window's size), so it is the layout a page loaded at that width
    has."""
    from playwright.sync_api import expect

    def fits(name: str, width: int) -> None:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"the {name} page is {scroll} px wide at {width} px"

    for name, path, part in (
            ("cases", "/", None), ("new-case", "/new", None),
            ("case-page", f"/case/{case.name}", ("evidence", "#evidence")),
            ("redaction-editor", f"/editor/{case.name}?n=0", None),
            ("status", f"/status/{case.name}", ("dispute-text", "#dispute-text")),
            ("build", f"/build/{case.name}", None)):
        desktop_width, desktop_height = WIDTHS["desktop"]
        page.set_viewport_size({"width": desktop_width, "height": desktop_height})
        page.goto(base + path)  # returns once the page and its pictures have loaded
        if name == "status":
            expect(page.locator("#dispute-count")).to_contain_text("characters")
        for width, height in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": height})
            fits(name, width)
            if name == "case-page":
                # The case's name in the heading wraps after its hyphen, not inside a word.
                lines = page.evaluate(_LINES_OF_THE_NAME)
                assert "".join(lines) == case.name
                assert all(line.endswith("-") for line in lines[:-1]), (width, lines)
            if shots:
                page.screenshot(path=shots / f"{name}-{width}.png",
                                full_page=name in {"status", "build"})
            if part:
                part_name, selector = part
                page.locator(selector).scroll_into_view_if_needed()
                page.wait_for_function(  # the thumbnails load once they are in view
                    f"() => [...document.querySelectorAll('{selector} img')].every("
                    "i => i.complete && i.naturalWidth > 0)")
                fits(part_name, width)
                if shots:
                    page.locator(selector).screenshot(path=shots / f"{part_name}-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})


def _create_case(page: Page, root: Path, shots: Path | None) -> Path:
    """A new case, with one mistake the form points out (shot, with ``shots``), then
    fixed."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="New case").first.click()
    page.get_by_label("Your name as on the order").fill("Ana Buyer")
    page.get_by_label("Order number").fill(NUMBER)
    page.get_by_label("Order date").fill("2026-09-02")
    page.get_by_label("Store or seller").fill("Lamp Store")
    page.get_by_label("What you ordered").fill("Desk lamp")
    page.get_by_label("Amount paid, shipping included").fill("19,99")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Promised delivery date").fill("2026-10-20")
    page.get_by_label("Buyer Protection ends").fill("ends in 9 days")
    page.get_by_role("button", name="Create the case").click()
    expect(page.locator("#np-total")).to_contain_text("write 19.99, not 19,99")
    if shots:
        page.screenshot(path=shots / "new-case-mistake-1280.png", full_page=True)
    page.get_by_label("Amount paid, shipping included").fill("19.99")
    page.get_by_role("button", name="Create the case").click()
    expect(page.get_by_text("Case created.")).to_be_visible()
    page.wait_for_load_state("load")  # the page's script listens from then on
    case = root / f"aliexpress-{NUMBER}"
    assert (case / "order.yaml").is_file()
    return case


def _fix_a_typed_mistake(page: Page) -> None:
    """A mistake typed on the case page is pointed out as the buyer types."""
    from playwright.sync_api import expect

    shipped = page.locator('[id="f-shipping.shipped"]')
    shipped.fill("2026-08-01")
    expect(page.locator('[id="problem-shipping.shipped"]')).to_contain_text(
        "before the order date")
    shipped.fill("2026-09-05")
    expect(page.locator('[id="problem-shipping.shipped"]')).to_be_empty()
    page.get_by_role("button", name="Save shipping and tracking").click()
    expect(page.get_by_text("Saved.")).to_be_visible()


def _upload_pictures(page: Page, pictures: list[Path]) -> None:
    """Pictures picked at once, as from a phone's gallery; the page's script sends them as
    soon as they are picked, once it runs (after the load)."""
    from playwright.sync_api import expect

    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.locator("#upload-files").set_input_files(pictures)
    expect(page.locator("img.thumb")).to_have_count(len(pictures))


def _draw_boxes(page: Page, base: str, case: Path,
                targets: dict[str, tuple[float, float, float, float]],
                ) -> dict[str, tuple[int, int]]:
    """A box drawn with the mouse on each picture (``targets``: its corners as fractions
    of the picture); the size each picture was shown at, by evidence file."""
    from playwright.sync_api import expect

    shown: dict[str, tuple[int, int]] = {}
    page.set_viewport_size({"width": 1280, "height": 2600})  # the whole picture in view
    for index, (file_name, (x0, y0, x1, y1)) in enumerate(targets.items()):
        page.goto(base + f"/editor/{case.name}?n={index}")
        picture = page.locator("#picture")
        expect(picture).to_be_visible()
        page.wait_for_function("document.getElementById('picture').naturalWidth > 0")
        rect = picture.bounding_box()
        assert rect is not None
        page.mouse.move(rect["x"] + rect["width"] * x0, rect["y"] + rect["height"] * y0)
        page.mouse.down()
        page.mouse.move(rect["x"] + rect["width"] * x1, rect["y"] + rect["height"] * y1,
                        steps=8)
        page.mouse.up()
        expect(page.locator(".box")).to_have_count(1)
        page.get_by_role("button", name="Save the boxes").click()
        expect(page.get_by_text("Saved. The preview")).to_be_visible()
        editor = page.locator("#editor")
        shown[file_name] = (int(editor.get_attribute("data-width") or 0),
                            int(editor.get_attribute("data-height") or 0))
    page.set_viewport_size({"width": 1280, "height": 900})
    return shown


def _build(page: Page, base: str, case: Path) -> bytes:
    """Build, with progress, then the packet's files: exhibits.zip downloaded, and the
    evidence PDF's bytes."""
    from playwright.sync_api import expect

    page.goto(base + f"/case/{case.name}")
    page.get_by_role("button", name="Build the dispute text and PDF").click()
    expect(page.get_by_text("Built:")).to_be_visible(timeout=300_000)
    expect(page.get_by_role("link", name="evidence.pdf")).to_be_visible()
    # Each picture a box was drawn on is listed to be checked, and opens as the exhibit.
    checks = page.locator(".cleaned li")
    expect(checks).to_have_count(2)
    expect(checks.first).to_contain_text("1 box blacked out — check exhibits/")
    with page.expect_popup() as popup:
        checks.first.get_by_role("link").click()
    shown = popup.value
    shown.wait_for_load_state()
    assert shown.evaluate("document.contentType") in {"image/png", "image/jpeg"}
    shown.close()
    with page.expect_download() as download:
        page.get_by_role("link", name="exhibits.zip").click()
    assert download.value.suggested_filename == "exhibits.zip"
    pdf_url = page.get_by_role("link", name="evidence.pdf").get_attribute("href")
    answer = page.request.get(base + str(pdf_url))
    assert answer.headers["content-type"] == "application/pdf"
    return answer.body()


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory, chromium: Browser) -> Journey:
    from playwright.sync_api import expect

    from orderpack.web import orderfile, server

    # A busy machine (other tests on every core) renders slower than Playwright's 5 s.
    expect.set_options(timeout=60_000)
    work = tmp_path_factory.mktemp("browser")
    root = work / "cases"
    root.mkdir()
    pictures = work / "pictures"
    pictures.mkdir()
    _screenshot_png(pictures / "order page.png")
    _rotated_photo(pictures / "IMG_0042.jpg")
    shots = Path(os.environ["ORDERPACK_SCREENSHOTS"]) if os.environ.get(
        "ORDERPACK_SCREENSHOTS") else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    with server.in_background(root, lambda: TODAY) as address:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(address)
        base = address.split("/?", maxsplit=1)[0]
        expect(page.get_by_role("heading", name="Your cases")).to_be_visible()
        case = _create_case(page, root, shots)
        _fix_a_typed_mistake(page)
        _upload_pictures(page, [pictures / "order page.png", pictures / "IMG_0042.jpg"])
        shown = _draw_boxes(page, base, case, {
            "screenshots/order-page.png": (0.10, 0.42, 0.75, 0.46),
            "screenshots/img-0042.jpg": (0.30, 0.15, 0.70, 0.30)})
        pdf = _build(page, base, case)
        _every_page_fits(page, base, case, shots)
        page.goto(base + "/")
        cases_page = page.evaluate("""() => ({
            legend: [...document.querySelectorAll('.legend span')].map(
                span => getComputedStyle(span).borderLeftColor),
            card: getComputedStyle(document.querySelector('.case a')).borderLeftColor,
            stage: (name => name ? getComputedStyle(name).borderTopStyle : 'no stage name')(
                document.querySelector('.case .stage-name')),
        })""")
        page.close()
    # The one 422 is the new case form's answer to the mistake.
    assert [e for e in errors if "status of 422" not in e] == []
    data, _version = orderfile.read(case / "order.yaml")
    boxes = {row["file"]: list(row["redact"][0]) for row in data["evidence"]}
    return Journey(case=case, boxes=boxes, shown=shown, pdf=pdf, cases_page=cases_page)


def test_the_cases_legend_shows_the_colour_of_each_urgency(journey: Journey) -> None:
    legend = journey.cases_page["legend"]
    assert len(legend) == 4
    assert len(set(legend)) == 4, legend  # four colours, not four black bars
    assert journey.cases_page["card"] in legend  # the case's own colour is one of them


def test_the_stage_on_the_cases_page_is_plain_text(journey: Journey) -> None:
    """Not drawn in a frame like the redaction editor's picture."""
    assert journey.cases_page["stage"] == "none"


def test_the_pdf_has_the_order_number(journey: Journey, tmp_path: Path) -> None:
    (tmp_path / "evidence.pdf").write_bytes(journey.pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "evidence.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert NUMBER in text


def _black_under(image: Image.Image, box: list[int], shown: tuple[int, int]) -> None:
    """The middle of ``box`` (in the shown picture's pixels) is black in ``image``, an
    upright rendition of that picture at any scale, and outside the box it is not."""
    scale_x, scale_y = image.width / shown[0], image.height / shown[1]
    x, y, width, height = box
    rgb = image.convert("RGB")
    for fx, fy in ((0.5, 0.5), (0.2, 0.3), (0.8, 0.7)):
        point = (int((x + width * fx) * scale_x), int((y + height * fy) * scale_y))
        assert max(_rgb_at(rgb, point)) <= 16, (point, _rgb_at(rgb, point))
    below = (int((x + width / 2) * scale_x), min(int((y + height + 40) * scale_y),
                                                 image.height - 1))
    assert max(_rgb_at(rgb, below)) > 16


def _rgb_at(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The pixel of an RGB image at ``xy``."""
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)  # Pillow's type also allows a one-band value, or None
    return pixel


def _exhibit(journey: Journey, source: str) -> Image.Image:
    stem = Path(source).stem
    found = [p for p in (journey.case / "out" / "exhibits").iterdir() if stem in p.name]
    assert len(found) == 1, found
    return Image.open(found[0])


def _pdf_pictures(journey: Journey) -> list[Image.Image]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(journey.pdf))
    return [picture.image for page in reader.pages for picture in page.images
            if picture.image is not None and picture.image.width > 200]


def test_the_screenshot_box_is_black_in_exhibits_and_in_the_pdf(journey: Journey) -> None:
    source = "screenshots/order-page.png"
    _black_under(_exhibit(journey, source), journey.boxes[source], journey.shown[source])
    pictures = [p for p in _pdf_pictures(journey) if p.height / p.width > 1.6]
    assert pictures  # (pypdf lists a picture once for each page whose resources hold it)
    for picture in pictures:
        _black_under(picture, journey.boxes[source], journey.shown[source])


def test_the_rotated_photo_box_is_black_in_exhibits_and_in_the_pdf(journey: Journey) -> None:
    source = "screenshots/img-0042.jpg"
    assert journey.shown[source] == (1000, 1500)  # upright, as the editor showed it
    _black_under(_exhibit(journey, source), journey.boxes[source], journey.shown[source])
    pictures = [p for p in _pdf_pictures(journey) if 1.3 < p.height / p.width < 1.7]
    assert pictures  # (pypdf lists a picture once for each page whose resources hold it)
    for picture in pictures:
        _black_under(picture, journey.boxes[source], journey.shown[source])


@pytest.fixture(scope="module")
def rendered_pages(journey: Journey, tmp_path_factory: pytest.TempPathFactory,
                   ) -> list[Image.Image]:
    """The PDF's pages as pdftoppm draws them (as a reviewer's viewer shows them), drawn
    once for the tests that look at them."""
    folder = tmp_path_factory.mktemp("rendered")
    (folder / "evidence.pdf").write_bytes(journey.pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(folder / "evidence.pdf"),
                    str(folder / "page")], check=True)
    return [Image.open(path).convert("RGB") for path in sorted(folder.glob("page-*.png"))]


def _area(image: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """The bounding box of the pixels within 15 of ``colour`` in each channel (JPEG's
    changes; not the page's grey, antialiased text)."""
    low = [max(c - 15, 0) for c in colour]
    high = [min(c + 15, 255) for c in colour]
    bands = [band.point(lambda v, lo=lo, hi=hi: 255 if lo <= v <= hi else 0)
             for band, lo, hi in zip(image.split(), low, high, strict=True)]
    mask = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])
    box = mask.filter(ImageFilter.MinFilter(5)).getbbox()  # thin text strokes go
    return None if box is None else (box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2)


@pytest.mark.parametrize(("source", "colour", "whole"), [
    ("screenshots/order-page.png", (230, 60, 60), False),  # a red band across its top
    ("screenshots/img-0042.jpg", (200, 190, 170), True),  # the photo's background fills it
])
def test_each_box_is_black_on_the_pdf_page_as_rendered(journey: Journey,
                                                       rendered_pages: list[Image.Image],
                                                       source: str, colour: tuple[int, int, int],
                                                       whole: bool) -> None:
    found = []
    ratio = journey.shown[source][1] / journey.shown[source][0]
    for page in rendered_pages:
        area = _area(page, colour)
        if area is None or area[2] - area[0] < 200:
            continue
        if whole and abs((area[3] - area[1]) / (area[2] - area[0]) - ratio) > 0.05:
            continue  # the colour is there, but not as the whole picture
        found.append((page, area))
    assert found, f"no page shows {source}"
    for page, (left, top, right, _bottom) in found:
        width = right - left
        height = round(width * journey.shown[source][1] / journey.shown[source][0])
        picture = page.crop((left, top, right, top + height))
        _black_under(picture, journey.boxes[source], journey.shown[source])
