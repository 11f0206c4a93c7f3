"""The evidence PDF checked with tools that did not make it: pikepdf (qpdf), pdftotext and
pdfimages. PDF exhibits are flattened to what they show, their JPEGs carry no camera
metadata, the bundle stays one consistent tagged document, and long unbroken text stays
on the page.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from orderpack import flatten
from orderpack.packet import BuildResult, Options, build

TODAY = date(2026, 11, 26)
GPS = (52.0, 31.0, 12.0)
URL = "https://tracking.example-carrier.com/track?" + "&".join(
    f"parcel{n}=LP00412345678CN{n:04d}" for n in range(8))  # 218 characters, no space
assert len(URL) >= 218 and " " not in URL

pytestmark = pytest.mark.slow


def camera_jpeg() -> bytes:
    """A JPEG as a phone's camera writes it: EXIF with a GPS position, and a comment."""
    exif = Image.Exif()
    exif[0x010F] = "Phone Maker"
    exif[0x8825] = {1: "N", 2: GPS, 3: "E", 4: GPS}
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (10, 120, 200)).save(
        buffer, "JPEG", exif=exif.tobytes(), comment=b"Jane Doe, 1 Home Street")
    return buffer.getvalue()


def hostile_pdf(path: Path) -> Path:
    """A PDF exhibit with everything that must not ride along: a tagged page (WeasyPrint's
    structure and ids), a link, a /Launch action on opening the page, JavaScript run on
    opening the file and in the name tree, a form, an embedded file, document properties,
    and a scanned JPEG with its camera's EXIF."""
    import weasyprint

    html = ('<html lang="en"><body><h1 id="top">Invoice 42</h1><p>See '
            '<a href="https://example.com/t">the tracking page</a>.</p>'
            '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAA'
            'CklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==" alt="scan" '
            'style="width:200px;height:100px"></body></html>')
    tagged = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(tagged)))

    def name(text: str) -> NameObject:
        return NameObject(text)

    script = DictionaryObject({name("/S"): name("/JavaScript"),
                               name("/JS"): TextStringObject("app.alert(1)")})
    writer.root_object[name("/OpenAction")] = script
    writer.root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): DictionaryObject(
        {name("/Names"): ArrayObject([TextStringObject("a"), script])})})
    writer.add_attachment("secret.txt", b"private")
    writer.add_metadata({"/Author": "Jane Doe", "/Title": "my invoice"})
    writer.add_annotation(0, Link(rect=(10, 10, 100, 40), url="https://evil.example"))
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): DictionaryObject(
        {name("/S"): name("/Launch"), name("/F"): TextStringObject("calc.exe")})})
    writer.root_object[name("/AcroForm")] = DictionaryObject({name("/Fields"): ArrayObject()})
    buffer = io.BytesIO()
    writer.write(buffer)
    with pikepdf.open(buffer) as pdf:  # the page's image becomes the camera's JPEG itself
        for page in pdf.pages:
            for image in page.get_images().values():
                image.write(camera_jpeg(), filter=pikepdf.Name.DCTDecode)
                for key in ("/DecodeParms", "/SMask", "/Decode"):
                    if key in image:
                        del image[key]
                image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
                image.Width, image.Height = 200, 100
        pdf.save(path)
    return path


@pytest.fixture
def built(aliexpress_case: Path, tmp_path: Path) -> BuildResult:
    """The sample case with a hostile PDF exhibit and a long URL in a message and in a
    tracking status."""
    folder = aliexpress_case.parent
    hostile_pdf(folder / "invoice.pdf")
    text = aliexpress_case.read_text(encoding="utf-8")
    text = text.replace("    date: 2026-11-20\n\ndispute:", "    date: 2026-11-20\n"
                        "  - file: invoice.pdf\n    caption: Invoice from the store\n\ndispute:")
    text = text.replace('text: "Hello, my order has had no tracking update since 14 September. '
                        'Where is my parcel?"', f'text: "Where is my parcel? {URL}"')
    text = text.replace("status: Arrived at sorting centre", f"status: {URL}")
    assert text.count(URL) == 2 and "invoice.pdf" in text
    aliexpress_case.write_text(text, encoding="utf-8")
    return build(aliexpress_case, TODAY, Options(cache_dir=tmp_path / "cache"))


