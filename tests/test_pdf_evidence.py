"""The evidence PDF checked with tools that did not make it: pikepdf (qpdf), pdftotext and
pdfimages. PDF exhibits are flattened to what they show, their JPEGs carry no camera
metadata, the bundle stays one consistent tagged document, and long unbroken text stays
on the page.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import copy_sample
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from orderpack import flatten, i18n
from orderpack.packet import BuildResult, Options, build

TODAY = date(2026, 11, 26)
GPS = (52.0, 31.0, 12.0)
URL = "https://tracking.example-carrier.com/track?" + "&".join(
    f"parcel{n}=LP00412345678CN{n:04d}" for n in range(8))  # 218 characters, no space
assert len(URL) >= 218
assert " " not in URL

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
    """Write at ``path`` a PDF exhibit with everything that must not ride along: a tagged
    page (WeasyPrint's structure and ids), a link, a /Launch action on opening the page,
    JavaScript run on opening the file and in the name tree, a form, an embedded file,
    document properties, and a scanned JPEG with its camera's EXIF."""
    path.write_bytes(_hostile_pdf())
    return path


@functools.cache
def _hostile_pdf() -> bytes:
    """The bytes of :func:`hostile_pdf`, made once per test process: five of this module's
    builds and checks use the same exhibit, and WeasyPrint, pypdf and pikepdf take some
    0.1 s to make it."""
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
        saved = io.BytesIO()
        pdf.save(saved)
    return saved.getvalue()


def make_hostile(order: Path) -> Path:
    """Make a copy of the sample case (its order file, ``order``) hostile: a hostile PDF
    exhibit, and a long URL in a message and in a tracking status; its order file."""
    folder = order.parent
    hostile_pdf(folder / "invoice.pdf")
    text = order.read_text(encoding="utf-8")
    text = text.replace("    date: 2026-11-20\n\ndispute:", "    date: 2026-11-20\n"
                        "  - file: invoice.pdf\n    caption: Invoice from the store\n\ndispute:")
    text = text.replace('text: "Hello, my order has had no tracking update since 14 September. '
                        'Where is my parcel?"', f'text: "Where is my parcel? {URL}"')
    text = text.replace("status: Arrived at sorting centre", f"status: {URL}")
    assert text.count(URL) == 2
    assert "invoice.pdf" in text
    order.write_text(text, encoding="utf-8")
    return order


@pytest.fixture
def hostile_case(aliexpress_case: Path) -> Path:
    """The sample case made hostile (:func:`make_hostile`), for a test that builds it."""
    return make_hostile(aliexpress_case)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory,
          built_aliexpress: BuildResult) -> BuildResult:
    """The hostile case, built once for the tests of this module that only read the packet
    (they run on one pytest-xdist worker: their ``xdist_group``). Its cache starts as a copy
    of the session's sample build's (the cache is keyed by content and settings): the
    sample's pictures come from it, the hostile PDF exhibit is processed here."""
    folder = tmp_path_factory.mktemp("hostile")
    order = make_hostile(copy_sample(folder, "aliexpress-missing"))
    shutil.copytree(built_aliexpress.out.parent.parent / "cache", folder / "cache")
    return build(order, TODAY, Options(cache_dir=folder / "cache"))


#: The tests that read the one hostile build run on one worker, which builds it once.
READS_THE_BUILD = pytest.mark.xdist_group("hostile-build")


def test_the_fixture_carries_everything_that_must_go(tmp_path: Path) -> None:
    path = hostile_pdf(tmp_path / "hostile.pdf")
    with pikepdf.open(path) as pdf:
        assert {"/OpenAction", "/AcroForm", "/Names", "/StructTreeRoot", "/Metadata"} <= set(
            pdf.Root.keys())
        assert {"/Annots", "/AA", "/StructParents"} <= set(pdf.pages[0].obj.keys())
    assert gps_positions(path) == 1


