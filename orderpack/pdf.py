"""The evidence PDF: HTML to PDF with WeasyPrint, then the pictures and the pages of PDF
exhibits placed into the boxes the layout kept for them, and the tagging completed, with
pikepdf (see :mod:`orderpack.tagging`). WeasyPrint lays out and writes text only.

WeasyPrint is imported only when a PDF is made (:func:`orderpack.engine.weasyprint`), so
commands that do not render stay fast. It
loads nothing but the files a build names: the URL fetcher refuses the network and
any other file.
"""

from __future__ import annotations

import functools
import gc
import logging
import mimetypes
import shutil
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from orderpack import engine
from orderpack.errors import BuildError

#: The PDF variant WeasyPrint writes: tagged for accessibility (PDF/UA-1), completed by
#: :mod:`orderpack.tagging`.
PDF_VARIANT = "pdf/ua-1"

CSS_PX_TO_PT = 0.75


@dataclass(frozen=True)
class Paper:
    name: str
    width_mm: float
    height_mm: float
    margin_mm: float = 18.0
    margin_top_mm: float = 16.0
    margin_bottom_mm: float = 20.0

    @property
    def content_width_mm(self) -> float:
        return self.width_mm - 2 * self.margin_mm

    @property
    def content_height_mm(self) -> float:
        return self.height_mm - self.margin_top_mm - self.margin_bottom_mm


PAPERS = {
    "a4": Paper("A4", 210.0, 297.0),
    "letter": Paper("letter", 215.9, 279.4),
}

#: Height of the part of a PDF exhibit's page kept for the original page (the rest is
#: the exhibit's heading); the template sizes its slot from this.
SLOT_HEADER_MM = 24.0
#: A layout of this many pages or more is followed by a full garbage collection (lay_out).
COLLECT_FROM_PAGES = 20


@dataclass(frozen=True)
class Slot:
    """A placeholder in the rendered HTML where a page of a PDF exhibit goes."""

    anchor: str
    source: Path
    page_index: int
    alt: str
    """The page's alternative text in the tagged PDF: the exhibit's label and caption."""


@dataclass(frozen=True)
class Picture:
    """A box in the rendered HTML (an empty element of the picture's exact size) where an
    image exhibit goes: its file is embedded as it is, a JPEG or a PNG, never re-encoded."""

    anchor: str
    source: Path
    alt: str
    """The picture's alternative text in the tagged PDF: the exhibit's label and caption."""


@dataclass(frozen=True)
class Attachment:
    path: Path
    name: str
    description: str


@dataclass(frozen=True)
class BuildFiles:
    """The files the HTML may load: the ``allowed`` ones, found under ``base_dir`` by
    their URL under :data:`BASE_URL`; nothing else. And the stylesheet it is laid out with
    besides its own ``<style>``."""

    base_dir: Path
    allowed: set[Path]
    stylesheet: str = ""
    """CSS that WeasyPrint is given parsed, once a process for the same text
    (:func:`_stylesheet`), rather than in the HTML's ``<style>``, where it would be parsed
    again at every layout. Its rules come before the ``<style>``'s in the cascade (they are
    the user's origin, the ``<style>``'s the author's), whatever their specificity."""


@dataclass(frozen=True)
class Metadata:
    title: str
    subject: str
    keywords: Sequence[str]
    author: str
    lang: str
    day: date
    """Creation and modification date: the case's `today`, never the clock."""
    identifier: bytes
    """The PDF's file identifier, derived from the inputs so builds are reproducible."""


@dataclass
class Rendered:
    path: Path
    """Where the PDF was written."""
    bytes: int
    """Its size."""
    pages: int
    warnings: list[str] = field(default_factory=list)
    """The page index (from 0) of each element id of the HTML, e.g. "exhibit-A"."""


#: The base URL the HTML is rendered under. It names no real folder, so that the PDF
#: (whose image names WeasyPrint derives from URLs) is the same whatever folder a build
#: is staged in; the fetcher maps it to the build's folder.
BASE_URL = "file:///orderpack-build/"


