"""How the test processes' C allocator (glibc's malloc) keeps the memory they free.

A pytest-xdist worker builds packet after packet. With glibc's defaults it hands the
memory each build freed back to the system, and maps each large block (a picture, a font)
afresh: every page of it is then faulted in again (test_fit.py alone: 330,000 page faults,
120,000 with :func:`keep_freed_memory`). conftest.py keeps it in the test processes.

A process a test starts to run orderpack as a user does runs with the system's defaults:
one started afresh gets them from the start, and one forked from a test process
(tests/forked.py) has them set back first (:func:`system_defaults`), so a test that
measures a build's memory measures what a user's build takes.
"""

from __future__ import annotations

import ctypes
import sys

#: How much freed memory a test process keeps, and the size from which a block is mapped
#: on its own rather than taken from the heap.
KEPT = 256 * 1024 * 1024
#: glibc's starting values (mallopt(3)): 128 KiB each.
DEFAULT = 128 * 1024
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # glibc's malloc.h


def _glibc() -> ctypes.CDLL | None:
    """glibc, where the tests run on it (Linux); None elsewhere (another C library, such as
    musl, has its allocator and its defaults)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def _set(mmap_threshold: int, trim_threshold: int, top_pad: int) -> None:
    libc = _glibc()
    if libc is None:
        return
    for option, value in ((M_MMAP_THRESHOLD, mmap_threshold),
                          (M_TRIM_THRESHOLD, trim_threshold), (M_TOP_PAD, top_pad)):
        libc.mallopt(option, value)


def keep_freed_memory() -> None:
    """Keep freed memory for the next build: large blocks from the heap, the heap not
    trimmed below ``KEPT``."""
    _set(KEPT, KEPT, KEPT // 4)


def system_defaults() -> None:
    """Set glibc's starting values back (its threshold for mapping a block on its own then
    stays at 128 KiB rather than growing with the blocks freed, as in a new process)."""
    _set(DEFAULT, DEFAULT, DEFAULT)
