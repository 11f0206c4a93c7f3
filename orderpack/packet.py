"""`orderpack build`: validate, process the evidence, write the packet — all or nothing.

The packet is written into a temporary folder beside the output folder and swapped
in at the end, so a failed or interrupted build leaves the previous packet as it
was. Input files are only ever read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from orderpack import __version__, chat, evidence, facts, fonts, narrative, pdf, render, timeline
from orderpack.errors import BuildError
from orderpack.evidence import Exhibit
from orderpack.validation import Case, validate

MANIFEST = "manifest.json"
DISPUTE_TEXT = "dispute.txt"
EVIDENCE_PDF = "evidence.pdf"
EXHIBITS_DIR = "exhibits"
STAGING_PREFIX = ".orderpack-"

#: Called with a short description of each step (the CLI shows it; tests record it).
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """How to build; the defaults are what `orderpack build ORDER.yaml` does."""

    out: Path | None = None
    templates: Path | None = None
    attach: bool = False
    paper: str = "a4"
    max_chars: int | None = None
    cache_dir: Path | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        for name in ("out", "templates", "cache_dir"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))


@dataclass(frozen=True)
class BuildResult:
    out: Path
    dispute_text: Path
    evidence_pdf: Path
    exhibits: list[Path]
    manifest: Path
    characters: int
    char_limit: int | None
    dropped: tuple[str, ...]
    pages: int
    pdf_bytes: int
    warnings: list[str] = field(default_factory=list)


def build(
    order_path: str | Path,
    today: date,
    options: Options | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the packet for the case at ``order_path`` as of ``today``."""
    options = options or Options()
    step = progress or (lambda _message: None)
    step("validating")
    case = validate(order_path)
    out = (options.out or case.folder / "out").absolute()
    _check_output_folder(out, case)
    if options.paper not in pdf.PAPERS:
        raise BuildError(f"unknown paper size {options.paper!r}; use a4 or letter")
    limit = options.max_chars if options.max_chars is not None else _profile_limit(case)

    messages = chat.load_messages(case)
    case_facts = facts.gather(case, today, messages)
    status = timeline.compute(case.order, case.profile, today)
    step("processing evidence")
    exhibits = evidence.process(case, cache_dir=options.cache_dir, workers=options.workers)

    with _locked(out.parent), _staging(out) as stage:
        step("writing the dispute text")
        exhibit_dir = stage / EXHIBITS_DIR
        exhibit_dir.mkdir()
        staged = []
        for exhibit in exhibits:
            target = exhibit_dir / exhibit.upload_name
            shutil.copyfile(exhibit.file, target)
            staged.append(target)
        context: dict[str, Any] = {"facts": case_facts, "exhibits": exhibits, "status": status}
        rendered = render.render("dispute.txt.j2", context, kind="text",
                                 override=options.templates)
        text = narrative.fit(narrative.parse(rendered), limit)
        (stage / DISPUTE_TEXT).write_text(text.text, encoding="utf-8")

        step("rendering the PDF")
        paper = pdf.PAPERS[options.paper]
        views = [_ExhibitView.of(exhibit, target) for exhibit, target in zip(exhibits, staged,
                                                                            strict=True)]
        html = render.render("evidence.html.j2", {
            **context,
            "exhibits": views,
            "narrative": [" ".join(s.text for s in p) for p in text.paragraphs],
            "tracking": case_facts.tracking,
            "messages": case_facts.messages,
            "paper": paper,
            "slot_header_mm": pdf.SLOT_HEADER_MM,
            "title": f"Evidence for order {case_facts.order_number}",
            "lang": "en",
        }, kind="html", override=options.templates)
        slots = [
            pdf.Slot(anchor=f"slot-{view.label}-{page + 1}", source=view.path, page_index=page)
            for view in views if view.kind == "pdf" for page in range(view.pages)
        ]
        inputs = _inputs(case, exhibits)
        attachments = []
        if options.attach:
            attachments = [pdf.Attachment(case.path, case.path.name, "The case's order file")]
            attachments += [
                pdf.Attachment(path, path.name, f"Exhibit {exhibit.label}: {exhibit.caption}")
                for exhibit, path in zip(exhibits, staged, strict=True)
            ]
        result = pdf.render(
            html,
            base_dir=stage,
            allowed=set(staged),
            metadata=pdf.Metadata(
                title=f"Evidence for {case.profile.name} order {case_facts.order_number}",
                subject=f"Item not received: {case_facts.buyer_name} requests "
                        f"{case_facts.remedy_text}",
                keywords=[case.profile.name, "dispute", "item not received",
                          case_facts.order_number],
                author=case_facts.buyer_name,
                lang="en",
                day=today,
                identifier=_identifier(inputs, today, options),
            ),
            slots=slots,
            attachments=attachments,
            paper=paper,
        )
        (stage / EVIDENCE_PDF).write_bytes(result.pdf)

        warnings = [f"Exhibit {e.label}: {w}" for e in exhibits for w in e.warnings]
        warnings += [f"PDF: {message}" for message in result.warnings]
        warnings += fonts.missing_font_warnings(_all_text(case_facts))
        if not text.fits:
            warnings.append(
                f"the dispute text has {text.characters} characters, over the limit of {limit}, "
                "even with every optional sentence left out; shorten `dispute.details` or "
                "the captions")
        manifest = _manifest(case, today, inputs, stage, limit, text.characters)
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    return BuildResult(
        out=out,
        dispute_text=out / DISPUTE_TEXT,
        evidence_pdf=out / EVIDENCE_PDF,
        exhibits=[out / EXHIBITS_DIR / path.name for path in staged],
        manifest=out / MANIFEST,
        characters=text.characters,
        char_limit=limit,
        dropped=text.dropped,
        pages=result.pages,
        pdf_bytes=len(result.pdf),
        warnings=warnings,
    )