def _fetcher(files: BuildFiles) -> Any:
    """A WeasyPrint URL fetcher serving only the allowed ``files`` of the build, by their
    URL under :data:`BASE_URL`, and refusing everything else: other files, the network."""
    engine.weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    base_dir = files.base_dir
    permitted = {path.resolve() for path in files.allowed}

    class BuildFilesOnly(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = None
            if url.startswith(BASE_URL):
                path = (base_dir / unquote(urlsplit(url).path[len("/orderpack-build/"):]))
                path = path.resolve()
            if path is None or path not in permitted:
                raise ValueError(f"orderpack loads only the build's own files, not {url}")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            # Answered with the file's own URL: WeasyPrint then reads an image's data from
            # the file again when it writes the PDF, rather than holding every image in
            # memory from layout to the end (about 0.15 MB an exhibit).
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": media_type})

    return BuildFilesOnly(allowed_protocols=["file"], allow_redirects=False)


#: While a build runs under :func:`collector_spared`: how many collections of the middle
#: generation Python makes before it may make a full one (its default is 10). High enough
#: that it makes none: the builds make theirs where they leave garbage (:func:`lay_out`).
FULL_COLLECTION_THRESHOLD = 1_000_000


@contextmanager
def collector_spared() -> Iterator[None]:
    """Keep Python's garbage collector off the objects that outlive a build (modules,
    WeasyPrint's own tables — imported here first for that —, the case) while it runs:
    frozen (:func:`gc.freeze`), they are not walked again at every collection, which takes
    about a tenth off the layout of a PDF. Unfrozen afterwards.

    Nor does Python make full collections of its own while the build runs (they are left to
    the build, :data:`FULL_COLLECTION_THRESHOLD`): a layout's boxes outlive the younger
    generations, so Python made two full collections during a rebuild of the benchmark's
    49-page case, each walking every box laid out so far and freeing next to nothing
    (with the one below, 20–50 ms of the rebuild's CPU). The layout's own collection
    (:func:`lay_out`) frees what it leaves behind.

    This changes the whole process, so the library never does it itself: a front end that
    runs one build at a time may wrap its builds in it, as the command line does (the
    processes of a batch, forked inside it, inherit it). A long-running front end that runs
    builds side by side should not: it would freeze what another build is still using.
    """
    engine.weasyprint()  # its tables outlive every build: frozen with the rest

    # Frozen without a full collection first: it would walk them all (40 ms) to free the
    # few dozen objects that starting the command left behind.
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], FULL_COLLECTION_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """Keep pypdf's log messages about a damaged PDF ("EOF marker not found") off the buyer's
    screen: such a file is refused, or merged, with orderpack's own words."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@dataclass
class LaidOut:
    """The evidence HTML laid out by WeasyPrint (:func:`lay_out`), to write (:func:`write`)."""

    html: str
    document: Any
    """WeasyPrint's Document."""
    fetcher: Any
    """The URL fetcher it was laid out with (see :func:`_fetcher`)."""
    warnings: list[str]


_fonts = threading.local()

#: Where fonts are installed, and where fontconfig keeps its caches of them (Linux, macOS
#: with Homebrew): what :func:`_fonts_seen` watches.
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
             "/Library/Fonts", "~/Library/Fonts")
FONT_CACHE_DIRS = ("/var/cache/fontconfig", "~/.cache/fontconfig",
                   "/opt/homebrew/var/cache/fontconfig", "/usr/local/var/cache/fontconfig")


