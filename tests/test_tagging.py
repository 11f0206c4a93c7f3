"""A PDF exhibit's page made a Form XObject for the bundle: its own tags go, what it shows
stays (orderpack.tagging). The whole bundle is checked in test_pdf_evidence.py."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from orderpack import tagging


def page_with(pdf: pikepdf.Pdf, content: bytes, **keys: object) -> pikepdf.Page:
    pdf.add_blank_page(page_size=(200, 100))
    page = pdf.pages[-1]
    page.obj.Contents = pdf.make_stream(content)
    for key, value in keys.items():
        page.obj[f"/{key}"] = value
    return page


def operators(stream: pikepdf.Object) -> list[str]:
    return [f"{item.operator} {' '.join(str(operand) for operand in item.operands)}".strip()
            for item in pikepdf.parse_content_stream(stream)
            if isinstance(item, pikepdf.ContentStreamInstruction)]


def test_the_page_loses_its_tags_and_keeps_its_layers_and_drawing() -> None:
    pdf = pikepdf.new()
    inner = pdf.make_stream(b"/P <</MCID 2>> BDC 0 0 1 1 re f EMC", Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Form, BBox=[0, 0, 1, 1], StructParents=7)
    page = page_with(pdf, b"/P <</MCID 0>> BDC 0 0 10 10 re f EMC "
                          b"/OC /Layer BDC /Artifact BMC 5 5 5 5 re f EMC EMC "
                          b"/Span <</MCID 1>> BDC /Inner Do EMC /Tag MP /Tag <</A 1>> DP",
                     Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Inner=inner)))
    form = tagging.untagged_form(page, set())
    assert operators(form) == ["re 0 0 10 10", "f", "BDC /OC /Layer", "re 5 5 5 5", "f", "EMC",
                               "Do /Inner"]
    drawn = form.Resources.XObject.Inner
    assert operators(drawn) == ["re 0 0 1 1", "f"]
    assert "/StructParents" not in drawn


@pytest.mark.parametrize(("rotate", "size"), [(0, (200, 100)), (90, (100, 200)),
                                              (270, (100, 200))])
def test_a_rotated_page_is_placed_upright(rotate: int, size: tuple[float, float]) -> None:
    pdf = pikepdf.new()  # kept: a page lives no longer than its file
    page = page_with(pdf, b"0 0 10 10 re f", Rotate=rotate)
    width, height = tagging.upright_size(tagging.untagged_form(page, set()))
    assert (round(width), round(height)) == size


def test_only_what_a_viewer_shows_of_the_page_is_placed() -> None:
    pdf = pikepdf.new()
    page = page_with(pdf, b"0 0 10 10 re f", CropBox=[20, 10, 120, 90],
                     TrimBox=[0, 0, 200, 100])
    form = tagging.untagged_form(page, set())
    assert [float(value) for value in form.BBox] == [20, 10, 120, 90]
    assert tagging.upright_size(form) == (100, 80)


def test_a_palette_png_is_embedded_as_it_is(tmp_path: Path) -> None:
    import io

    from PIL import Image

    picture = Image.new("P", (40, 20))
    picture.putpalette([0, 0, 0, 255, 255, 255, 200, 30, 30])
    for x in range(40):
        picture.putpixel((x, x // 2), 2)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    spool = tmp_path / "spool.pdf"
    spool.write_bytes(tagging.image_pdf(buffer.getvalue()))
    single, image = tagging.image_xobject(spool)
    with single:
        depth = buffer.getvalue()[24]  # IHDR's bit depth: Pillow writes 3 colours in 2 bits
        assert [int(image.Width), int(image.Height), int(image.BitsPerComponent)] == [
            40, 20, depth]
        assert image.ColorSpace[0] == "/Indexed"  # not made RGB
        assert image.Filter == "/FlateDecode"
        assert image.DecodeParms.Predictor == 15
        # The PNG's own compressed rows (its IDAT data), not compressed again.
        data, position = buffer.getvalue(), 8
        idat = b""
        while position < len(data):
            length = int.from_bytes(data[position:position + 4], "big")
            if data[position + 4:position + 8] == b"IDAT":
                idat += data[position + 8:position + 8 + length]
            position += 12 + length
        assert image.read_raw_bytes() == idat
        assert isinstance(image, pikepdf.Stream)
        shown = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
        assert shown.tobytes() == picture.convert("RGB").tobytes()