def test_the_fixture_carries_everything_that_must_go(tmp_path: Path) -> None:
    path = hostile_pdf(tmp_path / "hostile.pdf")
    with pikepdf.open(path) as pdf:
        assert {"/OpenAction", "/AcroForm", "/Names", "/StructTreeRoot", "/Metadata"} <= set(
            pdf.Root.keys())
        assert {"/Annots", "/AA", "/StructParents"} <= set(pdf.pages[0].obj.keys())
    assert gps_positions(path) == 1


def gps_positions(pdf: Path) -> int:
    """How many images `pdfimages` extracts from ``pdf`` with a GPS position in them."""
    folder = pdf.parent / f"{pdf.stem}-images"
    folder.mkdir()
    subprocess.run(["pdfimages", "-j", str(pdf), str(folder / "x")], check=True)
    found = 0
    for file in folder.iterdir():
        with Image.open(file) as image:
            found += bool(image.getexif().get_ifd(0x8825)) or b"Jane Doe" in file.read_bytes()
    shutil.rmtree(folder)
    return found


def test_pdf_exhibit_is_flattened_in_the_copy_and_in_the_bundle(built: BuildResult) -> None:
    copy = built.exhibits[-1]
    assert copy.suffix == ".pdf"
    with pikepdf.open(copy) as pdf:
        assert not {"/Names", "/Outlines"} & set(pdf.Root.keys())
    for path in (copy, built.evidence_pdf):
        with pikepdf.open(path) as pdf:
            assert not {"/OpenAction", "/AA", "/AcroForm"} & set(pdf.Root.keys()), path
            for page in pdf.pages:
                assert "/AA" not in page.obj
                for annotation in page.obj.get("/Annots") or []:
                    # Only the bundle's own links: to its pages, or its own addresses.
                    action = annotation.get("/A")
                    if action is None:
                        assert "/Dest" in annotation, path
                    else:
                        assert action.get("/S") == "/URI", path
                        assert "evil" not in str(action.URI), path
                        assert "example.com/t" not in str(action.URI), path
            raw = path.read_bytes()
            for marker in (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"secret.txt",
                           b"calc.exe"):
                assert marker not in raw, (path, marker)
    with pikepdf.open(copy) as pdf:
        assert not pdf.docinfo.keys() - {"/Producer"}
        assert "/Metadata" not in pdf.Root
        assert "/StructTreeRoot" not in pdf.Root


def test_no_gps_comes_back_out_of_a_pdf_exhibit(built: BuildResult) -> None:
    assert gps_positions(built.exhibits[-1]) == 0
    assert gps_positions(built.evidence_pdf) == 0


def test_build_says_what_was_blacked_out_and_removed(built: BuildResult) -> None:
    said = [cleaned.describe(built.out) for cleaned in built.cleaned]
    assert said == [
        "B: 1 box blacked out — check exhibits/B-chat-with-the-seller.png",
        "C: 2 boxes blacked out — check exhibits/C-order-details-page.png",
        "E: removed 2 links, 1 embedded file, the form, actions, JavaScript, bookmarks, "
        "document properties and photo metadata (EXIF, XMP) of 1 image — check "
        "exhibits/E-invoice-from-the-store.pdf",
    ]


def test_qpdf_finds_no_fault(built: BuildResult) -> None:
    for path in (built.evidence_pdf, built.exhibits[-1]):
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == [], path  # qpdf --check


