"""`orderpack build`: the packet's files, the dispute text, the PDF, atomicity, safety.

Golden files: tests/golden/dispute/*.txt. After an intended change to the wording,
regenerate them with ``ORDERPACK_REGENERATE=1 pytest tests/test_packet.py`` and review
the diff. Tests that only read a sample's packet share one build of it per session
(``built_aliexpress``, ``built_ebay`` in conftest.py); the others build their own.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pdf_text
import pdffonts
import pytest
from conftest import copy_sample
from layout_memo import reuse_layouts
from orders import MINIMAL_ORDER
from pypdf import PdfReader
from pypdf.generic import Destination, DictionaryObject, IndirectObject, StreamObject

from orderpack import contents, packet, pdf, render
from orderpack.errors import BuildError, OrderFileError, TemplateError
from orderpack.evidence import Exhibit
from orderpack.packet import BuildResult, Options, build

TODAY = date(2026, 11, 26)
GOLDEN = Path(__file__).parent / "golden" / "dispute"


@pytest.fixture
def cache(warm_cache: Path) -> Path:
    """The test's own evidence cache, warm with the AliExpress sample's processed exhibits: no
    test here is about processing pictures (test_images, test_evidence are), and
    test_builds_are_reproducible compares the session's cold build with a warm one."""
    return warm_cache


@pytest.fixture
def layouts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each HTML laid out once (layout_memo.py), for a test whose subject is what is written
    after the layout (attachments, a failing write): both build the sample as it is, one
    HTML."""
    reuse_layouts(monkeypatch)


def _build(order: Path, cache: Path, **options: object) -> BuildResult:
    return build(order, TODAY, Options(cache_dir=cache, **options))  # type: ignore[arg-type]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ORDERPACK_REGENERATE"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample_pages(built_aliexpress: BuildResult) -> list[str]:
    """The text of each page of the session's AliExpress packet, read once with pdftotext
    for the tests that read it."""
    return pdf_text.pages(built_aliexpress.evidence_pdf)


def _outline_titles(outline: Sequence[object]) -> list[str]:
    titles: list[str] = []
    for item in outline:
        if isinstance(item, list):
            titles += _outline_titles(item)
        else:
            assert isinstance(item, Destination)
            assert item.title is not None
            titles.append(item.title)
    return titles


def _dictionary(value: object) -> DictionaryObject:
    """A PDF dictionary, followed through its reference if it is one."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    assert isinstance(value, DictionaryObject)
    return value


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- the packet -----------------------------------------------------------------------


def test_sample_packet_has_every_output(built_aliexpress: BuildResult) -> None:
    result = built_aliexpress
    out = result.out
    assert out.name == "out"
    assert (out.parent / "order.yaml").is_file()  # by default, out/ is beside the order file
    assert sorted(p.name for p in out.iterdir()) == [
        "dispute.txt", "evidence.pdf", "exhibits", "manifest.json"]
    assert [p.name[:2] for p in sorted((out / "exhibits").iterdir())] == ["A-", "B-", "C-", "D-"]
    assert all(p.stat().st_size < 2 * 1024 * 1024 for p in (out / "exhibits").iterdir())
    assert result.warnings == []
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["today"] == "2026-11-26"
    assert manifest["platform"] == "aliexpress"
    assert {entry["path"] for entry in manifest["inputs"]} == {
        "order.yaml", "screenshots/tracking.png", "screenshots/chat.png",
        "screenshots/order-page.png", "photos/mailbox.jpg"}
    outputs = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    assert outputs["evidence.pdf"] == hashlib.sha256(
        (out / "evidence.pdf").read_bytes()).hexdigest()
    assert "manifest.json" not in outputs


def test_sample_dispute_text_matches_golden(built_aliexpress: BuildResult) -> None:
    _golden("aliexpress-missing.txt", built_aliexpress.dispute_text.read_text(encoding="utf-8"))


def test_ebay_dispute_text_matches_golden(built_ebay: BuildResult) -> None:
    _golden("ebay-not-received.txt", built_ebay.dispute_text.read_text(encoding="utf-8"))


