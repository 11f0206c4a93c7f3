"""WeasyPrint, the engine that lays out and writes the evidence PDF: imported once, and on
Linux without the search for its libraries that took a third of its import.

WeasyPrint loads GObject, Pango, HarfBuzz and fontconfig with cffi, trying for each a list
of names, for Windows and macOS first (``libpango-1.0-0``, ``pango-1.0``...), then the
library's own file name on Linux (``libpango-1.0.so.0``). For each name that is not a file
it can load at once, cffi asks :func:`ctypes.util.find_library`, which on Linux starts
``ldconfig``, ``gcc`` and ``ld`` to look for it: some 50 programs at every import, about
0.17 s of CPU (measured: ``python -c "import weasyprint"``, 0.55 s of CPU against 0.38 s
without them). On Linux find_library only ever answers with such a file name, which the
dynamic loader then finds by itself on its own paths, as it finds the names WeasyPrint
tries last. So while WeasyPrint is imported here, find_library answers at once that it
knows of no library, and cffi goes on to those names. Should a library be found only by
the search (an unusual system: another version of it, under another name), WeasyPrint is
imported again the usual way, and nothing of the first attempt is shown.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
import threading
from collections.abc import Iterator
from types import ModuleType

_lock = threading.Lock()


def weasyprint() -> ModuleType:
    """The ``weasyprint`` module, imported on first use (see the module's description)."""
    loaded = sys.modules.get("weasyprint")
    if loaded is not None:
        return loaded
    with _lock:
        if "weasyprint" not in sys.modules and sys.platform.startswith("linux"):
            try:
                with no_library_search():
                    import weasyprint  # kept in sys.modules
            except OSError:
                pass  # Python has taken the module that failed out of sys.modules
        import weasyprint  # noqa: F401  # imported already, or the usual way if that failed

    return sys.modules["weasyprint"]


@contextlib.contextmanager
def no_library_search() -> Iterator[None]:
    """While the block runs, :func:`ctypes.util.find_library` finds nothing, at once, and
    what is printed is kept off the screen (WeasyPrint prints its own advice before it
    fails to load a library: here the usual import follows, which says it if it fails too).
    Both are the whole process's: the caller holds the module's lock."""
    search = ctypes.util.find_library
    ctypes.util.find_library = _found_nothing
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        ctypes.util.find_library = search


def _found_nothing(name: str) -> None:
    return None