def gps_positions(pdf: Path) -> int:
    """How many images `pdfimages` extracts from ``pdf`` with a GPS position in them."""
    with tempfile.TemporaryDirectory() as name:  # not beside a packet other tests read
        folder = Path(name)
        subprocess.run(["pdfimages", "-j", str(pdf), str(folder / "x")], check=True)
        found = 0
        for file in folder.iterdir():
            with Image.open(file) as image:
                found += (bool(image.getexif().get_ifd(0x8825))
                          or b"Jane Doe" in file.read_bytes())
    return found


@READS_THE_BUILD
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


@READS_THE_BUILD
def test_no_gps_comes_back_out_of_a_pdf_exhibit(built: BuildResult) -> None:
    assert gps_positions(built.exhibits[-1]) == 0
    assert gps_positions(built.evidence_pdf) == 0


@READS_THE_BUILD
def test_build_says_what_was_blacked_out_and_removed(built: BuildResult) -> None:
    said = [cleaned.describe(built.out) for cleaned in built.cleaned]
    assert said == [
        "B: 1 box blacked out — check exhibits/B-chat-with-the-seller.png",
        "C: 2 boxes blacked out — check exhibits/C-order-details-page.png",
        "E: removed 2 links, 1 embedded file, the form, actions, JavaScript, bookmarks, "
        "document properties and photo metadata (EXIF, XMP) of 1 image — check "
        "exhibits/E-invoice-from-the-store.pdf",
    ]


@READS_THE_BUILD
def test_qpdf_finds_no_fault(built: BuildResult) -> None:
    for path in (built.evidence_pdf, built.exhibits[-1]):
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == [], path  # qpdf --check


@READS_THE_BUILD
def test_the_bundle_is_compressed(built: BuildResult) -> None:
    """WeasyPrint writes its part uncompressed; qpdf compresses it when the PDF is completed:
    every stream has a filter (but the XMP metadata, left readable as PDF/UA readers expect),
    and the small objects are packed into object streams."""
    with pikepdf.open(built.evidence_pdf) as pdf:
        streams = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
        assert [obj.objgen for obj in streams
                if "/Filter" not in obj and obj.get("/Type") != "/Metadata"] == []
        assert any(obj.get("/Type") == "/ObjStm" for obj in streams) or pdf.trailer.get(
            "/Type") == "/XRef"


@READS_THE_BUILD
def test_long_unbroken_text_wraps_and_stays_in_the_text(built: BuildResult) -> None:
    text = subprocess.run(["pdftotext", str(built.evidence_pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    joined = "".join(text.split())
    assert joined.count(URL) >= 2  # the message and the tracking status, whole


# --- one consistent tagged document -----------------------------------------------------

_PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "Do", "sh",
             "INLINE IMAGE"}


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]


def _elements(element: pikepdf.Object) -> list[pikepdf.Object]:
    """Every structure element under ``element``, in document order."""
    found = []
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *_elements(kid)]
    return found


def _forms(resources: pikepdf.Object | None, seen: set[tuple[int, int]]) -> list[pikepdf.Object]:
    """Every Form XObject ``resources`` can draw, forms in forms included, each once."""
    xobjects = resources.get("/XObject") if resources is not None else None
    found: list[pikepdf.Object] = []
    for stream in xobjects.values() if xobjects is not None else []:
        if stream.get("/Subtype") == "/Form" and stream.objgen not in seen:
            seen.add(stream.objgen)
            found += [stream, *_forms(stream.get("/Resources"), seen)]
    return found