def _font_config(html: str) -> Any:
    """The fonts WeasyPrint lays ``html`` out with: one configuration per thread, kept from
    layout to layout while the installed fonts stay the same (:func:`_fonts_seen`), so that
    the fonts found and loaded for one are there for the next (a second layout of the
    sample: 0.17 s rather than 0.31 s, and its writing 0.10 s rather than 0.14 s). A font
    installed meanwhile (say, for the seller's Chinese, as a warning advised) is found by
    the next build of a long-running web page. Pango's font maps are not to be shared
    between threads. A template that declares fonts of its own (``@font-face``) gets a fresh
    one, so that its fonts do not stay for the next build."""
    from weasyprint.text.fonts import FontConfiguration

    if "@font-face" in html:
        return FontConfiguration()
    seen = _fonts_seen()
    if getattr(_fonts, "seen", None) != seen:
        _fonts.config, _fonts.seen = FontConfiguration(), seen
    return _fonts.config


def _remove_declared_fonts_with(font_config: Any) -> None:
    """WeasyPrint keeps the fonts a stylesheet declares (``@font-face``) in a temporary
    folder of their font configuration, which it removes when the configuration is
    collected. One the collector never frees (the command line freezes the objects that
    outlive a build: :func:`collector_spared`) would leave the folder behind, one a build:
    it is removed at exit then, as :class:`tempfile.TemporaryDirectory` removes its own."""
    folder = getattr(font_config, "_folder", None)
    if folder is not None:
        weakref.finalize(font_config, shutil.rmtree, folder, ignore_errors=True)


def _fonts_seen() -> tuple[tuple[str, int], ...]:
    """When the font folders (and their folders, one level down) and fontconfig's cache
    files last changed: installing a font changes one of them (about 0.1 ms to read)."""
    seen = []
    for name in (*FONT_DIRS, *FONT_CACHE_DIRS):
        folder = Path(name).expanduser()
        try:
            seen.append((str(folder), folder.stat().st_mtime_ns))
            seen += [(str(entry), entry.stat().st_mtime_ns) for entry in folder.iterdir()]
        except OSError:
            continue
    return tuple(sorted(seen))


def lay_out(html: str, files: BuildFiles) -> LaidOut:
    """Lay out ``html`` with the stylesheet of ``files``: text only, its pictures and PDF
    pages left as empty boxes. This may run while the pictures are still being made (it
    needs none of their files)."""
    weasyprint = engine.weasyprint()
    from weasyprint.css.counters import CounterStyle

    fetcher = _fetcher(files)
    font_config = _font_config(html + files.stylesheet)
    counter_style: Any = CounterStyle()
    color_profiles: dict[str, Any] = {}
    try:
        stylesheets: list[Any] = []
        parsing: tuple[str, ...] = ()
        if files.stylesheet:
            stylesheet, parsing = _stylesheet(files.stylesheet, fetcher, font_config,
                                              counter_style, color_profiles)
            stylesheets.append(stylesheet)
        with _weasyprint_warnings() as warnings:
            warnings.extend(parsing)
            document = weasyprint.HTML(
                string=html, base_url=BASE_URL, url_fetcher=fetcher
            ).render(pdf_variant=PDF_VARIANT, font_config=font_config,
                     counter_style=counter_style, color_profiles=color_profiles,
                     stylesheets=stylesheets)
    except (OSError, ValueError) as exc:
        raise BuildError(f"could not write the PDF: {exc}") from None
    finally:
        _remove_declared_fonts_with(font_config)
    # Layout leaves cycles of boxes behind (copies made while paginating); freeing them
    # before the PDF is written keeps the peak lower: 15 MB less at 90 exhibits, and it
    # grows less with the exhibit count. Freed here, they are not held either while the
    # layout waits for the pictures. A short document leaves little (the sample's 7 pages:
    # some 11,000 objects), less than the collection costs (20 ms: it walks the layout too).
    if len(document.pages) >= COLLECT_FROM_PAGES:
        gc.collect()
    return LaidOut(html, document, fetcher, warnings)


#: The at-rules whose effect is not in the parsed stylesheet alone but in the layout's own
#: state (its fonts, counter styles, colour profiles) or in files fetched while parsing: a
#: stylesheet with one of them is parsed again for each layout (:func:`_stylesheet`).
_LAYOUT_AT_RULES = ("@font-face", "@counter-style", "@color-profile", "@import")