def test_dispute_text_states_what_a_reviewer_needs(built_aliexpress: BuildResult) -> None:
    text = built_aliexpress.dispute_text.read_text(encoding="utf-8")
    needed = ["8190123456789012", "Shenzhen Gadget Store", "35.46 EUR", "2 September 2026",
              "20 October 2026", "26 November 2026", "LP00123456789012",
              "a full refund of 35.46 EUR to the original payment method",
              "Dear, please wait patiently.", "Exhibit A: Tracking page"]
    positions = [text.index(fact) for fact in needed]
    # In the order a reviewer needs them: order, amount, dates, tracking, remedy, exhibits.
    assert positions[:5] == sorted(positions[:5])
    assert text.index("full refund") < text.index("Exhibit A")
    for paragraph in text.rstrip("\n").split("\n\n"):
        assert "\n" not in paragraph
    assert all(line == line.rstrip() for line in text.splitlines())
    assert "*" not in text
    assert "#" not in text


def test_max_chars_drops_optional_sentences_but_never_the_essentials(
    aliexpress_case: Path, cache: Path, built_aliexpress: BuildResult
) -> None:
    # The text the build would write (test_api checks that it is; test_cli, that a build
    # with --max-chars writes it), without the PDF.
    full = built_aliexpress
    result = packet.dispute_text(aliexpress_case, TODAY, Options(
        cache_dir=cache, max_chars=full.characters // 2))
    text = result.text
    assert result.dropped
    assert result.characters <= full.characters // 2
    for essential in ["8190123456789012", "2 September 2026", "20 October 2026",
                      "26 November 2026", "a full refund of 35.46 EUR"]:
        assert essential in text


# --- the PDF --------------------------------------------------------------------------


def test_pdf_carries_every_fact_and_the_chinese_messages(built_aliexpress: BuildResult,
                                                        sample_pages: list[str]) -> None:
    result = built_aliexpress
    assert len(sample_pages) == result.pages
    text = "\n".join(sample_pages)
    for fact in ["8190123456789012", "Jane Doe", "Shenzhen Gadget Store", "35.46 EUR",
                 "2 September 2026", "20 October 2026", "26 November 2026", "LP00123456789012",
                 "Departed from country of origin", "请耐心等待", "Dear, please wait patiently.",
                 "Exhibit index", "Exhibit D", "Tracking history", "Conversation with the seller"]:
        assert fact in text, fact
    for number, page in enumerate(sample_pages, start=1):
        assert f"Page {number} of {result.pages}" in page


def test_pdf_outline_metadata_and_fonts(built_aliexpress: BuildResult) -> None:
    result = built_aliexpress
    reader = PdfReader(result.evidence_pdf)
    titles = _outline_titles(reader.outline)
    assert titles[0] == "Evidence for order 8190123456789012"
    for wanted in ["Statement", "Exhibit index", "Conversation with the seller",
                   "Exhibit A — Tracking page, no update since 14 September",
                   "Exhibit D — Photo of the empty parcel locker on 20 November"]:
        assert any(title.startswith(wanted) for title in titles), wanted
    info = reader.metadata
    assert info is not None
    assert info.title == "Evidence for AliExpress order 8190123456789012"
    assert "Jane Doe" in (info.subject or "")
    assert str(reader.root_object["/Lang"]) == "en"
    assert _dictionary(reader.root_object["/MarkInfo"])["/Marked"]
    assert "/StructTreeRoot" in reader.root_object
    assert info.creation_date_raw == "D:20261126"
    fonts = pdffonts.fonts(reader)
    assert fonts
    assert all(embedded for _, embedded in fonts)
    assert any("CJK" in name for name, _ in fonts)


def test_exhibit_index_gives_real_page_numbers(sample_pages: list[str]) -> None:
    pages_text = sample_pages
    actual = [
        next(i for i, text in enumerate(pages_text, start=1) if f"Exhibit {label} — " in text)
        for label in "ABCD"
    ]
    index_page = next(text for text in pages_text if "Exhibit index" in text)
    # Each index row ends with: date, page number, the start of the SHA-256 (pdftotext
    # reads the cells apart).
    listed = [int(n) for n in re.findall(r"\d{4}\s+(\d+)\s+[0-9a-f]{12}", index_page)]
    assert listed == actual
    assert actual == sorted(actual)
    assert len(set(actual)) == 4


def test_pdf_evidence_is_merged_page_by_page(
    write_order: Callable[[str], Path], tmp_path: Path
) -> None:
    import weasyprint

    # The smallest order, with the PDF its only exhibit: the sample's pictures would add
    # pages to lay out, not to what is merged.
    order = write_order(MINIMAL_ORDER + "evidence:\n  - file: invoice.pdf\n"
                                        "    caption: The invoice\n")
    weasyprint.HTML(string="<p>INVOICE 4711 page one</p><p style='break-before:page'>"
                           "INVOICE 4711 page two</p>").write_pdf(order.parent / "invoice.pdf")
    result = _build(order, tmp_path / "cache")
    pages = pdf_text.pages(result.evidence_pdf)
    first = next(i for i, t in enumerate(pages) if "INVOICE 4711 page one" in t)
    assert "Exhibit A — The invoice (page 1 of 2)" in pages[first]
    assert "INVOICE 4711 page two" in pages[first + 1]
    assert f"Page {first + 2} of {len(pages)}" in pages[first + 1]
    # Merging keeps what makes the bundle PDF/UA-1: version, tags, identification.
    reader = PdfReader(result.evidence_pdf)
    root = reader.root_object
    assert reader.pdf_header == "%PDF-1.7"
    assert "/StructTreeRoot" in root
    metadata = root["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)
    assert 'pdfuaid:part="1"' in metadata.get_data().decode()


@pytest.mark.usefixtures("layouts_once")
def test_attach_embeds_order_file_and_exhibits(aliexpress_case: Path, cache: Path) -> None:
    result = _build(aliexpress_case, cache, attach=True)
    attachments = PdfReader(result.evidence_pdf).attachments
    assert "order.yaml" in attachments
    assert attachments["order.yaml"][0] == aliexpress_case.read_bytes()
    assert sum(1 for name in attachments if name.startswith(("A-", "B-", "C-", "D-"))) == 4


def test_letter_paper(ebay_case: Path, cache: Path) -> None:
    result = _build(ebay_case, cache, paper="letter")
    box = PdfReader(result.evidence_pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_builds_are_reproducible(aliexpress_case: Path, cache: Path,
                                 built_aliexpress: BuildResult) -> None:
    # The first build, the session's, processed the pictures into a cold cache; the second,
    # of a copy of the case in another folder, finds them in a copy of that cache.
    first = built_aliexpress
    second = _build(aliexpress_case, cache)
    assert first.out != second.out
    assert first.dispute_text.read_bytes() == second.dispute_text.read_bytes()
    assert first.evidence_pdf.read_bytes() == second.evidence_pdf.read_bytes()


# --- safety ---------------------------------------------------------------------------

INJECTIONS = [
    "{{ 7*7 }}",
    "{% include '/etc/passwd' %}",
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    "http://127.0.0.1:9/x",
]


@dataclass(frozen=True)
class _Injected:
    result: BuildResult
    dispute: str
    pdf: str
    """The PDF's text (pdftotext's), its lines joined with spaces."""


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory,
             built_aliexpress: BuildResult) -> _Injected:
    """The AliExpress sample with every payload of INJECTIONS, one after the other, in the
    store's name, a caption and the dispute's details; built once for the module (each
    payload's test reads its own), with a copy of the session build's cache."""
    folder = tmp_path_factory.mktemp("injected")
    order = copy_sample(folder, "aliexpress-missing")
    quoted = json.dumps(" ".join(INJECTIONS))
    text = order.read_text(encoding="utf-8")
    text = text.replace("store: Shenzhen Gadget Store", f"store: {quoted}")
    text = text.replace("caption: Chat with the seller", f"caption: {quoted}")
    text = text.replace("  remedy: full_refund", f"  remedy: full_refund\n  details: {quoted}")
    order.write_text(text, encoding="utf-8")
    shutil.copytree(built_aliexpress.out.parent.parent / "cache", folder / "cache")
    result = _build(order, folder / "cache")
    return _Injected(result, result.dispute_text.read_text(encoding="utf-8"),
                     " ".join(pdf_text.pages(result.evidence_pdf)).replace("\n", " "))


@pytest.mark.xdist_group("packet-injected")  # one worker: the packet is built once
@pytest.mark.parametrize("payload", INJECTIONS)
def test_user_text_is_data_in_both_outputs(injected: _Injected, payload: str) -> None:
    assert injected.dispute.count(payload) >= 3
    assert "root:x:0" not in injected.dispute
    assert payload in injected.pdf
    assert "root:x:0" not in injected.pdf
    assert injected.result.warnings == []


@pytest.mark.usefixtures("layouts_once")
def test_failed_build_leaves_previous_packet_and_no_temporary_files(
    aliexpress_case: Path, cache: Path, monkeypatch: pytest.MonkeyPatch,
    built_aliexpress: BuildResult
) -> None:
    out = aliexpress_case.parent / "out"
    shutil.copytree(built_aliexpress.out, out)  # a previous packet: the one a build writes
    before = _tree(out)
    inputs = _tree(aliexpress_case.parent / "screenshots")

    def explode(*args: object, **kwargs: object) -> object:
        raise BuildError("injected failure mid-render")

    monkeypatch.setattr(pdf, "write", explode)
    with pytest.raises(BuildError, match="injected"):
        _build(aliexpress_case, cache)
    assert _tree(out) == before
    assert _tree(aliexpress_case.parent / "screenshots") == inputs
    assert not [p for p in aliexpress_case.parent.iterdir() if p.name.startswith(".orderpack-")]


def test_invalid_order_writes_nothing(write_order: object, tmp_path: Path, cache: Path) -> None:
    case = tmp_path / "bad"
    case.mkdir()
    (case / "order.yaml").write_text("platform: aliexpress\n", encoding="utf-8")
    with pytest.raises(OrderFileError):
        _build(case / "order.yaml", cache)
    assert sorted(p.name for p in case.iterdir()) == ["order.yaml"]


def test_refuses_an_output_folder_it_did_not_make(aliexpress_case: Path, cache: Path) -> None:
    out = aliexpress_case.parent / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(BuildError, match="not made by orderpack"):
        _build(aliexpress_case, cache)
    assert (out / "thesis.docx").read_text(encoding="utf-8") == "precious"


def test_refuses_an_output_path_that_is_a_file(aliexpress_case: Path, cache: Path) -> None:
    out = aliexpress_case.parent / "out"
    out.write_text("a file", encoding="utf-8")
    with pytest.raises(BuildError, match="is not a folder"):
        _build(aliexpress_case, cache)
    assert out.read_text(encoding="utf-8") == "a file"


# --- templates ------------------------------------------------------------------------


def test_template_override_by_name(write_order: Callable[[str], Path], tmp_path: Path) -> None:
    order = write_order(MINIMAL_ORDER)  # the smallest order: the templates are the subject
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "dispute.txt.j2").write_text(
        "Order {{ facts.order_number }} — please refund.\n", encoding="utf-8")
    result = _build(order, tmp_path / "cache", templates=custom)
    assert result.dispute_text.read_text(encoding="utf-8") == (
        "Order 8190123456789012 — please refund.\n")
    # The PDF template is the built-in one: its title, and its statement's heading.
    pdf = "\n".join(pdf_text.pages(result.evidence_pdf))
    assert "Evidence for order 8190123456789012" in pdf
    assert "Statement\n" in pdf


def test_template_syntax_error_names_file_and_line(
    aliexpress_case: Path, cache: Path, tmp_path: Path
) -> None:
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "dispute.txt.j2").write_text("line one\n{% if %}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"dispute.txt.j2:2: template syntax error"):
        _build(aliexpress_case, cache, templates=custom)
    assert not (aliexpress_case.parent / "out").exists()


def test_template_unknown_variable_is_an_error(
    aliexpress_case: Path, cache: Path, tmp_path: Path
) -> None:
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "dispute.txt.j2").write_text("{{ facts.no_such_fact }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="no_such_fact"):
        _build(aliexpress_case, cache, templates=custom)


def test_template_cannot_load_files_outside_the_build(
    write_order: Callable[[str], Path], tmp_path: Path
) -> None:
    order = write_order(MINIMAL_ORDER)  # the smallest order: the template is the subject
    custom = tmp_path / "templates"
    shutil.copytree(Path(render.templates_dir()), custom)
    html = (custom / "evidence.html.j2").read_text(encoding="utf-8")
    (custom / "evidence.html.j2").write_text(
        html.replace("<body>", '<body><img src="file:///etc/hostname">'
                               '<img src="http://127.0.0.1:9/x.png">'), encoding="utf-8")
    result = _build(order, tmp_path / "cache", templates=custom)
    assert any("/etc/hostname" in w for w in result.warnings)
    assert any("127.0.0.1" in w for w in result.warnings)


def test_pdf_bytes_are_a_pdf(built_ebay: BuildResult) -> None:
    result = built_ebay
    data = result.evidence_pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(data)).pages) == result.pages


