"""Rendering the evidence PDF into a staging folder: the exhibits copied into exhibits/,
the bundle laid out from ``templates/evidence.html.j2``, in one file or in parts, with the
pictures and PDF pages placed into the boxes the layout kept for them.

:class:`Renderer` is the build's maker for :func:`orderpack.fitting.fit`; the PDF itself
is written by :mod:`orderpack.pdf`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from orderpack import cache, evidence, i18n, pdf, render
from orderpack.api_types import Options, PdfFile
from orderpack.budget import Level, Part
from orderpack.contents import EVIDENCE_PDF, EXHIBITS_DIR, Bundle, part_name
from orderpack.errors import BuildError
from orderpack.evidence import Exhibit
from orderpack.fitting import Made, steps
from orderpack.model import Case
from orderpack.version import __version__


class Renderer:
    """The build's maker: renders the evidence PDF (or its parts) into ``stage``, with the
    exhibits in ``stage``/exhibits/, replacing what an earlier rung rendered there.

    ``planned`` are the exhibits as :func:`plan` saw them; ``early``, the layout
    :func:`lay_out_early` made of them while the pictures were being made, is used if it is
    the layout of the HTML this renderer would write (else it lays out again)."""

    def __init__(self, bundle: Bundle, stage: Path, planned: Sequence[Planned],
                 early: Early | None = None) -> None:
        self.bundle = bundle
        self.stage = stage
        self.sizes = {item.label: item.size for item in planned}
        self.early = early

    def make(self, exhibits: list[Exhibit], level: Level, parts: list[Part] | None) -> Made:
        folder = self.stage / EXHIBITS_DIR
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        files: dict[str, _Files] = {}
        for exhibit in exhibits:
            target = folder / exhibit.upload_name
            shutil.copyfile(exhibit.file, target)
            # The picture the PDF shows is read from the cache: never copied, never decoded.
            files[exhibit.label] = _Files(target, exhibit.pdf_file or target)
        for previous in self.stage.glob("evidence*.pdf"):
            previous.unlink()
        views = [_ExhibitView.of(exhibit, self.bundle.paper, self.sizes.get(exhibit.label))
                 for exhibit in exhibits]
        if parts is None or len(parts) == 1:
            rendered = self._write(self._lay_out(views, level, None, {}), views, files, level,
                                   None, self.stage / EVIDENCE_PDF)
            made = [PdfFile(rendered.path, rendered.pages, rendered.bytes,
                            tuple(view.label for view in views), True)]
            warnings = list(rendered.warnings)
        else:
            made, warnings = self._render_parts(views, files, level, [p.labels for p in parts])
        return Made(exhibits, level, made, steps(level, len(made), self.bundle.options.attach),
                    warnings)

    def _render_parts(self, views: list[_ExhibitView], files: dict[str, _Files], level: Level,
                      groups: list[tuple[str, ...]]) -> tuple[list[PdfFile], list[str]]:
        """Lay out each part; again while the pages the indexes give for the other parts'
        exhibits are not yet the pages they are on; then write them."""
        part_of = {label: number for number, group in enumerate(groups, 1) for label in group}
        pages: dict[str, int] = {}
        laid: list[pdf.LaidOut] = []
        for _pass in range(3):
            laid = [self._lay_out(views, level, (number, groups), pages)
                    for number in range(1, len(groups) + 1)]
            found = {label: _exhibit_pages(laid[part_of[label] - 1])[label]
                     for label in part_of}
            if found == pages:
                break
            pages = found
        made, warnings = [], []
        for number, (group, layout) in enumerate(zip(groups, laid, strict=True), 1):
            result = self._write(layout, views, files, level, (number, groups),
                                 self.stage / part_name(number))
            made.append(PdfFile(result.path, result.pages, result.bytes, group, number == 1))
            warnings += result.warnings
        return made, warnings

    def _lay_out(self, views: list[_ExhibitView], level: Level,
                 part: tuple[int, list[tuple[str, ...]]] | None,
                 pages: dict[str, int]) -> pdf.LaidOut:
        early, self.early = self.early, None  # used once, by the first file only
        if part is None:
            return _lay_out_file(self.bundle, views, level, early).laid
        return pdf.lay_out(*evidence_html(self.bundle, views, level, part, pages))

    def _write(self, laid: pdf.LaidOut, views: list[_ExhibitView], files: dict[str, _Files],
               level: Level, part: tuple[int, list[tuple[str, ...]]] | None,
               target: Path) -> pdf.Rendered:
        bundle = self.bundle
        case, case_facts, options = bundle.case, bundle.facts, bundle.options
        number, groups = part if part is not None else (1, [tuple(v.label for v in views)])
        shown = [view for view in views if view.label in groups[number - 1]]
        slots: list[pdf.Slot | pdf.Picture] = [
            pdf.Slot(anchor=f"slot-{view.label}-{page + 1}", source=files[view.label].staged,
                     page_index=page,
                     alt=i18n.gettext("Exhibit %(label)s: %(caption)s (page %(page)s of "
                                      "%(pages)s)", label=view.label, caption=view.caption,
                                      page=page + 1, pages=view.pages) if view.pages > 1 else
                         _exhibit_words(view))
            for view in shown if view.kind == "pdf" for page in range(view.pages)
        ]
        slots += [pdf.Picture(anchor=f"slot-{view.label}", source=files[view.label].shown,
                              alt=_exhibit_words(view))
                  for view in shown if view.kind == "image"]
        attachments = []
        if level.attach:
            if number == 1:
                attachments = [pdf.Attachment(case.path, case.path.name,
                                              i18n.gettext("The case's order file"))]
            attachments += [
                pdf.Attachment(files[view.label].staged, files[view.label].staged.name,
                               _exhibit_words(view))
                for view in shown
            ]
        platform, order_number = case.profile.name, case_facts.order_number
        return pdf.write(
            laid,
            target=target,
            metadata=pdf.Metadata(
                title=i18n.gettext(
                    "Evidence for %(platform)s order %(number)s (part %(part)s of %(parts)s)",
                    platform=platform, number=order_number, part=number, parts=len(groups),
                ) if part is not None else i18n.gettext(
                    "Evidence for %(platform)s order %(number)s", platform=platform,
                    number=order_number),
                subject=i18n.gettext("Item not received: %(buyer)s requests %(remedy)s",
                                     buyer=case_facts.buyer_name, remedy=case_facts.remedy_text),
                keywords=[platform, i18n.gettext("dispute"), i18n.gettext("item not received"),
                          order_number],
                author=case_facts.buyer_name,
                lang=i18n.current(),
                day=bundle.today,
                identifier=identifier(bundle.inputs, bundle.today, options,
                                      extra=None if bundle.budget is None and part is None
                                      else [level.steps(options.attach), number]),
            ),
            slots=slots,
            attachments=attachments,
            paper=bundle.paper,
        )


def _exhibit_words(view: _ExhibitView) -> str:
    """How an exhibit is named to a screen reader and in the attachments: its label and caption."""
    return i18n.gettext("Exhibit %(label)s: %(caption)s", label=view.label, caption=view.caption)


def _exhibit_pages(laid: pdf.LaidOut) -> dict[str, int]:
    """The page number (from 1) each exhibit of ``laid`` starts on, by label."""
    return {anchor.removeprefix("exhibit-"): index + 1
            for index, page in reversed(list(enumerate(laid.document.pages)))
            for anchor in page.anchors if anchor.startswith("exhibit-")}


@dataclass(frozen=True)
class Early:
    """A layout of the evidence PDF in one file (:func:`lay_out_early`), and the HTML it is
    the layout of before the exhibits' page numbers were written into it: the same HTML is
    the same layout."""

    laid: pdf.LaidOut
    html: str


def _lay_out_file(bundle: Bundle, views: list[_ExhibitView], level: Level,
                  early: Early | None) -> Early:
    """The evidence PDF laid out in one file (``early``, if it is that layout).

    The index gives each exhibit's page. Laid out for the first time, WeasyPrint finds them
    (``target-counter``: the index's pages are laid out again once the exhibits' are known,
    about a tenth of the layout). The pages found are kept in the cache under the HTML, and
    a layout of the same HTML again writes them as they are, then checks them against where
    the exhibits are; if they moved, it is laid out again with the pages found."""
    html, files = evidence_html(bundle, views, level, None, {})
    if early is not None and early.html == html:
        return early
    store = cache.Cache(cache.location(bundle.options.cache_dir))
    key = cache.key("evidence page numbers",
                    hashlib.sha256((html + files.stylesheet).encode()).hexdigest())
    entry = store.get(key)
    kept = entry.record.get("pages") if entry is not None else None
    known = kept
    for _pass in range(2):
        if not isinstance(known, dict):
            break
        numbered, files = evidence_html(bundle, views, level, None, known)
        laid = pdf.lay_out(numbered, files)
        found = _exhibit_pages(laid)
        if found == known:
            if found != kept:
                _keep_pages(store, key, found)
            return Early(laid, html)
        known = found
    laid = pdf.lay_out(html, files)
    _keep_pages(store, key, _exhibit_pages(laid))
    return Early(laid, html)


def _keep_pages(store: cache.Cache, key: str, pages: dict[str, int]) -> None:
    with contextlib.suppress(BuildError):  # the cache only saves time
        store.put(key, ".txt", json.dumps(pages).encode(), {"pages": pages})


def evidence_html(bundle: Bundle, views: list[_ExhibitView], level: Level,
                  part: tuple[int, list[tuple[str, ...]]] | None,
                  pages: dict[str, int]) -> tuple[str, pdf.BuildFiles]:
    """The evidence PDF's HTML (``templates/evidence.html.j2``), or a part's, and what it is
    laid out with: no file (its pictures and PDF pages are placed after the layout) and its
    stylesheet, ``templates/evidence.css``, rendered from the same variables (a template
    override of either is used), which WeasyPrint then parses once a process
    (:func:`orderpack.pdf.lay_out`) rather than at every layout. The HTML's own ``<style>``
    keeps the rules made for the document: its paper, footer and known page numbers.

    The HTML shows every variable the stylesheet could use: two layouts of the same HTML
    are of the same stylesheet (see :func:`_lay_out_file`)."""
    case_facts = bundle.facts
    number, groups = part if part is not None else (1, [tuple(v.label for v in views)])
    shown = [view for view in views if view.label in groups[number - 1]]
    part_of = {label: n for n, group in enumerate(groups, 1) for label in group}
    index = [{"exhibit": view, "part": part_of[view.label],
              "here": part_of[view.label] == number, "page": pages.get(view.label, "—")}
             for view in views]
    context = {
        "facts": case_facts,
        "status": bundle.status,
        "exhibits": shown,
        "index": index,
        "narrative": list(bundle.narrative),
        "tracking": case_facts.tracking,
        "messages": case_facts.messages,
        "transcript": number == 1,
        "part": {"number": number, "count": len(groups)} if part is not None else None,
        "compact": level.compact,
        "paper": bundle.paper,
        "slot_header_mm": pdf.SLOT_HEADER_MM,
        "title": (i18n.gettext("Evidence for order %(number)s, part %(part)s of %(parts)s",
                               number=case_facts.order_number, part=number,
                               parts=len(groups)) if part is not None else
                  i18n.gettext("Evidence for order %(number)s", number=case_facts.order_number)),
        "lang": i18n.current(),
    }
    override = bundle.options.templates
    html = render.render("evidence.html.j2", context, kind="html", override=override)
    stylesheet = render.render("evidence.css", context, kind="html", override=override)
    return html, pdf.BuildFiles(base_dir=Path(), allowed=set(), stylesheet=stylesheet)


@dataclass(frozen=True)
class _Described:
    """What the template shows of an exhibit, whether planned or made."""

    label: str
    caption: str
    date: date | None
    source: str
    original_sha256: str
    kind: str
    pages: int


@dataclass(frozen=True)
class Planned(_Described):
    """An exhibit as the layout needs it, known before its picture is made (from its
    original file): what the template shows of it, and its size."""

    size: tuple[int, int]
    """Of an image as shown (upright), in pixels; (0, 0) for a PDF."""


def plan(case: Case, originals: Sequence[evidence.Original]) -> list[Planned]:
    """The exhibits of ``case`` as the layout needs them, from its original files as the
    build read them (:func:`orderpack.validation.validate_for_build`: hashed, their headers
    read), one for each evidence item."""
    return [Planned(
        label=evidence.exhibit_label(original.index), caption=item.caption, date=item.date,
        source=item.file, original_sha256=original.sha256, kind=original.info.kind,
        pages=original.info.pages or 1, size=(original.info.width, original.info.height))
        for item, original in zip(case.order.evidence, originals, strict=True)]


def lay_out_early(bundle: Bundle, planned: Sequence[Planned], level: Level) -> Early:
    """The evidence PDF laid out from ``planned`` alone (one file, no part): done while the
    pictures are being made, for :class:`Renderer` to use if the exhibits made match."""
    views = [_ExhibitView.of(item, bundle.paper, item.size) for item in planned]
    return _lay_out_file(bundle, views, level, None)


def identifier(inputs: list[dict[str, Any]], today: date, options: Options,
               extra: object = None) -> bytes:
    """The PDF's file identifier, from what it is made of; ``extra`` (a budget's fitting,
    a part's number) makes the PDFs of different fittings and parts differ."""
    digest = hashlib.sha256()
    parts: list[object] = [inputs, today.isoformat(), __version__, options.paper,
                           options.attach, options.max_chars]
    if extra is not None:
        parts.append(extra)
    digest.update(json.dumps(parts, sort_keys=True).encode())
    return digest.hexdigest()[:32].encode()


