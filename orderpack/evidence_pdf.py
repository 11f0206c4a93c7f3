"""Rendering the evidence PDF into a staging folder: the exhibits copied into exhibits/,
the bundle laid out from ``templates/evidence.html.j2``, in one file or in parts.

:class:`Renderer` is the build's maker for :func:`orderpack.fitting.fit`; the PDF itself
is written by :mod:`orderpack.pdf`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

from orderpack import pdf, render
from orderpack.api_types import Options, PdfFile
from orderpack.budget import Level, Part
from orderpack.contents import EVIDENCE_PDF, EXHIBITS_DIR, RENDITIONS_DIR, Bundle, part_name
from orderpack.evidence import Exhibit
from orderpack.fitting import Made, steps
from orderpack.version import __version__


class Renderer:
    """The build's maker: renders the evidence PDF (or its parts) into ``stage``, with the
    exhibits in ``stage``/exhibits/, replacing what an earlier rung rendered there."""

    def __init__(self, bundle: Bundle, stage: Path) -> None:
        self.bundle = bundle
        self.stage = stage

    def make(self, exhibits: list[Exhibit], level: Level, parts: list[Part] | None) -> Made:
        folder = self.stage / EXHIBITS_DIR
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        staged = []
        for exhibit in exhibits:
            target = folder / exhibit.upload_name
            shutil.copyfile(exhibit.file, target)
            staged.append(target)
        for previous in self.stage.glob("evidence*.pdf"):
            previous.unlink()
        renditions = self.stage / RENDITIONS_DIR
        renditions.mkdir()
        views = []
        for exhibit, target in zip(exhibits, staged, strict=True):
            shown = target
            if exhibit.pdf_file is not None:
                shown = renditions / (target.stem + exhibit.pdf_file.suffix)
                shutil.copyfile(exhibit.pdf_file, shown)
            views.append(_ExhibitView.of(exhibit, target, shown, self.bundle.paper))
        try:
            if parts is None or len(parts) == 1:
                rendered = self._render_file(views, level, None, {}, self.stage / EVIDENCE_PDF)
                files = [PdfFile(rendered.path, rendered.pages, rendered.bytes,
                                 tuple(view.label for view in views), True)]
                warnings = list(rendered.warnings)
            else:
                files, warnings = self._render_parts(views, level, [p.labels for p in parts])
        except BaseException:
            shutil.rmtree(renditions, ignore_errors=True)  # the staging folder goes anyway
            raise
        shutil.rmtree(renditions)  # not ignored: the folder must not be in the packet
        return Made(exhibits, level, files, steps(level, len(files), self.bundle.options.attach),
                    warnings)

    def _render_parts(self, views: list[_ExhibitView], level: Level,
                      groups: list[tuple[str, ...]]) -> tuple[list[PdfFile], list[str]]:
        """Render each part; again while the pages the indexes give for the other parts'
        exhibits are not yet the pages they are on."""
        part_of = {label: number for number, group in enumerate(groups, 1) for label in group}
        pages: dict[str, int] = {}
        rendered: list[pdf.Rendered] = []
        for _pass in range(3):
            rendered = [self._render_file(views, level, (number, groups), pages,
                                          self.stage / part_name(number))
                        for number in range(1, len(groups) + 1)]
            found = {label: rendered[part_of[label] - 1].anchors[f"exhibit-{label}"] + 1
                     for label in part_of}
            if found == pages:
                break
            pages = found
        files = []
        for number, (group, result) in enumerate(zip(groups, rendered, strict=True), 1):
            files.append(PdfFile(result.path, result.pages, result.bytes, group, number == 1))
        return files, [warning for result in rendered for warning in result.warnings]

    def _render_file(self, views: list[_ExhibitView], level: Level,
                     part: tuple[int, list[tuple[str, ...]]] | None,
                     pages: dict[str, int], target: Path) -> pdf.Rendered:
        bundle = self.bundle
        case, case_facts, options = bundle.case, bundle.facts, bundle.options
        number, groups = part if part is not None else (1, [tuple(v.label for v in views)])
        shown = [view for view in views if view.label in groups[number - 1]]
        part_of = {label: n for n, group in enumerate(groups, 1) for label in group}
        index = [{"exhibit": view, "part": part_of[view.label],
                  "here": part_of[view.label] == number, "page": pages.get(view.label, "—")}
                 for view in views]
        html = render.render("evidence.html.j2", {
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
            "title": f"Evidence for order {case_facts.order_number}" + (
                f", part {number} of {len(groups)}" if part is not None else ""),
            "lang": "en",
        }, kind="html", override=options.templates)
        slots = [
            pdf.Slot(anchor=f"slot-{view.label}-{page + 1}", source=view.path, page_index=page,
                     alt=f"Exhibit {view.label}: {view.caption}" + (
                         f" (page {page + 1} of {view.pages})" if view.pages > 1 else ""))
            for view in shown if view.kind == "pdf" for page in range(view.pages)
        ]
        pictures = [pdf.Picture(anchor=f"slot-{view.label}", source=view.shown,
                                alt=f"Exhibit {view.label}: {view.caption}")
                    for view in shown if view.kind == "image"]
        attachments = []
        if level.attach:
            if number == 1:
                attachments = [pdf.Attachment(case.path, case.path.name, "The case's order file")]
            attachments += [
                pdf.Attachment(view.path, view.path.name, f"Exhibit {view.label}: {view.caption}")
                for view in shown
            ]
        suffix = f" (part {number} of {len(groups)})" if part is not None else ""
        return pdf.render(
            html,
            target=target,
            files=pdf.BuildFiles(base_dir=self.stage, allowed=set()),  # the HTML loads none
            metadata=pdf.Metadata(
                title=f"Evidence for {case.profile.name} order {case_facts.order_number}"
                      + suffix,
                subject=f"Item not received: {case_facts.buyer_name} requests "
                        f"{case_facts.remedy_text}",
                keywords=[case.profile.name, "dispute", "item not received",
                          case_facts.order_number],
                author=case_facts.buyer_name,
                lang="en",
                day=bundle.today,
                identifier=identifier(bundle.inputs, bundle.today, options,
                                      extra=None if bundle.budget is None and part is None
                                      else [level.steps(options.attach), number]),
            ),
            slots=[*slots, *pictures],
            attachments=attachments,
            paper=bundle.paper,
        )


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
class _ExhibitView:
    """What the PDF template sees of an exhibit: the exhibit, and the size of the box its
    picture is placed into."""

    label: str
    caption: str
    date: date | None
    source: str
    original_sha256: str
    kind: str
    pages: int
    path: Path
    """The staged exhibit (in exhibits/)."""
    shown: Path
    """The staged file the PDF shows: ``path``, or its rendition."""
    picture_width_mm: float
    """For an image: the width of the box the picture is placed into (0 for a PDF)."""
    picture_height_mm: float

    @classmethod
    def of(cls, exhibit: Exhibit, staged: Path, shown: Path, paper: pdf.Paper) -> _ExhibitView:
        width = height = 0.0
        if exhibit.kind == "image":
            with Image.open(shown) as image:  # reads the header only
                width, height = picture_box(image.size, paper)
        return cls(label=exhibit.label, caption=exhibit.caption, date=exhibit.date,
                   source=exhibit.source, original_sha256=exhibit.original_sha256,
                   kind=exhibit.kind, pages=exhibit.pages, path=staged, shown=shown,
                   picture_width_mm=width, picture_height_mm=height)


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