def _stylesheet(text: str, fetcher: Any, font_config: Any, counter_style: Any,
                color_profiles: dict[str, Any]) -> tuple[Any, tuple[str, ...]]:
    """``text`` parsed by WeasyPrint (a ``weasyprint.CSS``), and the warnings parsing it
    gave: kept for the next layout of the same text (:func:`_parsed`), unless it has one of
    :data:`_LAYOUT_AT_RULES`, then parsed for this layout, with its fetcher, fonts, counter
    styles and colour profiles."""
    if any(rule in text for rule in _LAYOUT_AT_RULES):
        with _weasyprint_warnings() as warnings:
            parsed = engine.weasyprint().CSS(
                string=text, base_url=BASE_URL, url_fetcher=fetcher, font_config=font_config,
                counter_style=counter_style, color_profiles=color_profiles)
        return parsed, tuple(warnings)
    return _parsed(text)


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> tuple[Any, tuple[str, ...]]:
    """``text`` parsed by WeasyPrint, and the warnings parsing it gave, kept by the text
    itself (a template override of the stylesheet gets its own) for the next layout: parsing
    the built-in stylesheet and compiling its selectors takes about 13 ms, at every layout.

    One parsed stylesheet serves every layout, in any thread, as WeasyPrint's own user-agent
    stylesheet does: a ``weasyprint.CSS`` holds a cssselect2 Matcher (compiled selectors and
    their declarations), the page rules and the layers, which a layout only reads (matching,
    cascading into dictionaries of its own). What a layout would write into, the font
    configuration (``@font-face``), the counter styles (``@counter-style``) and the colour
    profiles (``@color-profile``), is only reached by the at-rules a text kept here has none
    of (:func:`_stylesheet`); nor does it fetch anything (``@import``): the fetcher refuses
    every URL anyway."""
    with _weasyprint_warnings() as warnings:
        parsed = engine.weasyprint().CSS(
            string=text, base_url=BASE_URL, url_fetcher=_fetcher(BuildFiles(Path(), set())))
    return parsed, tuple(warnings)


def render(
    html: str,
    *,
    target: Path,
    files: BuildFiles,
    metadata: Metadata,
    slots: Sequence[Slot | Picture] = (),
    attachments: Sequence[Attachment] = (),
    paper: Paper = PAPERS["a4"],
) -> Rendered:
    """Lay out ``html`` and write the PDF to ``target`` (:func:`lay_out`, then :func:`write`)."""
    return write(lay_out(html, files), target=target, metadata=metadata, slots=slots,
                 attachments=attachments, paper=paper)