def test_long_unbroken_text_wraps_and_stays_in_the_text(built: BuildResult) -> None:
    text = subprocess.run(["pdftotext", str(built.evidence_pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    joined = "".join(text.split())
    assert joined.count(URL) >= 2  # the message and the tracking status, whole


# --- one consistent tagged document -----------------------------------------------------

_PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "Do", "sh",
             "INLINE IMAGE"}


def structure_faults(path: Path) -> list[str]:
    """What breaks the document's tagging: content neither tagged nor an artifact, a marked
    content id used twice on a page or missing from the structure tree, a link outside it,
    structure ids used twice, text in the page margins (running headers, footers) that is
    not an artifact."""
    faults: list[str] = []
    with pikepdf.open(path) as pdf:
        tree = pdf.Root.StructTreeRoot
        parents = {int(key): value for key, value in pikepdf.NumberTree(tree.ParentTree).items()}
        ids: list[bytes] = []
        reachable: set[tuple[int, int]] = set()
        links: set[tuple[int, int]] = set()

        def walk(element: pikepdf.Object) -> None:
            reachable.add(element.objgen)
            if "/ID" in element:
                ids.append(bytes(element.ID))
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids else []
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid)
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    links.add(kid.Obj.objgen)

        walk(tree)
        if len(ids) != len(set(ids)):
            faults.append("structure ids used twice")
        for number, page in enumerate(pdf.pages, 1):
            height = float(page.MediaBox[3])
            stack: list[tuple[str, int | None]] = []
            mcids: Counter[int] = Counter()
            matrix = [1.0] * 6
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "BMC":
                    stack.append((str(operands[0]), None))
                elif op == "BDC":
                    props = operands[1]
                    mcid = int(props.MCID) if isinstance(
                        props, pikepdf.Dictionary) and "/MCID" in props else None
                    stack.append((str(operands[0]), mcid))
                    if mcid is not None:
                        mcids[mcid] += 1
                elif op == "EMC":
                    stack.pop()
                elif op == "Tm":
                    matrix = [float(value) for value in operands]
                elif op in _PAINTING:
                    artifact = any(tag == "/Artifact" for tag, _ in stack)
                    if not artifact and not any(mcid is not None for _, mcid in stack):
                        faults.append(f"page {number}: {op} neither tagged nor an artifact")
                    # WeasyPrint places text in CSS px from the top of the page; the
                    # footer is in the bottom margin (20 mm), below 15 mm from the bottom.
                    footer = matrix[5] * 0.75 > height - 15 * 72 / 25.4
                    if op in ("Tj", "TJ") and footer and not artifact:
                        faults.append(f"page {number}: text in the bottom margin is tagged")
            faults += [f"page {number}: MCID {mcid} used twice"
                       for mcid, count in mcids.items() if count > 1]
            entry = parents.get(int(page.obj.get("/StructParents", -1)))
            for mcid in mcids:
                element = entry[mcid] if entry is not None and mcid < len(entry) else None
                if not isinstance(element, pikepdf.Dictionary) or element.objgen not in reachable:
                    faults.append(f"page {number}: MCID {mcid} is not in the structure tree")
            for annotation in page.obj.get("/Annots") or []:
                if annotation.get("/Subtype") == "/Link" and annotation.objgen not in links:
                    faults.append(f"page {number}: a link is not in the structure tree")
    return faults


def test_the_bundle_is_one_consistent_tagged_document(built: BuildResult) -> None:
    assert structure_faults(built.evidence_pdf) == []


def test_a_merged_page_is_a_figure_with_the_caption_as_its_alternative_text(
        built: BuildResult) -> None:
    with pikepdf.open(built.evidence_pdf) as pdf:
        alts = []

        def walk(element: pikepdf.Object) -> None:
            if element.get("/S") == "/Figure" and "/Alt" in element:
                alts.append(str(element.Alt))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids else []:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert "Exhibit E: Invoice from the store" in alts


def test_flatten_reports_nothing_for_a_plain_pdf() -> None:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert flatten.flatten(buffer.getvalue()).removed == ()


def test_jpeg_metadata_segments_are_dropped_and_the_picture_kept() -> None:
    data = camera_jpeg() + b"trailing data a phone appends"
    stripped = flatten.strip_jpeg(data)
    assert b"Exif" not in stripped and b"Jane Doe" not in stripped and b"trailing" not in stripped
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert before.tobytes() == after.tobytes()
        assert not after.getexif()
