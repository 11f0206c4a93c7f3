"""The evidence PDF kept one consistent tagged document after WeasyPrint, with pikepdf.

WeasyPrint writes the bundle tagged (PDF/UA-1); two things are left to do on its file:

- The text of the page margins (the footers, any running header) is marked as spans whose
  structure elements are in no tree (WeasyPrint 70 leaves them out on purpose: PDF 1.7 has
  no artifact elements). A page's furniture is an artifact: :meth:`Structure.mark_margins`
  marks it so (``/Artifact <</Type /Pagination>> BDC``) and takes its ids out of the tree.
- A page of a PDF exhibit drawn into its slot would bring its own marked content, whose
  ids collide with those of the bundle's page, and text no structure element holds.
  :func:`untagged_form` makes the page a Form XObject with all its marking removed, and
  :meth:`Structure.place_figures` draws it as one Figure whose alternative text is the
  exhibit's caption, in the structure tree where the template put its slot (an empty
  ``<div>``, a ``/Div`` without kids on that page; with a template that has none, at the
  end of the document's elements).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

#: Marked content kept in an exhibit's page: optional content (layers), which decides what
#: is shown; every other tag, structure ids included, is the exhibit's own and goes.
_KEPT_MARKS = {"/OC"}


@dataclass(frozen=True)
class Figure:
    """A picture, or a page of a PDF exhibit, to draw on a page of the bundle."""

    form: pikepdf.Object
    """An Image XObject (see :func:`image_xobject`), or the page as a Form XObject (see
    :func:`untagged_form`), in its own file."""
    rect: pikepdf.Rectangle
    """Where it goes on the bundle's page, in PDF points; it fills it."""
    alt: str
    """Its alternative text: the exhibit's caption."""


def untagged_form(page: pikepdf.Page, seen: set[tuple[int, int]]) -> pikepdf.Object:
    """``page`` as a Form XObject (upright, clipped to what a viewer shows of it: its trim box
    within its crop box) without marked content:
    no structure ids, no tags, neither in it nor in the forms it draws. ``seen`` holds the
    forms of the page's file already cleaned."""
    # qpdf draws the trim box; a viewer shows no more than the crop box.
    trim, crop = page.trimbox, page.cropbox
    shown = [max(float(trim[0]), float(crop[0])), max(float(trim[1]), float(crop[1])),
             min(float(trim[2]), float(crop[2])), min(float(trim[3]), float(crop[3]))]
    if shown[0] < shown[2] and shown[1] < shown[3]:
        page.obj.TrimBox = Array(shown)
    form = page.as_form_xobject(handle_transformations=True)
    _strip_marks(form, seen)
    return form


def image_pdf(data: bytes) -> bytes:
    """A PDF of one page showing the JPEG or PNG ``data``, its encoded data as it is (a JPEG
    as DCT, a PNG's compressed rows as Flate with their PNG predictors: img2pdf makes it so,
    losslessly, without decoding the pixels). Its EXIF orientation, if any, is not applied:
    orderpack's pictures are upright."""
    import img2pdf

    converted: bytes = img2pdf.convert(data, rotation=img2pdf.Rotation.none,
                                       engine=img2pdf.Engine.pikepdf, layout_fun=_page_for)
    return converted


#: The smallest side a PDF page may have, in points (pikepdf refuses less).
SMALLEST_PAGE_PT = 3.0


def _page_for(width_px: int, height_px: int, dpi: tuple[float, float]
              ) -> tuple[float, float, float, float]:
    """img2pdf's layout: the page, then the picture on it, in points. Only the picture is
    used (:func:`image_xobject`), so its page need only be one a PDF may have: a picture
    thinner than 3 points (a 2000 × 2 strip) gets a page a little larger than itself."""
    import img2pdf

    width, height = img2pdf.px_to_pt(width_px, dpi[0]), img2pdf.px_to_pt(height_px, dpi[1])
    return max(width, SMALLEST_PAGE_PT), max(height, SMALLEST_PAGE_PT), width, height


def image_xobject(spool: Path) -> tuple[pikepdf.Pdf, pikepdf.Object]:
    """The picture of ``spool``, a PDF made by :func:`image_pdf`, as an Image XObject, and
    the file that holds it, opened from the disk: its data is read again only when the
    bundle is saved (so that the pictures are not all held in memory until then). Keep it
    open until the bundle is saved."""
    single = pikepdf.open(spool)
    (image,) = single.pages[0].resources.XObject.values()
    image.Interpolate = True  # smoothed when a viewer scales it, as WeasyPrint drew pictures
    return single, image