def write(
    laid_out: LaidOut,
    *,
    target: Path,
    metadata: Metadata,
    slots: Sequence[Slot | Picture] = (),
    attachments: Sequence[Attachment] = (),
    paper: Paper = PAPERS["a4"],
) -> Rendered:
    """Write the laid-out PDF to ``target``; place the pictures and the pages of PDF exhibits
    into their boxes, the ``slots``.

    WeasyPrint writes to a file beside ``target``, never the whole PDF in memory; pikepdf
    completes it from there (reading the streams it does not change from the file)."""
    weasyprint = engine.weasyprint()

    document = laid_out.document
    stamp = datetime(metadata.day.year, metadata.day.month, metadata.day.day)  # noqa: DTZ001
    options: dict[str, Any] = {
        "pdf_variant": PDF_VARIANT,
        "pdf_identifier": metadata.identifier,
        "custom_metadata": True,
        # Its streams are compressed once, by qpdf when :func:`_finish` saves the PDF, at
        # zlib's default level rather than WeasyPrint's level 9: writing takes about 15 %
        # less CPU, for under 1 KB more in a 49-page bundle.
        "uncompressed_pdf": True,
        "attachments": [
            weasyprint.Attachment(filename=str(item.path), name=item.name,
                                  description=item.description, created=stamp, modified=stamp,
                                  url_fetcher=laid_out.fetcher)
            for item in attachments
        ],
    }
    document.metadata.title = metadata.title
    document.metadata.description = metadata.subject
    document.metadata.keywords = list(metadata.keywords)
    document.metadata.authors = [metadata.author]
    document.metadata.lang = metadata.lang
    document.metadata.created = metadata.day.isoformat()
    document.metadata.modified = metadata.day.isoformat()
    document.metadata.generator = "orderpack"
    merged = [slot for slot in slots if isinstance(slot, Slot)]
    pictures = [slot for slot in slots if isinstance(slot, Picture)]
    positions = _positions(document, [slot.anchor for slot in merged],
                           [picture.anchor for picture in pictures])
    # WeasyPrint's file, completed into ``target``; in the build's staging folder, which
    # goes with it if the build is stopped.
    written = target.with_name(f".{target.name}.weasyprint")
    with _weasyprint_warnings() as warnings:
        try:
            document.write_pdf(written, **options)
        except (OSError, ValueError) as exc:
            written.unlink(missing_ok=True)
            raise BuildError(f"could not write the PDF: {exc}") from None
    pages = len(document.pages)
    try:
        _finish(written, target, (merged, pictures), positions, paper)
    finally:
        written.unlink(missing_ok=True)
    # Once each: WeasyPrint logs a missing glyph (an emoji) every time the text is drawn.
    return Rendered(path=target, bytes=target.stat().st_size, pages=pages,
                    warnings=list(dict.fromkeys([*laid_out.warnings, *warnings])))


#: Where a box is: its page index and its corners (left, top, right, bottom) in CSS px.
Position = tuple[int, float, float, float, float]


def _positions(document: Any, slots: Sequence[str], pictures: Sequence[str]
               ) -> Mapping[str, Position]:
    """The page and box of each anchor of ``slots`` (PDF exhibit pages) and ``pictures``."""
    wanted = {*slots, *pictures}
    found: dict[str, Position] = {}
    for index, page in enumerate(document.pages):
        for anchor, (left, top, right, bottom) in page.anchors.items():
            if anchor in wanted:
                found[anchor] = (index, left, top, right, bottom)
    for names, what in ((slots, "PDF exhibit page(s)"), (pictures, "picture(s) of exhibit(s)")):
        missing = set(names) - found.keys()
        if missing:
            raise BuildError(
                f"the evidence template has no place for {what} {', '.join(sorted(missing))}; "
                "a template override must keep the exhibit slots")
    return found