def test_sample_hides_the_buyers_phone_and_street(built_aliexpress: BuildResult) -> None:
    from PIL import Image

    result = built_aliexpress
    exhibit = next(p for p in result.exhibits if p.name.startswith("C-"))
    with Image.open(exhibit) as image:
        scale = image.width / 1170
        rgb = image.convert("RGB")
        for x, y, width, height in [(400, 785, 350, 60), (180, 850, 600, 120)]:
            box = rgb.crop((int(x * scale) + 4, int(y * scale) + 4,
                            int((x + width) * scale) - 4, int((y + height) * scale) - 4))
            assert box.getextrema() == ((0, 0), (0, 0), (0, 0))


@pytest.mark.collector
def test_the_command_line_spares_the_collector_and_the_library_leaves_it_alone(
        write_order: Callable[[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """gc.freeze() changes the whole process: the command line, which runs one build at a
    time, freezes what outlives the build while it lays the PDF out; a build called
    through the API (as a long-running web page would) leaves the collector as it was.
    (The smallest order: what is frozen is the process's, not the case's.)"""
    import gc

    import weasyprint
    from click.testing import CliRunner

    from orderpack.cli import main

    frozen_while_laying_out: list[int] = []
    render = weasyprint.HTML.render

    def watched(self: weasyprint.HTML, *args: object, **kwargs: object) -> object:
        frozen_while_laying_out.append(gc.get_freeze_count())
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", watched)
    order = write_order(MINIMAL_ORDER)
    assert gc.get_freeze_count() == 0
    _build(order, tmp_path / "cache")
    assert frozen_while_laying_out == [0]

    result = CliRunner().invoke(main, ["build", str(order), "--today", "2026-11-26",
                                       "--out", str(tmp_path / "cli-out")],
                                env={"ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    assert frozen_while_laying_out[1] > 10_000  # modules, WeasyPrint's tables and all
    assert gc.get_freeze_count() == 0  # unfrozen: the process can free them again


@pytest.mark.collector
def test_the_command_line_leaves_full_collections_to_the_build(
        write_order: Callable[[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """While the command line builds, Python makes no full collection of its own (they
    walked every box laid out so far and freed next to nothing); its thresholds are its own
    again afterwards, and a build through the API leaves them alone."""
    import gc

    import weasyprint
    from click.testing import CliRunner

    from orderpack.cli import main

    while_laying_out: list[tuple[int, int, int]] = []
    render = weasyprint.HTML.render

    def watched(self: weasyprint.HTML, *args: object, **kwargs: object) -> object:
        while_laying_out.append(gc.get_threshold())
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", watched)
    before = gc.get_threshold()
    order = write_order(MINIMAL_ORDER)
    _build(order, tmp_path / "cache")
    assert while_laying_out == [before]

    result = CliRunner().invoke(main, ["build", str(order), "--today", "2026-11-26",
                                       "--out", str(tmp_path / "cli-out")],
                                env={"ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    assert while_laying_out[1] == (*before[:2], pdf.FULL_COLLECTION_THRESHOLD)
    assert gc.get_threshold() == before


@pytest.mark.collector
def test_sparing_the_collector_walks_no_object() -> None:
    """The command line freezes the objects that outlive a build without a full collection
    first (which walked them all to free next to nothing)."""
    import gc

    generations: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(watch)
    try:
        with pdf.collector_spared():
            pass
    finally:
        gc.callbacks.remove(watch)
    assert 2 not in generations  # the oldest generation: a full collection


# --- a long conversation, with no known limit ----------------------------------------------


@pytest.mark.slow
def test_a_long_conversation_is_capped_in_the_text_and_kept_in_the_pdf(
    write_order: object, cache: Path
) -> None:
    # 40 replies of 360 characters: three times what the text may hold
    replies = "".join(f"  - at: 2026-10-{10 + n // 10:02d} 09:{n % 10:02d}\n    from: seller\n"
                      f"    text: Reply {n} - {'please wait ' * 30}\n" for n in range(40))
    asked = "  - at: 2026-10-01 09:00\n    from: buyer\n    text: Where is my parcel?\n"
    order = write_order(MINIMAL_ORDER + "messages:\n" + asked + replies)  # type: ignore[operator]
    result = _build(order, cache)
    text = result.dispute_text.read_text(encoding="utf-8")
    assert result.char_limit is None
    assert result.characters <= contents.TEXT_CAP
    assert "Reply 0 -" in text
    assert "Reply 39 -" not in text
    kept = text.count("the seller replied")
    assert any(warning.startswith(
        f"no character limit is known for AliExpress's form, and the seller's 40 replies "
        f"would make the dispute text longer than forms take: it quotes {kept} of them")
        for warning in result.warnings), result.warnings
    assert "Reply 39 -" in "\n".join(pdf_text.pages(result.evidence_pdf))


def test_the_pdf_is_laid_out_while_the_pictures_are_made(
        write_order: Callable[[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from PIL import Image

    from orderpack import images

    # The smallest order with two small pictures, a screenshot and a photo, to make: the
    # order of the work is the subject, not the pictures (the sample's take 0.45 s of CPU).
    order = write_order(MINIMAL_ORDER + "evidence:\n"
                        "  - file: screen.png\n    caption: The tracking page\n"
                        "  - file: photo.jpg\n    caption: The empty locker\n")
    Image.new("P", (390, 844), 3).save(order.parent / "screen.png")
    Image.new("RGB", (400, 300), (90, 120, 60)).save(order.parent / "photo.jpg")
    laid_out = threading.Event()
    layouts: list[str] = []
    waited: list[bool] = []
    real_lay_out, real_process = pdf.lay_out, images.process

    def lay_out(html: str, files: pdf.BuildFiles) -> pdf.LaidOut:
        layouts.append(html)
        laid_out.set()
        return real_lay_out(html, files)

    def process(*args: object, **kwargs: object) -> images.Processed:
        # Each picture waits for the layout: were the layout to wait for the pictures,
        # this would time out.
        waited.append(laid_out.wait(timeout=30))
        return real_process(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "lay_out", lay_out)
    monkeypatch.setattr(images, "process", process)
    result = _build(order, tmp_path / "cold-cache")  # the pictures are its subject
    assert len(waited) == 2  # the two pictures, made in this build
    assert all(waited)
    assert len(layouts) == 1  # the early layout is the PDF's: not laid out again
    pages = pdf_text.pages(result.evidence_pdf)
    assert "Exhibit A — The tracking page" in pages[-2]
    assert "Exhibit B — The empty locker" in pages[-1]


def _four_screenshots(write_order: Callable[[str], Path]) -> Path:
    from PIL import Image

    order = write_order(MINIMAL_ORDER + "evidence:\n" + "".join(
        f"  - file: screen-{n}.png\n    caption: Screenshot {n}\n" for n in range(4)))
    for n in range(4):
        Image.new("RGB", (390, 844), (40 * n, 90, 120)).save(order.parent / f"screen-{n}.png")
    return order


class _AtOnce:
    """Stands for :func:`orderpack.images.process`: each picture waits for ``gate``, then
    a while for another to be made beside it, and records how many were being made then,
    and whether ``gate`` was already open when the picture was asked for."""

    def __init__(self, gate: threading.Event) -> None:
        from orderpack import images

        self.gate = gate
        self.real = images.process
        self.changed = threading.Condition()
        self.busy = 0
        self.seen: list[tuple[bool, int]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        opened = self.gate.is_set()
        assert self.gate.wait(timeout=30)
        with self.changed:
            self.busy += 1
            self.changed.notify_all()
            self.changed.wait_for(lambda: self.busy > 1, timeout=0.5)
            self.seen.append((opened, self.busy))
        try:
            return self.real(*args, **kwargs)
        finally:
            with self.changed:
                self.busy -= 1
                self.changed.notify_all()


def _laid_out_signalled(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """An event set once the build's layout is done."""
    laid_out = threading.Event()
    real = pdf.lay_out

    def lay_out(html: str, files: pdf.BuildFiles) -> pdf.LaidOut:
        laid = real(html, files)
        laid_out.set()
        return laid

    monkeypatch.setattr(pdf, "lay_out", lay_out)
    return laid_out


def test_once_the_layout_is_held_the_pictures_are_made_one_at_a_time(
        write_order: Callable[[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The laid-out PDF is held until the pictures are made: beside it, two pictures being
    # made at once (some 45 MB each) were the peak of a large case's build.
    from orderpack import evidence, images

    order = _four_screenshots(write_order)
    laid_out, slowed = _laid_out_signalled(monkeypatch), threading.Event()
    gave_back: list[str] = []  # the threads that gave freed memory back
    real_slow, real_give_back = evidence.Pace.slow, evidence.give_back_freed_memory

    def slow(pace: evidence.Pace) -> None:
        assert laid_out.is_set()  # once the layout is done
        real_slow(pace)
        slowed.set()

    def give_back() -> None:
        gave_back.append(threading.current_thread().name)
        real_give_back()

    # Every picture waits for the build to slow the work (as in a large case, whose layout
    # ends long before its pictures); the first two were started before.
    pictures = _AtOnce(slowed)
    monkeypatch.setattr(evidence.Pace, "slow", slow)
    monkeypatch.setattr(images, "process", pictures)
    monkeypatch.setattr(evidence, "give_back_freed_memory", give_back)
    result = _build(order, tmp_path / "cold-cache", workers=2)
    # The two started once slowed: one at a time.
    assert [busy for opened, busy in pictures.seen if opened] == [1, 1]
    # The build gave back what its layout freed; the worker told to wait, what it freed.
    assert threading.main_thread().name in gave_back
    assert any(name.startswith("orderpack_") for name in gave_back), gave_back
    assert len(result.exhibits) == 4


def _index_text(pdf: Path) -> str:
    """The exhibit index of the PDF at ``pdf``, as pdftotext reads it: from its heading to
    the first exhibit's."""
    text = "\n".join(pdf_text.pages(pdf))
    return text[text.index("Exhibit index"):text.index("Exhibit A —")]


def test_a_rebuild_writes_the_index_pages_it_found_and_checks_them(
        aliexpress_case: Path, cache: Path, monkeypatch: pytest.MonkeyPatch,
        built_aliexpress: BuildResult) -> None:
    # The first build: the session's, whose cache ``cache`` is a copy of, with the pages
    # it found.
    first = built_aliexpress
    index = _index_text(first.evidence_pdf)
    for page in range(first.pages - 3, first.pages + 1):  # the sample's four pictures
        assert re.search(rf"\b{page}\b", index)
    layouts: list[str] = []
    real_lay_out, real_render = pdf.lay_out, render.render
    templates: list[str] = []

    def lay_out(html: str, files: pdf.BuildFiles) -> pdf.LaidOut:
        layouts.append(html)
        return real_lay_out(html, files)

    def rendered(name: str, *args: Any, **kwargs: Any) -> str:
        templates.append(name)
        return real_render(name, *args, **kwargs)

    monkeypatch.setattr(pdf, "lay_out", lay_out)
    monkeypatch.setattr(render, "render", rendered)
    again = _build(aliexpress_case, cache)
    # The pages are written as numbers, not found again by WeasyPrint (target-counter).
    assert len(layouts) == 1
    # The HTML is made without the pages, to look them up, then with them; and without them
    # once more once the pictures are made, which is the same HTML: the early layout is
    # used, its HTML with the pages not made again to compare.
    assert templates.count("evidence.html.j2") == 3
    assert re.search(r'a\.pageref\[href="#exhibit-A"\]::after \{ content: "\d+"; \}',
                     layouts[0])
    assert _index_text(again.evidence_pdf) == index

    # Pages kept from a layout that no longer holds are found wrong, and laid out again.
    (record_path,) = [path for path in cache.rglob("*.json")
                      if isinstance(json.loads(path.read_text(encoding="utf-8"))
                                    .get("pages"), dict)]
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["pages"] = {label: page + 1 for label, page in record["pages"].items()}
    record_path.write_text(json.dumps(record), encoding="utf-8")
    layouts.clear()
    third = _build(aliexpress_case, cache)
    assert len(layouts) == 2
    assert _index_text(third.evidence_pdf) == index


# --- each original read and hashed once ----------------------------------------------------


class _Uses:
    """How often a build opens and hashes each evidence original: a spy on every way a file
    is opened (``os.open``, ``open``, hence ``Path.read_bytes``) and on SHA-256."""

    def __init__(self, originals: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths = {path.resolve(): path.name for path in originals}
        self.contents = {path.read_bytes(): path.name for path in originals}
        self.reads: dict[str, int] = dict.fromkeys(self.paths.values(), 0)
        self.hashes: dict[str, int] = dict.fromkeys(self.paths.values(), 0)
        real_os_open, real_open, real_sha256 = os.open, io.open, hashlib.sha256
        real_file_digest = hashlib.file_digest

        names = {path.name for path in originals}
        sizes = {len(content) for content in self.contents}

        def opened(file: object) -> None:
            # Resolved only when the name is an original's: the build opens many files.
            if (isinstance(file, (str, Path)) and Path(file).name in names
                    and (name := self.paths.get(Path(file).resolve())) is not None):
                self.reads[name] += 1

        def os_open(path: object, *args: object, **kwargs: object) -> int:
            opened(path)
            return real_os_open(path, *args, **kwargs)  # type: ignore[arg-type]

        def io_open(file: object, *args: object, **kwargs: object) -> object:
            opened(file)
            return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

        def sha256(data: bytes = b"", **kwargs: object) -> object:
            # Compared by size first: a copy of every hashed buffer would cost more.
            if (len(data) in sizes
                    and (name := self.contents.get(bytes(data))) is not None):
                self.hashes[name] += 1
            return real_sha256(data, **kwargs)  # type: ignore[arg-type]

        def file_digest(handle: io.BufferedReader, digest: object) -> object:
            if self.paths.get(Path(handle.name).resolve()) is not None:
                self.hashes[self.paths[Path(handle.name).resolve()]] += 1
            return real_file_digest(handle, digest)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(io, "open", io_open)
        monkeypatch.setattr("builtins.open", io_open)
        monkeypatch.setattr(hashlib, "sha256", sha256)
        monkeypatch.setattr(hashlib, "file_digest", file_digest)

    def clear(self) -> None:
        for counts in (self.reads, self.hashes):
            counts.update(dict.fromkeys(counts, 0))


def test_a_build_reads_and_hashes_each_original_once(
        aliexpress_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validated, planned, laid out, processed, fitted and recorded in the manifest from one
    read of each evidence file, hashed once; a picture to decode is read once more, and
    hashed again, so that the bytes decoded are the bytes hashed."""
    folder = aliexpress_case.parent
    originals = sorted([*folder.glob("screenshots/*"), *folder.glob("photos/*")])
    reuse_layouts(monkeypatch)  # the layout reads no original: laid out once per HTML
    uses = _Uses(originals, monkeypatch)
    once = dict.fromkeys((path.name for path in originals), 1)
    twice = dict.fromkeys((path.name for path in originals), 2)
    _build(aliexpress_case, tmp_path / "cache")  # every picture decoded
    assert (uses.reads, uses.hashes) == (twice, twice)
    uses.clear()
    _build(aliexpress_case, tmp_path / "cache")  # every picture from the cache
    assert (uses.reads, uses.hashes) == (once, once)
    uses.clear()
    # Fitted to a budget: the first rung takes the pictures from the cache (the builds above
    # made them as it does) and reads each once, as above; each rung after it, which makes
    # the pictures again, reads each once more to decode it, and nothing else. The sample
    # meets this budget on the second rung (it is some 680 KB as it is, 560 KB with its
    # pictures at 85 %): each rung more would only make the four pictures again.
    rungs: list[object] = []
    process = contents.process

    def counted(*args: Any, **kwargs: Any) -> list[Exhibit]:
        rungs.append(args)
        return process(*args, **kwargs)

    monkeypatch.setattr(contents, "process", counted)
    fitted = _build(aliexpress_case, tmp_path / "cache", max_bytes=600_000)
    assert fitted.fit_steps
    assert len(rungs) > 1
    per_rung = dict.fromkeys((path.name for path in originals), 1 + (len(rungs) - 1))
    assert (uses.reads, uses.hashes) == (per_rung, per_rung)