@dataclass(frozen=True)
class _Files:
    staged: Path
    """The exhibit, in exhibits/."""
    shown: Path
    """The file the PDF shows: the staged exhibit, or its rendition (in the cache)."""


@dataclass(frozen=True)
class _ExhibitView(_Described):
    """What the PDF template sees of an exhibit: the exhibit, and the size of the box its
    picture is placed into."""

    picture_width_mm: float
    """For an image: the width of the box the picture is placed into (0 for a PDF)."""
    picture_height_mm: float

    @classmethod
    def of(cls, exhibit: Exhibit | Planned, paper: pdf.Paper,
           size: tuple[int, int] | None) -> _ExhibitView:
        """The view of ``exhibit`` whose original is ``size`` pixels as shown (if not known,
        the size of the exhibit's own picture)."""
        width = height = 0.0
        if exhibit.kind == "image":
            if not size and isinstance(exhibit, Exhibit):
                size = (exhibit.width, exhibit.height)
            width, height = picture_box(size or (1, 1), paper)
        described = {field.name: getattr(exhibit, field.name) for field in fields(_Described)}
        return cls(**described, picture_width_mm=width, picture_height_mm=height)


#: Millimetres of a CSS pixel: a picture's pixel is one, unless it is too large for its box.
MM_PER_PX = 25.4 / 96
#: The space between an image exhibit's picture box and its heading (the ``slot_header_mm``
#: above the box of a PDF exhibit's page is 4 mm more than the heading takes).
PICTURE_GAP_MM = 4.0


def picture_box(pixels: tuple[int, int], paper: pdf.Paper) -> tuple[float, float]:
    """The width and height in mm of the box a picture of ``pixels`` is shown in: one CSS
    pixel a pixel, scaled down (never up) to fit the page below the exhibit's heading."""
    width, height = pixels[0] * MM_PER_PX, pixels[1] * MM_PER_PX
    most_height = paper.content_height_mm - pdf.SLOT_HEADER_MM - PICTURE_GAP_MM
    scale = min(1.0, paper.content_width_mm / width, most_height / height)
    return round(width * scale, 3), round(height * scale, 3)