def upright_size(form: pikepdf.Object) -> tuple[float, float]:
    """The width and height ``form`` covers once its matrix (a page's rotation) applied."""
    x0, y0, x1, y1 = (float(value) for value in form.BBox)
    a, b, c, d, e, f = (float(value) for value in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    xs, ys = [], []
    for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return max(xs) - min(xs), max(ys) - min(ys)


def _strip_marks(form: pikepdf.Object, seen: set[tuple[int, int]]) -> None:
    if form.is_indirect:
        if form.objgen in seen:
            return
        seen.add(form.objgen)
    kept: list[bool] = []  # for each open sequence: whether it stays
    instructions = []
    parsed = pikepdf.parse_content_stream(form)
    for instruction in parsed:
        operator = str(instruction.operator)
        if operator in ("BMC", "BDC"):
            kept.append(str(instruction.operands[0]) in _KEPT_MARKS)
            keep = kept[-1]
        elif operator == "EMC":
            keep = kept.pop() if kept else False  # an unbalanced EMC goes too
        else:
            keep = operator not in ("MP", "DP")
        if keep:
            instructions.append(instruction)
    if len(instructions) < len(parsed):
        form.write(pikepdf.unparse_content_stream(instructions))
    for key in ("/StructParent", "/StructParents"):
        if key in form:
            del form[key]
    resources = form.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    for _, inner in xobjects.items() if xobjects is not None else ():
        if inner.get("/Subtype") == Name.Form:
            _strip_marks(inner, seen)


class Structure:
    """The bundle's structure tree, to mend (see the module's description)."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        root = pdf.Root.StructTreeRoot
        self.parents = pikepdf.NumberTree(root.ParentTree)
        kids = root.K
        self.document = kids[0] if isinstance(kids, Array) else kids
        self.reachable: set[tuple[int, int]] = set()
        self.slots: dict[tuple[int, int], list[pikepdf.Object]] = {}
        for element in self._elements(root):
            self.reachable.add(element.objgen)
            if element.get("/S") == Name.Div and not _kids(element) and "/Pg" in element:
                self.slots.setdefault(element.Pg.objgen, []).append(element)
        self.framed: set[tuple[int, int]] = set()

    def _elements(self, element: pikepdf.Object) -> Iterator[pikepdf.Object]:
        """``element``'s structure elements, in document order."""
        for kid in _kids(element):
            if isinstance(kid, Dictionary) and "/S" in kid:
                yield kid
                yield from self._elements(kid)

    def _marks(self, page: pikepdf.Page) -> pikepdf.Object | None:
        """The page's entry of the parent tree: its structure element for each MCID."""
        key = page.obj.get("/StructParents")
        return None if key is None else self.parents.get(int(key))

    def mark_margins(self) -> None:
        """On every page, mark as an artifact each piece of marked content whose structure
        element is in no tree (WeasyPrint's page margins), and take its id out of the parent
        tree."""
        for page in self.pdf.pages:
            marks = self._marks(page)
            if marks is None:
                continue
            loose = {mcid for mcid, element in enumerate(marks)
                     if isinstance(element, Dictionary) and element.objgen not in self.reachable}
            if not loose:
                continue
            instructions: list[pikepdf.ContentStreamInstruction
                               | pikepdf.ContentStreamInlineImage] = []
            for instruction in pikepdf.parse_content_stream(page):
                operands = instruction.operands
                if str(instruction.operator) == "BDC" and isinstance(operands[1], Dictionary) \
                        and int(operands[1].get("/MCID", -1)) in loose:
                    instructions.append(pikepdf.ContentStreamInstruction(
                        [Name.Artifact, Dictionary(Type=Name.Pagination)],
                        pikepdf.Operator("BDC")))
                else:
                    instructions.append(instruction)
            page.obj.Contents = self.pdf.make_stream(pikepdf.unparse_content_stream(instructions))
            for mcid in loose:
                marks[mcid] = None
            while len(marks) and marks[-1] is None:
                del marks[-1]

    def place_figures(self, index: int, figures: Sequence[Figure]) -> None:
        """Draw ``figures`` on page ``index``, each as one Figure of the structure tree, in the
        page's slots in order (top to bottom)."""
        page = self.pdf.pages[index]
        marks = self._marks(page)
        if marks is None:
            raise ValueError(f"page {index + 1} of the bundle is not tagged")
        slots = self.slots.get(page.obj.objgen, [])
        parents = slots if len(slots) == len(figures) else [self.document] * len(figures)
        if page.obj.objgen not in self.framed:
            # The page's own content keeps its graphics state to itself.
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"Q\n")
            self.framed.add(page.obj.objgen)
        for figure, parent in zip(figures, parents, strict=True):
            mcid = len(marks)
            element = self.pdf.make_indirect(Dictionary(
                Type=Name.StructElem, S=Name.Figure, P=parent, Pg=page.obj, K=mcid,
                Alt=pikepdf.String(figure.alt),
                A=Dictionary(O=Name.Layout, BBox=Array(list(figure.rect.as_array())))))
            marks.append(element)
            kids = parent.get("/K")
            if isinstance(kids, Array):
                kids.append(element)
            else:
                parent.K = Array([element] if kids is None else [kids, element])
            name = self._xobject(page, self.pdf.copy_foreign(figure.form))
            if figure.form.get("/Subtype") == Name.Image:
                # An image is drawn into the unit square: scaled to fill the rectangle.
                rect = figure.rect
                matrix = " ".join(f"{value:.4f}" for value in (
                    rect.width, 0, 0, rect.height, rect.llx, rect.lly))
                placed = f"q {matrix} cm {name} Do Q\n".encode()
            else:
                placed = page.calc_form_xobject_placement(
                    figure.form, name, figure.rect, allow_shrink=True, allow_expand=True)
            page.contents_add(b"/Figure <</MCID %d>> BDC\n%sEMC\n" % (mcid, placed))

    def _xobject(self, page: pikepdf.Page, form: pikepdf.Object) -> Name:
        """Add ``form`` to the resources of ``page`` alone (WeasyPrint's pages share theirs)
        under a new name, the same in every build."""
        resources = Dictionary(dict(page.resources.items()))
        xobjects = Dictionary(dict(resources.XObject.items()) if "/XObject" in resources else {})
        number = 1
        while Name(f"/Exhibit{number}") in xobjects:
            number += 1
        name = Name(f"/Exhibit{number}")
        xobjects[name] = form
        resources.XObject = xobjects
        page.obj.Resources = resources
        return name


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]
