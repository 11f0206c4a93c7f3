"""One WeasyPrint layout per evidence HTML, for tests that build the same packet again and
again to watch something else (a write failing, a fitting rung, the output folder).

:func:`orderpack.pdf.lay_out` is a function of its HTML alone: it loads no file (the
evidence is placed afterwards, by :func:`orderpack.pdf.write`) and its fetcher refuses
anything but the build's files, which are part of the key. :func:`orderpack.pdf.write`
does not change the layout it writes (it sets the same metadata fields every time and
WeasyPrint copies what it adds), so a packet written from a reused layout is byte for byte
the packet a fresh layout gives; test_faults.py's write-failure tests check exactly that
(a build the failure leaves alone writes the packet of a fresh layout), and the tests that
use this compare packets with a fresh build's anyway.

A test whose subject is the layout itself (when it runs, what it is given, what fails
inside it) must not use it.
"""

from __future__ import annotations

from collections import OrderedDict

import pytest

from orderpack import pdf

#: Layouts kept, the most recently used last; a few are enough for a module's packets, and
#: each holds WeasyPrint's boxes (a few MB).
KEPT = 8

_layouts: OrderedDict[tuple[str, str], pdf.LaidOut] = OrderedDict()


class Counts:
    """How often the build asked for a layout, and how often one was really made."""

    def __init__(self) -> None:
        self.asked = 0
        self.made = 0


def reuse_layouts(monkeypatch: pytest.MonkeyPatch) -> Counts:
    """Make :func:`orderpack.pdf.lay_out` lay each HTML out once (per test process) for as
    long as ``monkeypatch`` holds; returns the counts of the layouts asked for and made."""
    real = pdf.lay_out
    counts = Counts()

    def lay_out(html: str, files: pdf.BuildFiles) -> pdf.LaidOut:
        counts.asked += 1
        key = (html, repr(files))  # BuildFiles holds a set: not hashable, but its repr is
        laid = _layouts.get(key)
        if laid is None:
            counts.made += 1
            laid = _layouts[key] = real(html, files)
            while len(_layouts) > KEPT:
                _layouts.popitem(last=False)
        _layouts.move_to_end(key)
        return laid

    monkeypatch.setattr(pdf, "lay_out", lay_out)
    return counts
