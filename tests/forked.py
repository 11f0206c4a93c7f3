"""Processes forked from the test process, for tests whose subject is a separate process
(killed, or running beside others) but not its start.

A forked process starts with orderpack and WeasyPrint already loaded and warmed up (fonts
found, templates compiled): what a process started afresh spends some 1.3 s of CPU on
before it builds. It then runs the `orderpack` command as its entry point does, with
:func:`orderpack.__main__.run`. Tests whose subject is the start itself (Ctrl-C while the
modules load, the import of WeasyPrint) start a new Python instead.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import warnings
from collections.abc import Callable
from multiprocessing.process import BaseProcess


def _command(argv: list[str], before: Callable[[], object] | None) -> None:
    from orderpack.__main__ import run

    if before is not None:
        before()
    sys.argv = ["orderpack", *argv]
    run()


def start_command(argv: list[str], before: Callable[[], object] | None = None) -> BaseProcess:
    """Fork a process running ``orderpack ARGV`` (after calling ``before``, if given, in
    that process alone); its exit code is the command's, or minus the signal that ended it."""
    # Forking copies only the calling thread: safe while it is the only one (the builds'
    # own threads are gone once they return).
    assert threading.active_count() == 1, threading.enumerate()
    process = multiprocessing.get_context("fork").Process(target=_command, args=(argv, before))
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process with threads of its own it cannot see
        # (a C library's); the forked process runs orderpack's code alone, as above.
        warnings.simplefilter("ignore", DeprecationWarning)
        process.start()
    return process
