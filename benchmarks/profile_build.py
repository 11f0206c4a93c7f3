#!/usr/bin/env python3
"""Profile one ``orderpack build`` with pyinstrument; write its text report and a summary.

Usage::

    python benchmarks/profile_build.py ORDER.yaml --out DIR --today 2026-11-26 \\
        --text profile.txt --json profile.json

The profile starts before orderpack is imported, so imports count. pyinstrument samples
the main thread only, so the work that ``orderpack build`` does on other threads — the
evidence thread that makes the exhibits while the main thread lays out the PDF, and the
image workers it starts — is run inline here (each task at once, on the main thread) to
be seen: the profile shows where CPU time goes, not the wall time of a parallel build
(which would show the main thread waiting for the evidence thread, as ``lock.acquire``).
Set ``ORDERPACK_CACHE_DIR`` to an empty folder for a cold build; with ``--warm``, a first
build (not profiled) fills the cache and the profile is of a second one, as a rebuild.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

#: The steps of a build, as (label, file, function, parent label); a step's time includes
#: everything it calls, counted once even if it recurses.
PHASES: list[tuple[str, str, str, str | None]] = [
    ("Load and validate the order file", "orderpack/validation.py", "validate", None),
    ("Process the evidence images", "orderpack/evidence.py", "process", None),
    ("Render the templates (Jinja)", "orderpack/render.py", "render", None),
    ("Import WeasyPrint", "weasyprint/__init__.py", "<module>", None),
    ("WeasyPrint: parse and lay out (HTML.render)", "weasyprint/__init__.py", "render", None),
    ("load and convert images", "weasyprint/images.py", "__init__", "WeasyPrint: parse and "
     "lay out (HTML.render)"),
    ("WeasyPrint: write the PDF (write_pdf)", "weasyprint/document.py", "write_pdf", None),
    ("encode image XObjects", "weasyprint/images.py", "get_x_object",
     "WeasyPrint: write the PDF (write_pdf)"),
    ("subset and embed fonts", "weasyprint/pdf/fonts.py", "build_fonts_dictionary",
     "WeasyPrint: write the PDF (write_pdf)"),
    ("Complete the tags, merge PDF exhibits (pikepdf)", "orderpack/pdf.py", "_finish", None),
    ("Hash inputs and outputs, manifest", "orderpack/manifest.py", "write", None),
]


class _Inline:
    """A stand-in for ThreadPoolExecutor that runs each task at once on the calling thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        return None

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller, as a pool would
            future.set_exception(exc)
        return future


@dataclass
class _Stat:
    time: float = 0.0


def summarise(root: Any) -> dict[str, Any]:
    """Time per build step (:data:`PHASES`) and the functions with the most self time.

    A C function (Pillow's encoder, zlib...) is listed with the orderpack or WeasyPrint
    function that called it, as that says whose work it is.
    """
    total = root.time if root is not None else 0.0
    phases = {label: _Stat() for label, *_ in PHASES}
    self_times: dict[tuple[str, str], float] = {}

    def walk(frame: Any, open_phases: frozenset[str], owner: str) -> None:
        inside = open_phases
        path = (frame.file_path or "").replace("\\", "/")
        for label, file, function, _parent in PHASES:
            if frame.function == function and path.endswith(file) and label not in inside:
                phases[label].time += frame.time
                inside = inside | {label}
        short = _short(path)
        if short.startswith(("orderpack/", "weasyprint/")):
            owner = f"{short}:{frame.line_no or 0} `{frame.function}`"
        where = f"{short}:{frame.line_no or 0}" if path and "<" not in path else (
            f"called from {owner}")
        # Self time: what the children do not account for ("[self]" leaves included).
        real = [child for child in frame.children if child.function != "[self]"]
        own = max(0.0, frame.time - sum(child.time for child in real))
        key = (frame.function, where)
        self_times[key] = self_times.get(key, 0.0) + own
        for child in real:
            walk(child, inside, owner)

    if root is not None:
        walk(root, frozenset(), "")
    top = sorted(self_times.items(), key=lambda item: -item[1])[:12]
    return {
        "total_s": total,
        "phases": [{"label": label, "parent": parent, "seconds": phases[label].time}
                   for label, _file, _function, parent in PHASES],
        "self_time": [{"function": function, "where": where, "seconds": seconds}
                      for (function, where), seconds in top],
    }


def _short(path: str) -> str:
    for marker in ("site-packages/", "/lib/python3", "/orderpack/"):
        if marker in path:
            tail = path.split(marker, 1)[1]
            return ("orderpack/" + tail) if marker == "/orderpack/" else tail
    return path.rsplit("/", 2)[-1] if "/" in path else path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("order", metavar="ORDER.yaml", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--today", type=date.fromisoformat, required=True)
    parser.add_argument("--text", type=Path, required=True, help="pyinstrument's text report")
    parser.add_argument("--json", type=Path, required=True, help="the summary, as JSON")
    parser.add_argument("--warm", action="store_true",
                        help="profile a rebuild: build once first, unprofiled, to fill the cache")
    args = parser.parse_args(argv)

    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    if not args.warm:
        profiler.start()
    import orderpack.evidence
    import orderpack.packet
    from orderpack.packet import Options, build

    # The modules that start threads: each thread's work is run inline instead.
    for module in (orderpack.evidence, orderpack.packet):
        if hasattr(module, "ThreadPoolExecutor"):
            module.ThreadPoolExecutor = _Inline  # type: ignore[attr-defined]  # a stand-in, see _Inline
    from orderpack.pdf import collector_spared

    with collector_spared():  # as the command line builds
        if args.warm:
            build(args.order, args.today, Options(out=args.out))
            profiler.start()
        build(args.order, args.today, Options(out=args.out))
    profiler.stop()
    args.text.write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
    session = profiler.last_session
    summary = summarise(session.root_frame() if session is not None else None)
    args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