@dataclass(frozen=True)
class _ExhibitView:
    """What the PDF template sees of an exhibit: the exhibit plus its staged file's URL."""

    label: str
    caption: str
    date: date | None
    source: str
    original_sha256: str
    kind: str
    pages: int
    path: Path
    src: str

    @classmethod
    def of(cls, exhibit: Exhibit, staged: Path) -> _ExhibitView:
        return cls(label=exhibit.label, caption=exhibit.caption, date=exhibit.date,
                   source=exhibit.source, original_sha256=exhibit.original_sha256,
                   kind=exhibit.kind, pages=exhibit.pages, path=staged,
                   src=f"{EXHIBITS_DIR}/{quote(staged.name)}")


def _profile_limit(case: Case) -> int | None:
    limits = getattr(case.profile, "limits", None)
    value = getattr(limits, "description_chars", None)
    return value if isinstance(value, int) else None


def _check_output_folder(out: Path, case: Case) -> None:
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise BuildError(
            f"{out} exists and was not made by orderpack (it has no {MANIFEST}); "
            "orderpack will not overwrite it — choose another --out, or empty that folder")
    folder = case.folder.resolve()
    if out.resolve() == folder or folder.is_relative_to(out.resolve()):
        raise BuildError(f"--out {out} would replace the case folder itself; choose a "
                         "folder inside or beside it, e.g. the default out/")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so two builds never swap at the same time."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: the swap is still all-or-nothing, last writer wins.
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out``, swapped in for ``out`` only if the block succeeds."""
    stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "new-", dir=out.parent))
    old: Path | None = None
    try:
        yield stage
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "old-", dir=out.parent))
            old.rmdir()
            out.rename(old)
        try:
            stage.rename(out)
        except BaseException:
            if old is not None:
                old.rename(out)
                old = None
            raise
    except OSError as exc:
        raise BuildError(f"could not write {out}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inputs(case: Case, exhibits: list[Exhibit]) -> list[dict[str, Any]]:
    entries = [{"path": case.path.name, "sha256": _sha256(case.path),
                "bytes": case.path.stat().st_size}]
    for item, exhibit in zip(case.order.evidence, exhibits, strict=True):
        path = case.folder / item.file
        entries.append({"path": item.file, "sha256": exhibit.original_sha256,
                        "bytes": path.stat().st_size, "exhibit": exhibit.label})
    chat_import = case.order.messages
    names = [] if isinstance(chat_import, list) or chat_import is None else [
        name for name in (chat_import.file, chat_import.translation) if name]
    for path in (case.folder / name for name in names):
        entries.append({"path": path.relative_to(case.folder).as_posix(),
                        "sha256": _sha256(path), "bytes": path.stat().st_size})
    return entries


def _identifier(inputs: list[dict[str, Any]], today: date, options: Options) -> bytes:
    digest = hashlib.sha256()
    digest.update(json.dumps([inputs, today.isoformat(), __version__, options.paper,
                              options.attach, options.max_chars], sort_keys=True).encode())
    return digest.hexdigest()[:32].encode()


def _manifest(case: Case, today: date, inputs: list[dict[str, Any]], stage: Path,
              limit: int | None, characters: int) -> dict[str, Any]:
    outputs = [
        {"path": path.relative_to(stage).as_posix(), "sha256": _sha256(path),
         "bytes": path.stat().st_size}
        for path in sorted(stage.rglob("*")) if path.is_file()
    ]
    return {
        "orderpack_version": __version__,
        "today": today.isoformat(),
        "platform": case.order.platform,
        "order_number": case.order.order.number,
        "dispute_text": {"characters": characters, "limit": limit},
        "inputs": inputs,
        "outputs": outputs,
    }


def _all_text(case_facts: facts.Facts) -> list[str]:
    texts = [case_facts.store, case_facts.items, case_facts.buyer_name, case_facts.details or ""]
    for message in case_facts.messages:
        texts += [message.text, message.translation or ""]
    for event in case_facts.tracking.events:
        texts += [event.status, event.place or ""]
    return texts