def _finish(
    laid_out: Path, target: Path, boxes: tuple[Sequence[Slot], Sequence[Picture]],
    positions: Mapping[str, Position], paper: Paper,
) -> None:
    """Complete WeasyPrint's PDF ``laid_out`` into ``target``: its page margins marked as
    artifacts; each picture, and each PDF exhibit page scaled to fit, drawn into its box as
    a tagged figure (see :mod:`orderpack.tagging`)."""
    import pikepdf

    from orderpack import tagging

    slots, pictures = boxes
    mm = 72 / 25.4
    slot_width = paper.content_width_mm * mm
    slot_height = (paper.content_height_mm - SLOT_HEADER_MM) * mm
    sources: dict[Path, tuple[pikepdf.Pdf, set[tuple[int, int]]]] = {}
    opened: list[pikepdf.Pdf] = []  # the pictures' files, open until the bundle is saved
    spools: list[Path] = []  # beside ``target``, in the staging folder
    try:
        with pikepdf.open(laid_out) as bundle:
            _sort_attachments(bundle)
            structure = tagging.Structure(bundle)
            structure.mark_margins()
            placed: dict[int, list[tuple[float, tagging.Figure]]] = {}
            for slot in slots:
                index, x_px, y_px, _right, _bottom = positions[slot.anchor]
                try:
                    if slot.source not in sources:
                        sources[slot.source] = (pikepdf.open(slot.source), set())
                    source, seen = sources[slot.source]
                    form = tagging.untagged_form(source.pages[slot.page_index], seen)
                    width, height = tagging.upright_size(form)
                except Exception as exc:  # on a damaged file qpdf may raise anything
                    # (inspection reads every page first: this is for what it could not foresee)
                    raise BuildError(
                        f"exhibit {slot.source.name}: page {slot.page_index + 1} of the PDF is "
                        f"damaged and cannot be placed in the bundle ({type(exc).__name__}) — "
                        "open the original in a PDF viewer and save or print it as a new "
                        "PDF") from None
                scale = min(slot_width / width, slot_height / height)
                left = x_px * CSS_PX_TO_PT + (slot_width - width * scale) / 2
                top = float(bundle.pages[index].mediabox[3]) - y_px * CSS_PX_TO_PT
                rect = pikepdf.Rectangle(left, top - height * scale, left + width * scale, top)
                placed.setdefault(index, []).append((y_px, tagging.Figure(form, rect, slot.alt)))
            for number, picture in enumerate(pictures, 1):
                spool = target.with_name(f".{target.name}.picture-{number}")
                spools.append(spool)
                top_px, figure = _placed_picture(picture, positions[picture.anchor], bundle,
                                                 spool, opened)
                placed.setdefault(positions[picture.anchor][0], []).append((top_px, figure))
            for index, figures in placed.items():
                structure.place_figures(
                    index, [figure for _, figure in sorted(figures, key=lambda item: item[0])])
            # The file identifier's first half stays WeasyPrint's; the second is derived
            # from the content, so that a build gives the same bytes again. WeasyPrint wrote
            # the streams uncompressed (see :func:`write`): compressed here, and the small
            # objects packed into object streams, as WeasyPrint would have.
            bundle.save(target, deterministic_id=True, compress_streams=True,
                        object_stream_mode=pikepdf.ObjectStreamMode.generate)
    except OSError as exc:
        raise BuildError(f"could not write the PDF: {exc}") from None
    finally:
        for source in [*(source for source, _ in sources.values()), *opened]:
            source.close()
        for spool in spools:
            spool.unlink(missing_ok=True)


def _placed_picture(picture: Picture, position: Position, bundle: Any, spool: Path,
                    opened: list[Any]) -> tuple[float, Any]:
    """The top of ``picture``'s box (CSS px) and the figure that fills it, its image read
    from ``spool`` (written here) by a file added to ``opened``."""
    import pikepdf

    from orderpack import tagging

    index, left_px, top_px, right_px, bottom_px = position
    page_top = float(bundle.pages[index].mediabox[3])
    rect = pikepdf.Rectangle(
        left_px * CSS_PX_TO_PT, page_top - bottom_px * CSS_PX_TO_PT,
        right_px * CSS_PX_TO_PT, page_top - top_px * CSS_PX_TO_PT)
    try:
        converted = tagging.image_pdf(picture.source.read_bytes())
    except OSError:
        raise
    except Exception as exc:  # img2pdf refuses what it cannot embed as it is
        raise BuildError(
            f"exhibit {picture.source.name}: its picture cannot be placed in the bundle "
            f"({type(exc).__name__}: {exc}) — build again with an empty cache folder") from None
    spool.write_bytes(converted)
    single, image = tagging.image_xobject(spool)
    opened.append(single)
    return top_px, tagging.Figure(image, rect, picture.alt)


def _sort_attachments(bundle: Any) -> None:
    """Sort the names of the embedded files (``--attach``), which WeasyPrint writes in its
    own order: a PDF's name tree is looked up by its keys in sorted order."""
    from pikepdf import Array

    names = bundle.Root.get("/Names")
    files = names.get("/EmbeddedFiles") if names is not None else None
    pairs = files.get("/Names") if files is not None else None
    if files is None or pairs is None:
        return
    ordered = sorted(zip(pairs[::2], pairs[1::2], strict=True),
                     key=lambda pair: bytes(pair[0]))
    files.Names = Array([item for pair in ordered for item in pair])