@dataclass
class _Tree:
    """The structure tree as the checks read it."""

    parents: dict[int, pikepdf.Object]
    """The parent tree: each key's entry."""
    ids: list[bytes] = field(default_factory=list)
    """Every element's structure id (/ID), in tree order."""
    reachable: set[tuple[int, int]] = field(default_factory=set)
    """Every element of the tree."""
    links: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    """Each annotation the tree refers to (/OBJR): the element holding it."""

    def walk(self, element: pikepdf.Object) -> None:
        self.reachable.add(element.objgen)
        if "/ID" in element:
            self.ids.append(bytes(element.ID))
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                self.walk(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                self.links[kid.Obj.objgen] = element.objgen


def _read_tree(pdf: pikepdf.Pdf) -> _Tree:
    root = pdf.Root.StructTreeRoot
    tree = _Tree({int(key): value
                  for key, value in pikepdf.NumberTree(root.ParentTree).items()})
    tree.walk(root)
    return tree


def _ids_used_twice(tree: _Tree) -> list[str]:
    return ["structure ids used twice"] if len(tree.ids) != len(set(tree.ids)) else []


def _parent_keys_used_twice(pdf: pikepdf.Pdf) -> list[str]:
    keys = [int(page.obj.StructParents) for page in pdf.pages if "/StructParents" in page.obj]
    keys += [int(annotation.StructParent) for page in pdf.pages
             for annotation in page.obj.get("/Annots") or [] if "/StructParent" in annotation]
    return ["parent tree keys used twice"] if len(keys) != len(set(keys)) else []


def _parent_entries_outside_the_tree(tree: _Tree) -> list[str]:
    return [f"parent tree entry {key}: an element not in the tree"
            for key, entry in tree.parents.items()
            for element in (entry if isinstance(entry, pikepdf.Array) else [entry])
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in tree.reachable]


@dataclass
class _Marks:
    """A page's content stream read so far: the marked content open, each MCID's count,
    the text matrix; the faults found."""

    number: int
    height: float
    stack: list[tuple[str, int | None]] = field(default_factory=list)
    mcids: Counter[int] = field(default_factory=Counter)
    matrix: list[float] = field(default_factory=lambda: [1.0] * 6)
    faults: list[str] = field(default_factory=list)

    def open(self, operator: str, operands: list[pikepdf.Object]) -> None:
        """Tagged content or an artifact opened inside tagged content or an artifact."""
        props = operands[1] if operator == "BDC" else None
        mcid = int(props.MCID) if isinstance(
            props, pikepdf.Dictionary) and "/MCID" in props else None
        tag = str(operands[0])
        if (mcid is not None or tag == "/Artifact") and any(
                open_mcid is not None or open_tag == "/Artifact"
                for open_tag, open_mcid in self.stack):
            self.faults.append(f"page {self.number}: {tag} nested in tagged content or an "
                               "artifact")
        self.stack.append((tag, mcid))
        if mcid is not None:
            self.mcids[mcid] += 1

    def paint(self, operator: str) -> None:
        """Painting neither tagged nor an artifact; text in a page margin that is not an
        artifact."""
        artifact = any(tag == "/Artifact" for tag, _ in self.stack)
        if not artifact and not any(mcid is not None for _, mcid in self.stack):
            self.faults.append(f"page {self.number}: {operator} neither tagged nor an artifact")
        # WeasyPrint places text in CSS px from the top of the page; the footer is in the
        # bottom margin (20 mm), a running header would be in the top one (16 mm):
        # baselines below 15 mm from the bottom, above 12 mm from the top.
        baseline = self.matrix[5] * 0.75
        margin = baseline > self.height - 15 * 72 / 25.4 or baseline < 12 * 72 / 25.4
        if operator in ("Tj", "TJ") and margin and not artifact:
            self.faults.append(f"page {self.number}: text in a page margin is tagged")


def _read_marks(number: int, page: pikepdf.Page) -> _Marks:
    """The page's content stream read: its marked content and painting checked."""
    marks = _Marks(number, float(page.MediaBox[3]))
    for instruction in pikepdf.parse_content_stream(page):
        operator, operands = str(instruction.operator), list(instruction.operands)
        if operator in ("BMC", "BDC"):
            marks.open(operator, operands)
        elif operator == "EMC":
            marks.stack.pop()
        elif operator == "Tm":
            marks.matrix = [float(value) for value in operands]
        elif operator in _PAINTING:
            marks.paint(operator)
    return marks


def _mcid_faults(marks: _Marks, page: pikepdf.Page, tree: _Tree) -> list[str]:
    """A marked content id used twice on the page, or missing from the structure tree."""
    faults = [f"page {marks.number}: MCID {mcid} used twice"
              for mcid, count in marks.mcids.items() if count > 1]
    entry = tree.parents.get(int(page.obj.get("/StructParents", -1)))
    for mcid in marks.mcids:
        element = entry[mcid] if entry is not None and mcid < len(entry) else None
        if not isinstance(element, pikepdf.Dictionary) or element.objgen not in tree.reachable:
            faults.append(f"page {marks.number}: MCID {mcid} is not in the structure tree")
    return faults


def _form_faults(number: int, page: pikepdf.Page, seen: set[tuple[int, int]]) -> list[str]:
    """Marked content drawn from a form (a merged page's own ids)."""
    faults = []
    for form in _forms(page.obj.get("/Resources"), seen):
        marks = {str(instruction.operands[0])
                 for instruction in pikepdf.parse_content_stream(form)
                 if str(instruction.operator) in ("BMC", "BDC")}
        if marks - {"/OC"} and "/StructParents" not in form:
            faults.append(f"page {number}: a form draws marked content {sorted(marks)}")
    return faults


def _link_faults(number: int, page: pikepdf.Page, tree: _Tree) -> list[str]:
    """A link outside the tree, or whose parent tree entry is not the element holding it."""
    faults = []
    for annotation in page.obj.get("/Annots") or []:
        if annotation.get("/Subtype") != "/Link":
            continue
        element = tree.parents.get(int(annotation.get("/StructParent", -1)))
        if annotation.objgen not in tree.links:
            faults.append(f"page {number}: a link is not in the structure tree")
        elif not isinstance(element, pikepdf.Dictionary) or \
                element.objgen != tree.links[annotation.objgen]:
            faults.append(f"page {number}: a link's parent tree entry is not its element")
    return faults


def structure_faults(path: Path) -> list[str]:
    """What breaks the document's tagging (PDF/UA-1, ISO 32000-1 14.7-14.8): content neither
    tagged nor an artifact; tagged content inside tagged content or inside an artifact, or
    an artifact inside tagged content; a marked content id used twice on a page, missing from
    the structure tree, or drawn from a form (a merged page's own ids); a parent tree entry
    that is not in the tree; a link outside the tree, or whose parent tree entry is not the
    element holding it; structure ids or parent tree keys used twice; text in the page
    margins (running headers, footers) that is not an artifact."""
    with pikepdf.open(path) as pdf:
        tree = _read_tree(pdf)
        faults = [*_ids_used_twice(tree), *_parent_keys_used_twice(pdf),
                  *_parent_entries_outside_the_tree(tree)]
        forms_seen: set[tuple[int, int]] = set()
        for number, page in enumerate(pdf.pages, 1):
            marks = _read_marks(number, page)
            faults += marks.faults
            faults += _mcid_faults(marks, page, tree)
            faults += _form_faults(number, page, forms_seen)
            faults += _link_faults(number, page, tree)
    return faults


@READS_THE_BUILD
def test_the_bundle_is_one_consistent_tagged_document(built: BuildResult) -> None:
    assert structure_faults(built.evidence_pdf) == []


@READS_THE_BUILD
def test_a_merged_page_is_a_figure_with_the_caption_as_its_alternative_text(
        built: BuildResult) -> None:
    with pikepdf.open(built.evidence_pdf) as pdf:
        page = pdf.pages[-1]  # exhibit E, the invoice, is the last page
        on_page = [element for element in _elements(pdf.Root.StructTreeRoot)
                   if element.get("/Pg") is not None and element.Pg.objgen == page.obj.objgen]
        figures = [element for element in on_page if element.S == "/Figure"]
        headings = [element for element in on_page if element.S == "/H2"]
        assert [str(figure.Alt) for figure in figures] == ["Exhibit E: Invoice from the store"]
        figure = figures[0]
        assert len(figure.A.BBox) == 4

        def section(element: pikepdf.Object) -> pikepdf.Object:
            while element.get("/S") != "/Sect":
                element = element.P
            return element

        # In the exhibit's section, beside its heading.
        assert [section(heading).objgen for heading in headings] == [section(figure).objgen]
        # Its marked content draws the exhibit's page, as a form without marks of its own.
        drawn, inside = [], False
        for instruction in pikepdf.parse_content_stream(page):
            operator, operands = str(instruction.operator), instruction.operands
            if operator == "BDC" and operands[1].get("/MCID") == figure.K:
                inside = True
            elif operator == "EMC":
                inside = False
            elif operator == "Do" and inside:
                drawn.append(page.Resources.XObject[str(operands[0])])
        assert len(drawn) == 1
        assert drawn[0].Subtype == "/Form"
        operators = {str(instruction.operator)
                     for instruction in pikepdf.parse_content_stream(drawn[0])}
        assert "Tj" in operators or "TJ" in operators
        assert not {"BDC", "BMC", "EMC"} & operators
        assert "/StructParents" not in drawn[0]
    text = subprocess.run(["pdftotext", str(built.evidence_pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Exhibit E — Invoice from the store" in text
    assert "Invoice 42" in text  # the page's own text
    assert "See the tracking page." in text


@pytest.mark.parametrize(("options", "files"), [
    (Options(split=True, max_bytes=500_000), 2),
    (Options(attach=True), 1),
], ids=["split", "attach"])
def test_split_and_attach_builds_are_consistent_tagged_documents(
        hostile_case: Path, warm_cache: Path, options: Options, files: int) -> None:
    result = build(hostile_case, TODAY, replace(options, cache_dir=warm_cache))
    assert len(result.pdf_files) == files
    alts = []
    for file in result.pdf_files:
        assert structure_faults(file.path) == [], file.path.name
        with pikepdf.open(file.path) as pdf:
            assert pdf.check_pdf_syntax() == [], file.path.name  # qpdf --check
            alts += [str(element.Alt) for element in _elements(pdf.Root.StructTreeRoot)
                     if element.get("/S") == "/Figure"]
            if options.attach:
                assert "E-invoice-from-the-store.pdf" in pdf.attachments
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
    assert b"Exif" not in stripped
    assert b"Jane Doe" not in stripped
    assert b"trailing" not in stripped
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert before.tobytes() == after.tobytes()
        assert not after.getexif()


def _drawn_in(page: pikepdf.Page, mcid: int) -> list[pikepdf.Object]:
    """The XObjects the page draws inside its marked content ``mcid``."""
    drawn, inside = [], False
    for instruction in pikepdf.parse_content_stream(page):
        operator, operands = str(instruction.operator), instruction.operands
        if operator == "BDC" and isinstance(operands[1], pikepdf.Dictionary) \
                and operands[1].get("/MCID") == mcid:
            inside = True
        elif operator == "EMC":
            inside = False
        elif operator == "Do" and inside:
            drawn.append(page.Resources.XObject[str(operands[0])])
    return drawn


@READS_THE_BUILD
def test_each_picture_is_placed_once_as_it_is_and_tagged_with_its_caption(
        built: BuildResult, hostile_case: Path, warm_cache: Path) -> None:
    from orderpack import evidence
    from orderpack.validation import validate

    # Made again, in a cache the build did not fill (a copy of another build's): the
    # pictures the PDF draws are these very files.
    exhibits = [exhibit for exhibit in evidence.process(validate(hostile_case),
                                                        cache_dir=warm_cache)
                if exhibit.kind == "image"]
    assert len(exhibits) >= 4
    with pikepdf.open(built.evidence_pdf) as pdf:
        figures = {str(element.Alt): element for element in _elements(pdf.Root.StructTreeRoot)
                   if element.get("/S") == "/Figure"}
        # The pages draw each picture once, and no other image (the PDF exhibit's own
        # image is inside its page's form).
        images = {obj.objgen for page in pdf.pages
                  for obj in (page.Resources.get("/XObject") or {}).values()
                  if obj.get("/Subtype") == "/Image"}
        assert len(images) == len(exhibits)
        for exhibit in exhibits:
            figure = figures[f"Exhibit {exhibit.label}: {exhibit.caption}"]
            assert figure.P.S == "/Div"  # the box the layout kept for it
            page = pikepdf.Page(figure.Pg)
            (image,) = _drawn_in(page, int(figure.K))
            shown = exhibit.pdf_file or exhibit.file
            with Image.open(shown) as picture:
                assert (int(image.Width), int(image.Height)) == picture.size  # its own size
            if shown.suffix == ".jpg":
                # The JPEG as orderpack made it: not decoded and encoded again.
                assert image.Filter == "/DCTDecode"
                assert image.read_raw_bytes() == shown.read_bytes()
            # Drawn into the box it is tagged with, at the picture's own proportions.
            left, bottom, right, top = (float(value) for value in figure.A.BBox)
            assert (right - left) / (top - bottom) == pytest.approx(
                image.Width / image.Height, rel=0.01)


# --- the key dates' columns ------------------------------------------------------------------


def _overflowing(box: Any, right: float) -> list[str]:
    """The texts inside ``box`` that reach past ``right`` (CSS px)."""
    found = []
    for child in getattr(box, "children", ()):
        if hasattr(child, "text") and child.position_x + child.width > right + 0.01:
            found.append(child.text)
        found += _overflowing(child, right)
    return found


def _cells(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", ()):
        if type(child).__name__ == "TableCellBox":
            yield child
        else:
            yield from _cells(child)


def test_the_key_dates_fit_their_fixed_columns_in_every_language() -> None:
    """The key dates' table has fixed column widths (templates/evidence.css) and its date
    and "from today" cells do not wrap: the widest of each language, in bold, stays inside
    its column."""
    import weasyprint

    css = (Path(__file__).resolve().parent.parent / "templates" / "evidence.css").read_text(
        encoding="utf-8")
    rows = []
    for tag in i18n.SUPPORTED:
        with i18n.using(tag):
            days = [i18n.relative_days(count) for count in (-999, -365, -1, 0, 1, 365, 999)]
            # Every month's date, and beside them every "from today" (the twelve rows hold
            # the seven of them): each text of the language in its cell once at least.
            for month in range(1, 13):
                rows.append((tag, i18n.long_date(date(2026, month, 28)), days[month % len(days)]))
            assert {relative for row_tag, _, relative in rows if row_tag == tag} == set(days)
    html = (f"<html><style>{css}</style><table class='timeline'><thead><tr><th>Date</th>"
            "<th>What</th><th>From today</th></tr></thead><tbody>"
            + "".join(f"<tr class='today' lang='{tag}'><td class='nowrap'>{day}</td><td>x</td>"
                      f"<td class='nowrap'>{relative}</td></tr>" for tag, day, relative in rows)
            + "</tbody></table></html>")
    document = weasyprint.HTML(string=html).render()
    cells = [cell for page in document.pages for cell in _cells(page._page_box)]
    assert len(cells) == 3 * (len(rows) + len(document.pages))  # the head on each page
    wide = [text for cell in cells
            for text in _overflowing(cell, cell.content_box_x() + cell.width)]
    assert wide == []


def test_a_picture_thinner_than_a_pdf_page_may_be_is_placed(tmp_path: Path) -> None:
    """A strip of 2000 × 2 pixels becomes a picture a point tall at the page's width: the
    one-page PDF it is converted through (img2pdf) gets the smallest page a PDF may have
    rather than one as thin as the picture, which pikepdf refused, failing the build."""
    from click.testing import CliRunner
    from orders import MINIMAL_ORDER

    from orderpack.cli import main

    case = tmp_path / "case"
    case.mkdir()
    (case / "order.yaml").write_text(MINIMAL_ORDER + "evidence:\n  - file: strip.png\n"
                                     "    caption: A strip of the tracking page\n",
                                     encoding="utf-8")
    Image.new("RGB", (2000, 2), (200, 10, 10)).save(case / "strip.png")
    result = CliRunner().invoke(main, ["build", str(case / "order.yaml"), "--today",
                                       "2026-11-26"], env={"ORDERPACK_CACHE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "too small" not in result.stderr  # img2pdf's own warning about thin pages
    evidence = case / "out" / "evidence.pdf"
    with pikepdf.open(evidence) as pdf:
        assert pdf.check_pdf_syntax() == []  # qpdf --check
    assert structure_faults(evidence) == []
    listed = subprocess.run(["pdfimages", "-list", str(evidence)], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    (image,) = listed
    page, _num, kind, width, height = image.split()[:5]
    assert (kind, int(page)) == ("image", 3)  # cover and statement, then Exhibit A
    assert int(width) >= 1000
    assert int(height) >= 1
